import { loadavg } from 'node:os';
import { BenchDirectory } from './databases.js';
import type { StorageMode } from './databases.js';
import { measureRound, targetOrder } from './measure.js';
import type { BenchOptions } from './options.js';
import { measurePerStatementCosts, measureTransactionCosts } from './overhead.js';
import { describeMachine, describeSource, roundLoad } from './report.js';
import type { BenchReport, ModeReport, WorkloadReport } from './report.js';
import { cpuSharesByOwner } from './cpu-profile.js';
import type { CpuShares } from './cpu-profile.js';
import { profileOps } from './profile.js';
import type { TimeSplit } from './profile.js';
import { median, slowdown, summarizeRounds } from './stats.js';
import type { RoundSample } from './stats.js';
import { TARGET_NAMES, openTargets, writtenContentAfterClose } from './targets.js';
import type { BenchTarget, TargetName } from './targets.js';
import { WORKLOADS } from './workloads.js';
import { isNotRun, runServerDb } from './run-server-benchmark.js';
import type { NotRun, ServerDbReport } from './run-server-benchmark.js';
import type { ServerDb } from './servers.js';
import type { Workload } from './workloads.js';

const WARMUP_ROUNDS = 1;
/** The instrumented pass that follows the timed rounds: repeats × ops (at most --ops) per workload and target. */
const PROFILE_REPEATS = 5;
const MAX_PROFILED_OPS = 500;
/** Calls per timed batch of a unit cost (see overhead.ts). */
const UNIT_COST_CALLS_PER_BATCH = 200;

export type ProgressReporter = (message: string) => void;

export async function runBenchmark(options: BenchOptions, command: string, progress: ProgressReporter): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = roundLoad(loadavg());
  const modes: ModeReport[] = [];
  let sqliteVersion = 'unknown';
  let perStatementCosts: BenchReport['perStatementCosts'];
  if (options.dbs.includes('sqlite')) {
    for (const mode of options.modes) {
      const report = await runMode(mode, options, progress);
      sqliteVersion = report.pragmas.sqliteVersion;
      modes.push(report);
    }
    progress('per-statement costs');
    perStatementCosts = await measurePerStatementCosts(UNIT_COST_CALLS_PER_BATCH);
  }
  const servers: ServerDbReport[] = [];
  const notRun: NotRun[] = [];
  for (const db of options.dbs.filter((d): d is ServerDb => d !== 'sqlite')) {
    const result = await runServerDb(db, options, progress);
    if (isNotRun(result)) {
      progress(`${result.db}: not run: ${result.reason}`);
      notRun.push(result);
    } else {
      servers.push(result);
    }
  }
  return {
    benchmark: 'persistence',
    command,
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { ops: options.ops, rounds: options.rounds, modes: options.modes, dbs: options.dbs, dbsChosen: options.dbsChosen, warmupRounds: WARMUP_ROUNDS },
    machine: describeMachine(sqliteVersion, loadAverageAtStart),
    source: describeSource(),
    modes,
    ...(perStatementCosts === undefined ? {} : { perStatementCosts }),
    servers,
    notRun,
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
    let splits: Map<Workload, Record<TargetName, TimeSplit>>;
    let cpuShares: Map<Workload, Record<TargetName, CpuShares>>;
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
      progress(`${mode}: instrumented pass`);
      const profiledOps = Math.min(MAX_PROFILED_OPS, options.ops);
      splits = await profileWorkloads(opened.targets, totalRounds * options.ops, profiledOps);
      progress(`${mode}: CPU profile`);
      cpuShares = await cpuProfileWorkloads(opened.targets, totalRounds * options.ops + PROFILE_REPEATS * profiledOps, profiledOps);
    } finally {
      await opened.closeAll();
    }
    const written = writtenContentAfterClose(dir);
    progress(`${mode}: transaction costs`);
    const transactionCosts = await measureTransactionCosts(dir.filename('scratch'), UNIT_COST_CALLS_PER_BATCH);
    return {
      mode,
      pragmas: opened.pragmas,
      loadAverage1m: { min: Math.min(...loads), max: Math.max(...loads) },
      workloads: WORKLOADS.map((w) => workloadReport(w, samples.get(w)!, splits.get(w)!, cpuShares.get(w)!)),
      transactionCosts,
      ...(written === undefined ? {} : { written, writtenMatch: allEqual(Object.values(written).map((c) => JSON.stringify(c))) }),
    };
  } finally {
    dir.remove();
  }
}

