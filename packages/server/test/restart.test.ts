import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, expect, test } from 'vitest';
import { startWorker } from './support/harness.js';
import { startCliServer, waitForExit } from './support/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hourglass-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a server killed mid-workflow restarts from its SQLite file with the timer intact', { timeout: 90_000 }, async () => {
  const db = join(dir, 'hourglass.db');
  const taskQueue = `restart-${randomUUID()}`;
  const workflowId = `restart-${randomUUID()}`;

  const first = await startCliServer(['--db-filename', db]);
  // The killed server's worker never says goodbye, so its sticky queue is only left after this timeout.
  const worker1 = await startWorker(first.address, taskQueue, { stickyQueueScheduleToStartTimeout: '1s' });
  const connection1 = await Connection.connect({ address: first.address });
  const client1 = new Client({ connection: connection1 });
  const handle = await client1.workflow.start('durableSleep', { taskQueue, workflowId, args: [3000] });
  // Wait until the timer is durably recorded, then kill the server without any chance to clean up.
  await expect
    .poll(async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes), { timeout: 10_000 })
    .toBe(true);
  first.process.kill('SIGKILL');
  await waitForExit(first.process);
  await connection1.close();
  await worker1.stop().catch(() => undefined);

  const second = await startCliServer(['--db-filename', db]);
  try {
    const worker2 = await startWorker(second.address, taskQueue);
    const connection2 = await Connection.connect({ address: second.address });
    const client2 = new Client({ connection: connection2 });
    try {
      const result = await client2.workflow.getHandle(workflowId).result();
      expect(result).toBe('woke up');
      const events = (await client2.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(1);
    } finally {
      await connection2.close();
      await worker2.stop();
    }
  } finally {
    second.process.kill('SIGTERM');
    expect(await waitForExit(second.process)).toBe(0);
  }
});

test('a worker that stays up carries on when the server is killed and restarted on the same port', { timeout: 90_000 }, async () => {
  const db = join(dir, 'same-port.db');
  const taskQueue = `restart-port-${randomUUID()}`;
  const workflowId = `restart-port-${randomUUID()}`;
  const first = await startCliServer(['--db-filename', db]);
  const worker = await startWorker(first.address, taskQueue);
  const connection = await Connection.connect({ address: first.address });
  try {
    const client = new Client({ connection });
    const handle = await client.workflow.start('durableSleep', { taskQueue, workflowId, args: [2000] });
    await expect
      .poll(async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes), { timeout: 10_000 })
      .toBe(true);
    first.process.kill('SIGKILL');
    await waitForExit(first.process);
    const second = await startCliServer(['--db-filename', db], first.port);
    try {
      expect(await client.workflow.getHandle(workflowId).result()).toBe('woke up');
    } finally {
      second.process.kill('SIGTERM');
      await waitForExit(second.process);
    }
  } finally {
    await connection.close();
    await worker.stop().catch(() => undefined);
  }
});
