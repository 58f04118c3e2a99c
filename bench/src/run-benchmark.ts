import { loadavg } from 'node:os';
import { BenchDirectory } from './databases.js';
import type { StorageMode } from './databases.js';
import { measureRound, targetOrder } from './measure.js';
import type { BenchOptions } from './options.js';
import { measurePerStatementCosts, measureTransactionCosts } from './overhead.js';
import { describeMachine, roundLoad } from './report.js';
import type { BenchReport, ModeReport, WorkloadReport } from './report.js';
import { countPreparedStatements } from './statement-count.js';
import type { StatementCount } from './statement-count.js';
import { slowdown, summarizeRounds } from './stats.js';
import type { RoundSample } from './stats.js';
import { TARGET_NAMES, openTargets, rowCountsAfterClose } from './targets.js';
import type { BenchTarget, TargetName } from './targets.js';
import { WORKLOADS } from './workloads.js';
import type { Workload } from './workloads.js';

const WARMUP_ROUNDS = 1;
/** Ops of the statement-counting pass that follows the timed rounds. */
const COUNTED_OPS = 4;
const UNIT_COST_ITERATIONS = 2_000;

export type ProgressReporter = (message: string) => void;

export async function runBenchmark(options: BenchOptions, command: string, progress: ProgressReporter): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = roundLoad(loadavg());
  const modes: ModeReport[] = [];
  let sqliteVersion = 'unknown';
  for (const mode of options.modes) {
    const report = await runMode(mode, options, progress);
    sqliteVersion = report.pragmas.sqliteVersion;
    modes.push(report);
  }
  progress('per-statement costs');
  const perStatementCosts = await measurePerStatementCosts(UNIT_COST_ITERATIONS);
  return {
    benchmark: 'persistence',
    command,
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { ops: options.ops, rounds: options.rounds, modes: options.modes, warmupRounds: WARMUP_ROUNDS },
    machine: describeMachine(sqliteVersion, loadAverageAtStart),
    modes,
    perStatementCosts,
  };
}

type Samples = Map<Workload, Map<TargetName, RoundSample[]>>;

async function runMode(mode: StorageMode, options: BenchOptions, progress: ProgressReporter): Promise<ModeReport> {
  const dir = new BenchDirectory(mode);
  try {
    const opened = await openTargets(dir);
    const samples: Samples = new Map(WORKLOADS.map((w) => [w, new Map(TARGET_NAMES.map((t) => [t, []]))]));
    const loads: number[] = [];
    const totalRounds = WARMUP_ROUNDS + options.rounds;
    let counts: Map<Workload, Record<'hourglass' | 'baseline', StatementCount>>;
    try {
      for (let round = 0; round < totalRounds; round++) {
        loads.push(loadavg()[0]!);
        progress(`${mode}: round ${round + 1}/${totalRounds}${round < WARMUP_ROUNDS ? ' (warm-up)' : ''}`);
        for (const workload of WORKLOADS) {
          for (const target of targetOrder(opened.targets, round)) {
            const sample = await measureRound(target, workload, round * options.ops, options.ops);
            if (round >= WARMUP_ROUNDS) samples.get(workload)!.get(target.name)!.push(sample);
          }
        }
      }
      counts = await countStatements(opened.targets, totalRounds * options.ops);
    } finally {
      await opened.closeAll();
    }
    const rowCounts = rowCountsAfterClose(dir);
    progress(`${mode}: transaction costs`);
    const transactionCosts = await measureTransactionCosts(dir.filename('scratch'), UNIT_COST_ITERATIONS);
    return {
      mode,
      pragmas: opened.pragmas,
      loadAverage1m: { min: Math.min(...loads), max: Math.max(...loads) },
      workloads: WORKLOADS.map((w) => workloadReport(w, samples.get(w)!, counts.get(w)!)),
      transactionCosts,
      ...(rowCounts === undefined ? {} : { rowCounts, rowCountsMatch: allEqual(Object.values(rowCounts).map((c) => JSON.stringify(c))) }),
    };
  } finally {
    dir.remove();
  }
}

/**
 * One more, untimed round of a few ops on every target (so the databases stay identical),
 * counting what the store and the Kysely-driven baseline prepare.
 */
async function countStatements(
  targets: readonly BenchTarget[],
  roundStart: number,
): Promise<Map<Workload, Record<'hourglass' | 'baseline', StatementCount>>> {
  const counted = COUNTED_OPS;
  const result = new Map<Workload, Record<'hourglass' | 'baseline', StatementCount>>();
  const perOp = (c: StatementCount): StatementCount => ({ statements: c.statements / counted, transactions: c.transactions / counted });
  for (const workload of WORKLOADS) {
    const byTarget = new Map<TargetName, StatementCount>();
    for (const target of targets) {
      const count = await countPreparedStatements(async () => {
        for (let index = 0; index < counted; index++) await target.execute(workload, { roundStart, index, opsPerRound: counted });
      });
      byTarget.set(target.name, perOp(count));
    }
    result.set(workload, { hourglass: byTarget.get('hourglass')!, baseline: byTarget.get('kysely-sql')! });
  }
  return result;
}

function workloadReport(workload: Workload, samples: Map<TargetName, RoundSample[]>, statementsPerOp: Record<'hourglass' | 'baseline', StatementCount>): WorkloadReport {
  const rounds = (t: TargetName) => samples.get(t)!;
  const target = (t: TargetName) => ({ summary: summarizeRounds(rounds(t)), rounds: rounds(t) });
  const targets: WorkloadReport['targets'] = { hourglass: target('hourglass'), 'kysely-sql': target('kysely-sql'), raw: target('raw') };
  return {
    name: workload.name,
    description: workload.description,
    statementsPerOp,
    targets,
    ratios: {
      hourglassToRaw: slowdown(rounds('hourglass'), rounds('raw')),
      kyselySqlToRaw: slowdown(rounds('kysely-sql'), rounds('raw')),
      hourglassToKyselySql: slowdown(rounds('hourglass'), rounds('kysely-sql')),
    },
  };
}

function allEqual(values: readonly string[]): boolean {
  return values.every((v) => v === values[0]);
}
