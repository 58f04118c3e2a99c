import { randomUUID } from 'node:crypto';
import { Client, QueryNotRegisteredError, QueryRejectedError, WithStartWorkflowOperation, WorkflowUpdateStage, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, startWorker } from './support/harness.js';
import type { RunningWorker, TestServer } from './support/harness.js';
import {
  activityRetriedUntilItSucceeds,
  childResultReachesParent,
  continueAsNewChainsRuns,
  workflowCancelsHeartbeatingActivity,
  workflowRetriedUntilARunSucceeds,
} from './support/sdk-cases.js';

let env: TestServer;
let worker: RunningWorker;
const taskQueue = `scenarios-${randomUUID()}`;
const id = (prefix: string): string => `${prefix}-${randomUUID()}`;
const context = () => ({ client: env.client, taskQueue });

beforeAll(async () => {
  env = await startTestServer();
  worker = await startWorker(env.address, taskQueue);
});

afterAll(async () => {
  await worker?.stop();
  await env?.stop();
});

describe('activities', () => {
  test('an activity that fails twice is retried and then succeeds', { timeout: 20_000 }, () => activityRetriedUntilItSucceeds(context()));

  test('an activity that stops heartbeating times out with a heartbeat timeout', { timeout: 20_000 }, async () => {
    const result = await env.client.workflow.execute('heartbeatTimeout', { taskQueue, workflowId: id('heartbeat') });
    // TimeoutType.HEARTBEAT is 4 in the SDK's enum.
    expect(result).toMatch(/^timed out: (4|HEARTBEAT)$/);
  });
});

describe('local activities', () => {
  test('a local activity runs in the worker and its marker is recorded', { timeout: 20_000 }, async () => {
    const handle = await env.client.workflow.start('localActivity', { taskQueue, workflowId: id('local'), args: ['local'] });
    expect(await handle.result()).toBe('Hello, local!');
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(true);
  });
});

describe('activity timeouts', () => {
  test('an activity that runs past its start-to-close timeout times out', { timeout: 20_000 }, async () => {
    const result = await env.client.workflow.execute('activityStartToCloseTimeout', { taskQueue, workflowId: id('stc') });
    // TimeoutType.START_TO_CLOSE is 1.
    expect(result).toMatch(/^timed out: (1|START_TO_CLOSE)$/);
  });
});

describe('asynchronous activity completion', () => {
  test('an activity completed by workflow and activity id delivers its result', { timeout: 20_000 }, async () => {
    const handle = await env.client.workflow.start('asyncActivity', { taskQueue, workflowId: id('async') });
    await expect
      .poll(async () => (await handle.describe()).raw.pendingActivities?.[0]?.state, { timeout: 10_000 })
      .toBe(2); // PENDING_ACTIVITY_STATE_STARTED
    await env.client.activity.heartbeat({ workflowId: handle.workflowId, activityId: '1' }, 'still going');
    await env.client.activity.complete({ workflowId: handle.workflowId, activityId: '1' }, 'completed from outside');
    expect(await handle.result()).toBe('completed from outside');
  });
});

describe('cancellation of activities', () => {
  test('a workflow cancels a heartbeating activity and the activity sees it', { timeout: 20_000 }, () => workflowCancelsHeartbeatingActivity(context()));
});

describe('workflow retries', () => {
  test('a failing workflow with a retry policy is retried as new runs until it succeeds', { timeout: 20_000 }, () => workflowRetriedUntilARunSucceeds(context()));

  test('undefined search attributes are refused at start', async () => {
    const err = await env.client.workflow
      .start('helloActivity', { taskQueue, workflowId: id('bad-sa'), args: ['x'], searchAttributes: { NotDefinedAnywhere: ['x'] } })
      .catch((e: unknown) => e);
    expect((err as { cause?: { code?: number; message?: string } }).cause).toMatchObject({ code: 3, message: expect.stringMatching(/NotDefinedAnywhere/) });
  });

  test('cron schedules are refused rather than ignored', async () => {
    const err = await env.client.workflow.start('helloActivity', { taskQueue, workflowId: id('cron'), args: ['x'], cronSchedule: '* * * * *' }).catch((e: unknown) => e);
    expect((err as { cause?: { code?: number; message?: string } }).cause).toMatchObject({ code: 3, message: expect.stringMatching(/cron/) });
  });
});

