import { loadavg } from 'node:os';
import { measureRound, targetOrder } from './measure.js';
import type { BenchOptions } from './options.js';
import { summarizeRounds, slowdown } from './stats.js';
import type { RoundSample, Slowdown, TargetSummary } from './stats.js';
import { DB_LABELS, SERVER_TARGETS, ServerNotAvailable } from './servers.js';
import type { ServerDb } from './servers.js';
import { SERVER_TARGET_NAMES, openMariadb, openPostgres } from './server-targets.js';
import type { OpenedServer, ServerTargetName } from './server-targets.js';
import { openCassandra } from './cassandra-targets.js';
import { WORKLOADS } from './workloads.js';
import type { Workload } from './workloads.js';

const WARMUP_ROUNDS = 1;

export interface ServerWorkloadReport {
  readonly name: string;
  readonly targets: Record<ServerTargetName, { readonly summary: TargetSummary; readonly rounds: readonly RoundSample[] }>;
  /** store / raw, from per-round ratios over the measured rounds. */
  readonly hourglassToRaw: Slowdown;
}

export interface ServerDbReport {
  readonly db: ServerDb;
  readonly label: string;
  /** The conformance server target the connection came from (conformance/servers/.run). */
  readonly serverTarget: string;
  readonly serverVersion: string;
  readonly loadAverage1m: { readonly min: number; readonly max: number };
  readonly workloads: readonly ServerWorkloadReport[];
  /** Rows per written table and target after the run; undefined where not counted. */
  readonly rowCounts?: Record<ServerTargetName, Record<string, number>>;
  readonly rowCountsMatch?: boolean;
}

export interface NotRun {
  readonly db: string;
  readonly reason: string;
}

export type ProgressReporter = (message: string) => void;

const OPENERS: Readonly<Record<ServerDb, () => Promise<OpenedServer>>> = {
  postgres: openPostgres,
  mariadb: openMariadb,
  cassandra: openCassandra,
};

/** Runs the timed rounds on one server database; a server that is not there yields a NotRun, never numbers. */
export async function runServerDb(db: ServerDb, options: BenchOptions, progress: ProgressReporter): Promise<ServerDbReport | NotRun> {
  const label = DB_LABELS[db];
  let opened: OpenedServer;
  try {
    progress(`${label}: creating the bench databases and schemas`);
    opened = await OPENERS[db]();
  } catch (err) {
    if (err instanceof ServerNotAvailable) return { db: label, reason: err.message };
    throw err;
  }
  try {
    const samples = new Map<Workload, Map<ServerTargetName, RoundSample[]>>(WORKLOADS.map((w) => [w, new Map(SERVER_TARGET_NAMES.map((t) => [t, []]))]));
    const loads: number[] = [];
    const totalRounds = WARMUP_ROUNDS + options.rounds;
    for (let round = 0; round < totalRounds; round++) {
      loads.push(loadavg()[0]!);
      progress(`${label}: round ${round + 1}/${totalRounds}${round < WARMUP_ROUNDS ? ' (warm-up)' : ''}`);
      for (const workload of WORKLOADS) {
        for (const target of targetOrder(opened.targets, round)) {
          const sample = await measureRound(target, workload, round * options.ops, options.ops);
          if (round >= WARMUP_ROUNDS) samples.get(workload)!.get(target.name)!.push(sample);
        }
      }
    }
    const rowCounts = await opened.rowCounts();
    return {
      db,
      label,
      serverTarget: SERVER_TARGETS[db],
      serverVersion: opened.serverVersion,
      loadAverage1m: { min: Math.min(...loads), max: Math.max(...loads) },
      workloads: WORKLOADS.map((w) => {
        const rounds = (t: ServerTargetName) => samples.get(w)!.get(t)!;
        return {
          name: w.name,
          targets: {
            hourglass: { summary: summarizeRounds(rounds('hourglass')), rounds: rounds('hourglass') },
            raw: { summary: summarizeRounds(rounds('raw')), rounds: rounds('raw') },
          },
          hourglassToRaw: slowdown(rounds('hourglass'), rounds('raw')),
        };
      }),
      rowCounts,
      rowCountsMatch: JSON.stringify(rowCounts.hourglass) === JSON.stringify(rowCounts.raw),
    };
  } finally {
    await opened.closeAll();
  }
}

export function isNotRun(report: ServerDbReport | NotRun): report is NotRun {
  return 'reason' in report;
}
