import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, startWorker } from './support/harness.js';
import type { TestServer } from './support/harness.js';

let env: TestServer;

beforeAll(async () => {
  env = await startTestServer({ historyPageSize: 20 });
});

afterAll(async () => {
  await env?.stop();
});

test('a history longer than one page reaches the worker in pages and replays correctly', { timeout: 30_000 }, async () => {
  const taskQueue = `paging-${randomUUID()}`;
  const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: `paging-${randomUUID()}` });
  // No worker yet: the first workflow task will carry all these events, more than one page.
  for (let i = 1; i <= 30; i++) await handle.signal('add', i);
  const history = await handle.fetchHistory();
  expect(history.events?.length).toBeGreaterThan(30);
  const worker = await startWorker(env.address, taskQueue);
  try {
    await handle.signal('finish');
    expect(await handle.result()).toBe(465);
  } finally {
    await worker.stop();
  }
});