describe('timers', () => {
  test('a durable sleep fires', { timeout: 20_000 }, async () => {
    const started = Date.now();
    const result = await env.client.workflow.execute('durableSleep', { taskQueue, workflowId: id('sleep'), args: [1500] });
    expect(result).toBe('woke up');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});

describe('messages', () => {
  test('signals, queries and updates reach the workflow', { timeout: 30_000 }, async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: id('counter') });
    await handle.signal('add', 2);
    await handle.signal('add', 3);
    await expect.poll(() => handle.query<number>('total'), { timeout: 10_000 }).toBe(5);
    const previous = await handle.executeUpdate<number, [number]>('setTotal', { args: [40] });
    expect(previous).toBe(5);
    const rejected = await handle.executeUpdate('setTotal', { args: [-1] }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((rejected as WorkflowUpdateFailedError).cause?.message).toBe('total must not be negative');
    await handle.signal('add', 2);
    await handle.signal('finish');
    expect(await handle.result()).toBe(42);
  });

  test('an accepted update whose workflow completes first ends with "workflow execution already completed"', { timeout: 20_000 }, async () => {
    const handle = await env.client.workflow.start('completesDuringUpdate', { taskQueue, workflowId: id('update-orphan') });
    const update = await handle.startUpdate('slow', { waitForStage: WorkflowUpdateStage.ACCEPTED });
    await handle.signal('finish');
    expect(await handle.result()).toBe('done');
    await expect(update.result()).rejects.toThrow(/already completed/);
  });

  test('update-with-start starts the workflow and runs the update on it', { timeout: 20_000 }, async () => {
    const workflowId = id('uws');
    const startWorkflowOperation = new WithStartWorkflowOperation('counter', { taskQueue, workflowId, workflowIdConflictPolicy: 'USE_EXISTING' });
    const previous = await env.client.workflow.executeUpdateWithStart<number, [number]>('setTotal', { args: [9], startWorkflowOperation });
    expect(previous).toBe(0);
    const handle = await startWorkflowOperation.workflowHandle();
    const failOnConflict = new WithStartWorkflowOperation('counter', { taskQueue, workflowId, workflowIdConflictPolicy: 'FAIL' });
    await expect(env.client.workflow.executeUpdateWithStart('setTotal', { args: [1], startWorkflowOperation: failOnConflict })).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );
    await handle.signal('finish');
    expect(await handle.result()).toBe(9);
  });

  test('queries: unknown names, closed workflows and the NOT_OPEN reject condition', { timeout: 30_000 }, async () => {
    const handle = await env.client.workflow.start('counter', { taskQueue, workflowId: id('query-edge') });
    await handle.signal('add', 4);
    await expect(handle.query('noSuchQuery')).rejects.toBeInstanceOf(QueryNotRegisteredError);
    await handle.signal('finish');
    expect(await handle.result()).toBe(4);
    // A closed workflow is queried by replaying its history on a worker.
    expect(await handle.query<number>('total')).toBe(4);
    const rejecting = new Client({ connection: env.connection, workflow: { queryRejectCondition: 'NOT_OPEN' } });
    await expect(rejecting.workflow.getHandle(handle.workflowId).query('total')).rejects.toBeInstanceOf(QueryRejectedError);
  });

  test('signal-with-start starts the workflow and delivers the signal', { timeout: 20_000 }, async () => {
    const handle = await env.client.workflow.signalWithStart('counter', { taskQueue, workflowId: id('sws'), signal: 'add', signalArgs: [7] });
    await handle.signal('finish');
    expect(await handle.result()).toBe(7);
  });
});

describe('workflow composition', () => {
  test('a workflow signals another workflow', { timeout: 20_000 }, async () => {
    const target = await env.client.workflow.start('counter', { taskQueue, workflowId: id('signal-target') });
    await env.client.workflow.execute('signalsOther', { taskQueue, workflowId: id('signaller'), args: [target.workflowId] });
    expect(await target.result()).toBe(5);
  });

  test('signalling a workflow that does not exist fails in the sender', { timeout: 20_000 }, async () => {
    expect(await env.client.workflow.execute('signalsMissing', { taskQueue, workflowId: id('signal-missing') })).toMatch(/^failed: /);
  });

  test('a workflow cancels another workflow', { timeout: 20_000 }, async () => {
    const target = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id('cancel-target') });
    await env.client.workflow.execute('cancelsOther', { taskQueue, workflowId: id('canceller'), args: [target.workflowId] });
    await expect(target.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await target.describe()).status.name).toBe('CANCELLED');
  });

  test('a child workflow runs and its result reaches the parent', { timeout: 20_000 }, () => childResultReachesParent(context()));

  test('a parent cancels its child and sees the cancellation', { timeout: 20_000 }, async () => {
    const workflowId = id('cancel-child');
    expect(await env.client.workflow.execute('cancelsChild', { taskQueue, workflowId })).toBe('child canceled');
    expect((await env.client.workflow.getHandle(`${workflowId}-child`).describe()).status.name).toBe('CANCELLED');
  });

  test('a child left running is terminated when its parent closes (default parent close policy)', { timeout: 20_000 }, async () => {
    const childId = await env.client.workflow.execute('parentLeavesChildRunning', { taskQueue, workflowId: id('pcp') });
    await expect.poll(async () => (await env.client.workflow.getHandle(childId).describe()).status.name, { timeout: 10_000 }).toBe('TERMINATED');
  });

  test('continue-as-new chains runs and the client follows to the last one', { timeout: 20_000 }, () => continueAsNewChainsRuns(context()));
});

