import { performance } from 'node:perf_hooks';

/** What one driver measured in one round: each workflow's start-to-completion time and the round's wall time. */
export interface E2eRound {
  readonly workflows: number;
  readonly elapsedMs: number;
  readonly latenciesMs: Float64Array;
}

/**
 * Runs `total` workflows with `concurrency` of them in flight at once. Each lane runs its
 * workflows one after another, so a lane's own state (e.g. its task queue) is never shared.
 */
export async function runLanes(total: number, concurrency: number, runOne: (lane: number, index: number) => Promise<void>): Promise<E2eRound> {
  const latenciesMs = new Float64Array(total);
  let next = 0;
  const lane = async (id: number): Promise<void> => {
    for (let index = next++; index < total; index = next++) {
      const started = performance.now();
      await runOne(id, index);
      latenciesMs[index] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, (_, id) => lane(id)));
  return { workflows: total, elapsedMs: performance.now() - started, latenciesMs };
}
