import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, startWorker } from './support/harness.js';
import type { RunningWorker, TestServer } from './support/harness.js';

let env: TestServer;
let worker: RunningWorker;
const taskQueue = `load-${randomUUID()}`;

beforeAll(async () => {
  env = await startTestServer();
  worker = await startWorker(env.address, taskQueue);
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

test('forty concurrent workflows with signals and activities all complete', { timeout: 60_000 }, async () => {
  const runs = Array.from({ length: 40 }, async (_, i) => {
    if (i % 2 === 0) return env.client.workflow.execute('helloActivity', { taskQueue, workflowId: `load-${i}-${randomUUID()}`, args: [`n${i}`] });
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: `load-${i}-${randomUUID()}` });
    await handle.signal('add', i);
    await handle.signal('finish');
    return String(await handle.result());
  });
  const results = await Promise.all(runs);
  expect(results).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `Hello, n${i}!` : String(i))));
});
