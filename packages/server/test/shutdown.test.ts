import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { openSqlStores } from '@hourglass/sql';
import { expect, test } from 'vitest';
import { HourglassServer } from '../src/server.js';

test('shutdown ends waiting long polls (task polls and history waits) with empty answers and finishes the calls in flight', { timeout: 20_000 }, async () => {
  const stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  const server = await HourglassServer.start({ stores, port: 0, namespaces: ['default'], longPollTimeoutMs: 30_000 });
  const connection = await Connection.connect({ address: server.address });
  try {
    const poll = connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: `drain-${randomUUID()}` }, identity: 'test' });
    const workflowId = `drain-${randomUUID()}`;
    await connection.workflowService.startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 't' }, taskQueue: { name: 'q' }, requestId: randomUUID() });
    const awaitingResult = connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
      waitNewEvent: true,
      historyEventFilterType: 2, // CLOSE_EVENT
    });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await server.shutdown(5_000);
    const response = await poll;
    expect(response.taskToken?.length ?? 0).toBe(0);
    const history = await awaitingResult;
    expect(history.history?.events ?? []).toHaveLength(0);
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    await connection.close();
  }
});
