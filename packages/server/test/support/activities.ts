import { CompleteAsyncError, Context } from '@temporalio/activity';

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

const attempts = new Map<string, number>();

/** Fails the first two attempts for each key, then succeeds. */
export async function flaky(key: string): Promise<string> {
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  if (n < 3) throw new Error(`attempt ${n} failed`);
  return `succeeded on attempt ${Context.current().info.attempt}`;
}

/** Never heartbeats, so a heartbeat timeout must end it. */
export async function silentHeartbeater(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
}

/** Heartbeats until the workflow cancels it, then reports the cancellation. */
export async function heartbeatUntilCancelled(): Promise<string> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    await ctx.sleep(100);
  }
}

/** Leaves completion to someone else (the test completes it by workflow and activity id). */
export async function completesAsync(): Promise<string> {
  throw new CompleteAsyncError();
}

export async function sleepy(ms: number): Promise<void> {
  await Context.current().sleep(ms);
}
