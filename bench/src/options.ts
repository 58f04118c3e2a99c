import { STORAGE_MODES } from './databases.js';
import type { StorageMode } from './databases.js';
import { BENCH_DBS } from './servers.js';
import type { BenchDb } from './servers.js';

export type OutputFormat = 'table' | 'json';

export interface BenchOptions {
  /** Operations per workload, per target, per round. */
  readonly ops: number;
  /** Measured rounds; one extra warm-up round runs first and is not reported. */
  readonly rounds: number;
  readonly output: OutputFormat;
  readonly modes: readonly StorageMode[];
  /** The databases to benchmark, in BENCH_DBS order. */
  readonly dbs: readonly BenchDb[];
  /** True when --db or HOURGLASS_BENCH_DBS chose them: then a database that cannot be reached fails the run. */
  readonly dbsChosen: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = { ops: 2000, rounds: 7, output: 'table', modes: STORAGE_MODES, dbs: BENCH_DBS, dbsChosen: false };

export const USAGE = `Usage: npm run bench -- [--db LIST] [--ops N] [--rounds R] [--output table|json] [--mode file|memory]

  --db LIST     comma list of ${BENCH_DBS.join(', ')} (repeatable; or HOURGLASS_BENCH_DBS=LIST).
                Default: all of them; a server that is not reachable is reported as "not run: <reason>".
                A database chosen explicitly that cannot be reached makes the run exit 1.
                Servers come from bash conformance/servers/start.sh (postgres-15, mariadb-10.11, cassandra-4.0)
  --ops N       operations per workload, per target, per round (default ${DEFAULT_OPTIONS.ops})
  --rounds R    measured rounds; each figure is the median over rounds (default ${DEFAULT_OPTIONS.rounds}); one warm-up round runs first
  --output F    table (default) or json
  --mode M      SQLite only: file (SQLite file in a temp dir, WAL) or memory (:memory:); repeat for both (default: both)`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got ${String(value)}`);
  return n;
}

/** Parses a --db list: names from BENCH_DBS, comma-separated, case-insensitive. */
export function parseDbList(source: string, list: string): BenchDb[] {
  const names = list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new UsageError(`${source} needs a comma list of ${BENCH_DBS.join(', ')}`);
  for (const name of names) {
    if (!(BENCH_DBS as readonly string[]).includes(name)) throw new UsageError(`${source}: unknown database ${name} (known: ${BENCH_DBS.join(', ')})`);
  }
  return names as BenchDb[];
}

export function parseOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): BenchOptions | 'help' {
  let { ops, rounds, output } = DEFAULT_OPTIONS;
  const modes: StorageMode[] = [];
  const dbs = new Set<BenchDb>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--ops':
        ops = positiveInteger(flag, value());
        break;
      case '--rounds':
        rounds = positiveInteger(flag, value());
        break;
      case '--output': {
        const format = value();
        if (format !== 'table' && format !== 'json') throw new UsageError(`--output must be table or json, got ${String(format)}`);
        output = format;
        break;
      }
      case '--mode': {
        const mode = value();
        if (mode !== 'file' && mode !== 'memory') throw new UsageError(`--mode must be file or memory, got ${String(mode)}`);
        if (!modes.includes(mode)) modes.push(mode);
        break;
      }
      case '--db':
        for (const db of parseDbList('--db', value() ?? '')) dbs.add(db);
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  const fromEnv = env['HOURGLASS_BENCH_DBS'];
  if (dbs.size === 0 && fromEnv !== undefined && fromEnv.trim() !== '') for (const db of parseDbList('HOURGLASS_BENCH_DBS', fromEnv)) dbs.add(db);
  const chosen = dbs.size > 0;
  return {
    ops,
    rounds,
    output,
    modes: modes.length > 0 ? modes : DEFAULT_OPTIONS.modes,
    dbs: chosen ? BENCH_DBS.filter((db) => dbs.has(db)) : DEFAULT_OPTIONS.dbs,
    dbsChosen: chosen,
  };
}