describe('ending workflows', () => {
  test('a failing workflow surfaces its failure to the client', { timeout: 20_000 }, async () => {
    const err = await env.client.workflow.execute('failing', { taskQueue, workflowId: id('fail') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toBe('deliberate failure');
  });

  test('cancel reaches the workflow and it ends canceled', { timeout: 20_000 }, async () => {
    const handle = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id('cancel') });
    await expect.poll(async () => (await handle.describe()).historyLength, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  test('terminate ends the workflow at once', { timeout: 20_000 }, async () => {
    const handle = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id('terminate') });
    await handle.terminate('enough');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });

  test('starting a running workflow id again is rejected; request ids make starts idempotent', { timeout: 20_000 }, async () => {
    const workflowId = id('dup');
    const handle = await env.client.workflow.start('waitsForever', { taskQueue, workflowId });
    await expect(env.client.workflow.start('waitsForever', { taskQueue, workflowId })).rejects.toThrow(/already/i);
    const request = { namespace: 'default', workflowId: id('idem'), workflowType: { name: 'waitsForever' }, taskQueue: { name: taskQueue }, requestId: randomUUID() };
    const first = await env.connection.workflowService.startWorkflowExecution(request);
    const second = await env.connection.workflowService.startWorkflowExecution(request);
    expect(second.runId).toBe(first.runId);
    await handle.terminate();
    await env.client.workflow.getHandle(request.workflowId).terminate();
  });
});

describe('errors', () => {
  test('an unknown namespace surfaces as NamespaceNotFoundError', async () => {
    const client = new Client({ connection: env.connection, namespace: 'no-such-namespace' });
    await expect(client.workflow.start('helloActivity', { taskQueue, workflowId: id('nsnf'), args: ['x'] })).rejects.toBeInstanceOf(NamespaceNotFoundError);
  });
});

describe('visibility', () => {
  test('search attributes are upserted and the run is found by list and count', { timeout: 30_000 }, async () => {
    const value = `v-${randomUUID()}`;
    const workflowId = id('tagged');
    await env.client.workflow.execute('tagged', { taskQueue, workflowId, args: [value] });
    const query = `CustomKeywordField = '${value}'`;
    await expect.poll(async () => (await env.client.workflow.count(query)).count, { timeout: 10_000 }).toBe(1);
    const found = [];
    for await (const info of env.client.workflow.list({ query })) found.push(info);
    expect(found.map((w) => w.workflowId)).toEqual([workflowId]);
    expect(found[0]?.status.name).toBe('COMPLETED');
    await expect(env.client.workflow.count('NoSuchField = 1')).rejects.toThrow();
  });
});

describe('sticky queues', () => {
  test('when a worker shuts down, its cached workflows continue on another worker at once', { timeout: 30_000 }, async () => {
    const queue = `sticky-${randomUUID()}`;
    const first = await startWorker(env.address, queue);
    const handle = await env.client.workflow.start('counter', { taskQueue: queue, workflowId: id('sticky') });
    await handle.signal('add', 1);
    await expect.poll(() => handle.query<number>('total'), { timeout: 10_000 }).toBe(1);
    await first.stop();
    const second = await startWorker(env.address, queue);
    try {
      const started = Date.now();
      await handle.signal('add', 1);
      await handle.signal('finish');
      expect(await handle.result()).toBe(2);
      // Without ShutdownWorker the task would wait out the 10 s sticky schedule-to-start timeout.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await second.stop();
    }
  });
});
