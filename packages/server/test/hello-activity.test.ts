import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, startWorker } from './support/harness.js';
import type { RunningWorker, TestServer } from './support/harness.js';

let env: TestServer;
let worker: RunningWorker;
const taskQueue = `hello-${randomUUID()}`;

beforeAll(async () => {
  env = await startTestServer();
  worker = await startWorker(env.address, taskQueue);
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

test('a workflow runs an activity through the official SDK and returns its result', { timeout: 30_000 }, async () => {
  const result = await env.client.workflow.execute('helloActivity', { taskQueue, workflowId: `hello-${randomUUID()}`, args: ['Hourglass'] });
  expect(result).toBe('Hello, Hourglass!');
});
