import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarizeRound } from './stats.js';
import type { RoundSample } from './stats.js';
import type { BenchTarget } from './targets.js';
import type { Workload } from './workloads.js';

/**
 * A full collection before each timed run, so a target is not charged for the garbage the
 * previous target left. `npm run bench` cannot pass --expose-gc to node, hence the flag is
 * set at run time and `gc` fetched from a fresh context.
 */
function exposeGarbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const collectGarbage = exposeGarbageCollector();

/** Runs `ops` operations of one workload on one target, one after another, timing each. */
export async function measureRound(target: Pick<BenchTarget, 'execute'>, workload: Workload, roundStart: number, ops: number): Promise<RoundSample> {
  collectGarbage();
  const latenciesUs = new Float64Array(ops);
  const started = performance.now();
  for (let index = 0; index < ops; index++) {
    const opStarted = performance.now();
    const pending = target.execute(workload, { roundStart, index, opsPerRound: ops });
    if (pending) await pending;
    latenciesUs[index] = (performance.now() - opStarted) * 1000;
  }
  return summarizeRound(latenciesUs, performance.now() - started);
}

/**
 * The order targets run in, rotated every round so none always runs first (warm caches,
 * a checkpoint that just happened) or last.
 */
export function targetOrder<T>(targets: readonly T[], round: number): T[] {
  const shift = round % targets.length;
  return [...targets.slice(shift), ...targets.slice(0, shift)];
}
