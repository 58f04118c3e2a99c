import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, startWorker } from './support/harness.js';
import type { RunningWorker, TestServer } from './support/harness.js';

let env: TestServer;
let worker: RunningWorker;
const taskQueue = `shards-${randomUUID()}`;

beforeAll(async () => {
  env = await startTestServer({ numHistoryShards: 4 });
  worker = await startWorker(env.address, taskQueue);
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

test('with four history shards, workflows and parent/child pairs spread over shards complete', { timeout: 30_000 }, async () => {
  expect((await env.connection.workflowService.getClusterInfo({})).historyShardCount).toBe(4);
  const runs = Array.from({ length: 6 }, (_, i) =>
    env.client.workflow.execute('parent', { taskQueue, workflowId: `shards-${i}-${randomUUID()}`, args: [`n${i}`] }),
  );
  const results = await Promise.all(runs);
  expect(results).toEqual(Array.from({ length: 6 }, (_, i) => `parent got: Hello, n${i}!`));
});