/**
 * Untimed rounds on every target (so the databases stay identical) with every layer wrapped:
 * where each target's time goes, and what each sends to SQLite. Repeated with the target
 * order rotated, and the median of each part kept, for the same reasons as the timed rounds.
 */
async function profileWorkloads(targets: readonly BenchTarget[], firstSequence: number, ops: number): Promise<Map<Workload, Record<TargetName, TimeSplit>>> {
  const splits = new Map<Workload, Map<TargetName, TimeSplit[]>>(WORKLOADS.map((w) => [w, new Map(TARGET_NAMES.map((t) => [t, []]))]));
  for (let repeat = 0; repeat < PROFILE_REPEATS; repeat++) {
    const roundStart = firstSequence + repeat * ops;
    for (const workload of WORKLOADS) {
      for (const target of targetOrder(targets, repeat)) {
        const split = await profileOps(ops, (index) => target.execute(workload, { roundStart, index, opsPerRound: ops }));
        splits.get(workload)!.get(target.name)!.push(split);
      }
    }
  }
  return new Map(
    WORKLOADS.map((w) => {
      const byTarget = splits.get(w)!;
      return [w, { hourglass: medianSplit(byTarget.get('hourglass')!), 'kysely-sql': medianSplit(byTarget.get('kysely-sql')!), raw: medianSplit(byTarget.get('raw')!) }];
    }),
  );
}

/**
 * One more untimed round on every target under V8's sampling profiler: which package's code
 * the CPU was in. Complements the instrumented split, which cannot see inside "other JS".
 */
async function cpuProfileWorkloads(targets: readonly BenchTarget[], roundStart: number, ops: number): Promise<Map<Workload, Record<TargetName, CpuShares>>> {
  const result = new Map<Workload, Record<TargetName, CpuShares>>();
  for (const workload of WORKLOADS) {
    const byTarget = {} as Record<TargetName, CpuShares>;
    for (const target of targets) {
      byTarget[target.name] = await cpuSharesByOwner(async () => {
        for (let index = 0; index < ops; index++) {
          const pending = target.execute(workload, { roundStart, index, opsPerRound: ops });
          if (pending) await pending;
        }
      });
    }
    result.set(workload, byTarget);
  }
  return result;
}

/** The median of each part; "other" is what the median total leaves, so the parts still add up. */
function medianSplit(splits: readonly TimeSplit[]): TimeSplit {
  const of = (pick: (s: TimeSplit) => number) => median(splits.map(pick));
  const totalUs = of((s) => s.totalUs);
  const sqliteUs = of((s) => s.sqliteUs);
  const prepareUs = of((s) => s.prepareUs);
  const compileUs = of((s) => s.compileUs);
  return {
    totalUs,
    sqliteUs,
    prepareUs,
    compileUs,
    otherUs: Math.max(0, totalUs - sqliteUs - prepareUs - compileUs),
    statements: of((s) => s.statements),
    transactions: of((s) => s.transactions),
  };
}

function workloadReport(
  workload: Workload,
  samples: Map<TargetName, RoundSample[]>,
  timeSplit: Record<TargetName, TimeSplit>,
  cpuShares: Record<TargetName, CpuShares>,
): WorkloadReport {
  const rounds = (t: TargetName) => samples.get(t)!;
  const target = (t: TargetName) => ({ summary: summarizeRounds(rounds(t)), rounds: rounds(t) });
  const targets: WorkloadReport['targets'] = { hourglass: target('hourglass'), 'kysely-sql': target('kysely-sql'), raw: target('raw') };
  return {
    name: workload.name,
    description: workload.description,
    statementsPerOp: {
      hourglass: { statements: timeSplit.hourglass.statements, transactions: timeSplit.hourglass.transactions },
      baseline: { statements: timeSplit.raw.statements, transactions: timeSplit.raw.transactions },
    },
    timeSplit,
    cpuShares,
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
