import { STORAGE_MODES } from './databases.js';
import type { StorageMode } from './databases.js';

export type OutputFormat = 'table' | 'json';

export interface BenchOptions {
  /** Operations per workload, per target, per round. */
  readonly ops: number;
  /** Measured rounds; one extra warm-up round runs first and is not reported. */
  readonly rounds: number;
  readonly output: OutputFormat;
  readonly modes: readonly StorageMode[];
}

export const DEFAULT_OPTIONS: BenchOptions = { ops: 2000, rounds: 7, output: 'table', modes: STORAGE_MODES };

export const USAGE = `Usage: npm run bench -- [--ops N] [--rounds R] [--output table|json] [--mode file|memory]

  --ops N       operations per workload, per target, per round (default ${DEFAULT_OPTIONS.ops})
  --rounds R    measured rounds; each figure is the median over rounds (default ${DEFAULT_OPTIONS.rounds}); one warm-up round runs first
  --output F    table (default) or json
  --mode M      file (SQLite file in a temp dir, WAL) or memory (:memory:); repeat for both (default: both)`;

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

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  let { ops, rounds, output } = DEFAULT_OPTIONS;
  const modes: StorageMode[] = [];
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
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return { ops, rounds, output, modes: modes.length > 0 ? modes : DEFAULT_OPTIONS.modes };
}
