// Workflow code for the server tests. Runs inside the SDK's workflow sandbox (bundled by the Worker).
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  startChild,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from './activities.js';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });
const { flaky } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 ms', backoffCoefficient: 1, maximumAttempts: 5 },
});
const { silentHeartbeater } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '1 second',
  retry: { maximumAttempts: 1 },
});

export async function helloActivity(name: string): Promise<string> {
  return greet(name);
}

export async function retryingActivity(key: string): Promise<string> {
  return flaky(key);
}

export async function heartbeatTimeout(): Promise<string> {
  try {
    await silentHeartbeater();
    return 'no timeout';
  } catch (err) {
    const cause = (err as { cause?: { timeoutType?: number } }).cause;
    return `timed out: ${String(cause?.timeoutType)}`;
  }
}

export async function durableSleep(ms: number): Promise<string> {
  await sleep(ms);
  return 'woke up';
}

export const addSignal = defineSignal<[number]>('add');
export const totalQuery = defineQuery<number>('total');
export const setTotalUpdate = defineUpdate<number, [number]>('setTotal');
export const finishSignal = defineSignal('finish');

export async function counter(): Promise<number> {
  let total = 0;
  let finished = false;
  setHandler(addSignal, (n) => {
    total += n;
  });
  setHandler(totalQuery, () => total);
  setHandler(
    setTotalUpdate,
    (n) => {
      const previous = total;
      total = n;
      return previous;
    },
    {
      validator: (n) => {
        if (n < 0) throw new Error('total must not be negative');
      },
    },
  );
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return total;
}

export async function parent(name: string): Promise<string> {
  const child = await executeChild(helloActivity, { args: [name], workflowId: `${workflowInfo().workflowId}-child` });
  return `parent got: ${child}`;
}

export async function countdown(n: number): Promise<string> {
  if (n > 0) await continueAsNew<typeof countdown>(n - 1);
  return `done after ${workflowInfo().continuedFromExecutionRunId ? 'continue-as-new' : 'first run'}`;
}

export async function failing(): Promise<void> {
  throw ApplicationFailure.nonRetryable('deliberate failure', 'MyError');
}

export async function waitsForever(): Promise<void> {
  await condition(() => false);
}

export async function tagged(value: string): Promise<string> {
  upsertSearchAttributes({ CustomKeywordField: [value] });
  return value;
}

const { heartbeatUntilCancelled } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '5 seconds',
});

export async function cancelsActivity(): Promise<string> {
  try {
    await CancellationScope.cancellable(async () => {
      const activity = heartbeatUntilCancelled();
      await sleep(500);
      CancellationScope.current().cancel();
      await activity;
    });
    return 'activity finished';
  } catch (err) {
    return isCancellation(err) ? 'activity canceled' : `unexpected: ${String(err)}`;
  }
}

export async function succeedsOnThirdAttempt(): Promise<string> {
  const { attempt } = workflowInfo();
  if (attempt < 3) throw ApplicationFailure.retryable(`attempt ${attempt} failed`);
  return `succeeded on attempt ${attempt}`;
}

const { completesAsync } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

export async function asyncActivity(): Promise<string> {
  return completesAsync();
}

const { sleepy } = proxyActivities<typeof activities>({ startToCloseTimeout: '300 ms', retry: { maximumAttempts: 1 } });

export async function activityStartToCloseTimeout(): Promise<string> {
  try {
    await sleepy(2000);
    return 'no timeout';
  } catch (err) {
    const cause = (err as { cause?: { timeoutType?: number } }).cause;
    return `timed out: ${String(cause?.timeoutType)}`;
  }
}

export async function parentLeavesChildRunning(): Promise<string> {
  const child = await startChild(waitsForever, { workflowId: `${workflowInfo().workflowId}-child` });
  return child.workflowId;
}

export async function signalsOther(targetWorkflowId: string): Promise<void> {
  const target = getExternalWorkflowHandle(targetWorkflowId);
  await target.signal(addSignal, 5);
  await target.signal(finishSignal);
}

export async function cancelsOther(targetWorkflowId: string): Promise<void> {
  await getExternalWorkflowHandle(targetWorkflowId).cancel();
}

export async function signalsMissing(): Promise<string> {
  try {
    await getExternalWorkflowHandle(`missing-${workflowInfo().workflowId}`).signal(finishSignal);
    return 'signalled';
  } catch (err) {
    return `failed: ${(err as Error).name}`;
  }
}

const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function localActivity(name: string): Promise<string> {
  return local.greet(name);
}

export const slowUpdate = defineUpdate<string>('slow');

export async function completesDuringUpdate(): Promise<string> {
  let finished = false;
  setHandler(slowUpdate, async () => {
    await condition(() => false);
    return 'never';
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return 'done';
}

export async function cancelsChild(): Promise<string> {
  try {
    await CancellationScope.cancellable(async () => {
      const child = await startChild(waitsForever, { workflowId: `${workflowInfo().workflowId}-child` });
      CancellationScope.current().cancel();
      await child.result();
    });
    return 'child finished';
  } catch (err) {
    return isCancellation(err) ? 'child canceled' : `unexpected: ${String(err)}`;
  }
}
