// The end-to-end benchmark's workflow: bundled by the SDK worker and run in its sandbox.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './e2e-activities.js';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/** One activity, then done: the smallest workflow that exercises workflow tasks, an activity task and history. */
export async function oneActivity(name: string): Promise<string> {
  return greet(name);
}
