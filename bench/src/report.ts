import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { SqlitePragmas, StorageMode, TableContent } from './databases.js';
import type { BenchOptions } from './options.js';
import type { PerStatementCosts, TransactionCosts } from './overhead.js';
import type { CpuShares } from './cpu-profile.js';
import type { TimeSplit } from './profile.js';
import type { RoundSample, Slowdown, TargetSummary } from './stats.js';
import type { TargetName } from './targets.js';
import type { NotRun, ServerDbReport } from './run-server-benchmark.js';

/** Everything one run measured; `--output json` prints it as is, the table view is rendered from it. */
export interface BenchReport {
  readonly benchmark: 'persistence';
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: Omit<BenchOptions, 'output'> & { readonly warmupRounds: number };
  readonly machine: MachineInfo;
  readonly source: SourceInfo;
  /** SQLite, per storage mode; empty when SQLite was not selected. */
  readonly modes: readonly ModeReport[];
  /** SQLite only. */
  readonly perStatementCosts?: PerStatementCosts;
  /** PostgreSQL, MariaDB, Cassandra: the store against the raw driver, per database that ran. */
  readonly servers: readonly ServerDbReport[];
  /** Selected databases that could not be reached, with the reason. */
  readonly notRun: readonly NotRun[];
}

export interface MachineInfo {
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly totalMemoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly sqlite: string;
  /** 1/5/15-minute load averages when the run started and ended. */
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
}

/** Which code was measured: the commit, and any uncommitted change in the packages the benchmark runs. */
export interface SourceInfo {
  readonly commit: string;
  readonly uncommitted: readonly string[];
}

/** The packages whose code runs in the benchmark; an uncommitted change there makes the figures unreproducible from the commit alone. */
const MEASURED_PATHS = ['bench', 'packages/core', 'packages/sql', 'packages/cassandra', 'packages/schema-tool'];

export function describeSource(): SourceInfo {
  const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git(['rev-parse', '--short', 'HEAD']).trim();
    const uncommitted = git(['status', '--porcelain', '--', ...MEASURED_PATHS])
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.slice(3));
    return { commit, uncommitted };
  } catch {
    return { commit: 'unknown (not a git checkout)', uncommitted: [] };
  }
}

export interface ModeReport {
  readonly mode: StorageMode;
  readonly pragmas: SqlitePragmas;
  /** The 1-minute load average sampled before every round (warm-up included). */
  readonly loadAverage1m: { readonly min: number; readonly max: number };
  readonly workloads: readonly WorkloadReport[];
  readonly transactionCosts: TransactionCosts;
  /** File mode only: rows and content digest per written table and target after the run; all targets must agree. */
  readonly written?: Record<TargetName, Record<string, TableContent>>;
  readonly writtenMatch?: boolean;
}

export interface StatementCount {
  /** SQL statements, not counting BEGIN / COMMIT / ROLLBACK. */
  readonly statements: number;
  readonly transactions: number;
}

export interface WorkloadReport {
  readonly name: string;
  readonly description: string;
  /** What one op sends to SQLite; kysely-sql sends exactly what raw sends. */
  readonly statementsPerOp: Record<'hourglass' | 'baseline', StatementCount>;
  /** From the instrumented pass after the timed rounds. */
  readonly timeSplit: Record<TargetName, TimeSplit>;
  /** From the CPU-profiled pass: share of samples per package the innermost frame belongs to. */
  readonly cpuShares: Record<TargetName, CpuShares>;
  readonly targets: Record<TargetName, { readonly summary: TargetSummary; readonly rounds: readonly RoundSample[] }>;
  /** How many times slower, from per-round ratios over the measured rounds. */
  readonly ratios: { readonly hourglassToRaw: Slowdown; readonly kyselySqlToRaw: Slowdown; readonly hourglassToKyselySql: Slowdown };
}

export function describeMachine(sqliteVersion: string, loadAverageAtStart: readonly number[]): MachineInfo {
  const cpuList = cpus();
  return {
    cpuCount: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    sqlite: sqliteVersion,
    loadAverageAtStart,
    loadAverageAtEnd: roundLoad(loadavg()),
  };
}

export function roundLoad(load: readonly number[]): number[] {
  return load.map((x) => Math.round(x * 100) / 100);
}
