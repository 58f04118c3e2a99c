import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { openSqlStores } from '@hourglass/sql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HourglassServer } from '../src/server.js';

let server: HourglassServer;
let connection: Connection;
const service = (): Connection['workflowService'] => connection.workflowService;

async function grpcCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

beforeAll(async () => {
  const stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  server = await HourglassServer.start({ stores, port: 0, namespaces: ['default'], longPollTimeoutMs: 500, maxPayloadBytes: 64 * 1024 });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.shutdown(1000);
});

describe('system and cluster info', () => {
  test('GetSystemInfo reports the server version and capabilities', async () => {
    const info = await service().getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    expect(info.capabilities?.signalAndQueryHeader).toBe(true);
    expect(info.capabilities?.sdkMetadata).toBe(true);
  });

  test('GetClusterInfo reports the cluster and its shard count', async () => {
    const info = await service().getClusterInfo({});
    expect(info.clusterName).toBe('active');
    expect(info.historyShardCount).toBe(1);
  });

  test('the gRPC health service answers SERVING for the server and its services, NOT_FOUND for others', async () => {
    expect((await connection.healthService.check({})).status).toBe(1);
    expect((await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' })).status).toBe(1);
    expect(await grpcCode(connection.healthService.check({ service: 'no.such.Service' }))).toBe(status.NOT_FOUND);
  });
});

describe('namespaces', () => {
  test('register, describe, list and update a namespace', async () => {
    const name = `ns-${randomUUID()}`;
    await service().registerNamespace({ namespace: name, description: 'first', workflowExecutionRetentionPeriod: { seconds: 3 * 86400 } });
    const described = await service().describeNamespace({ namespace: name });
    expect(described.namespaceInfo?.description).toBe('first');
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 86400);
    const byId = await service().describeNamespace({ id: described.namespaceInfo!.id! });
    expect(byId.namespaceInfo?.name).toBe(name);
    const listed = await service().listNamespaces({ pageSize: 100 });
    expect(listed.namespaces.map((n) => n.namespaceInfo?.name)).toEqual(expect.arrayContaining(['default', name]));
    const updated = await service().updateNamespace({ namespace: name, updateInfo: { description: 'second' } });
    expect(updated.namespaceInfo?.description).toBe('second');
    expect((await service().describeNamespace({ namespace: name })).namespaceInfo?.description).toBe('second');
    expect(await grpcCode(service().registerNamespace({ namespace: name }))).toBe(status.ALREADY_EXISTS);
  });

  test('an unknown namespace is NOT_FOUND on every namespaced call', async () => {
    expect(await grpcCode(service().describeNamespace({ namespace: 'no-such-namespace' }))).toBe(status.NOT_FOUND);
    expect(
      await grpcCode(
        service().startWorkflowExecution({ namespace: 'no-such-namespace', workflowId: 'w', workflowType: { name: 't' }, taskQueue: { name: 'q' }, requestId: randomUUID() }),
      ),
    ).toBe(status.NOT_FOUND);
  });

  test('an invalid namespace name is INVALID_ARGUMENT', async () => {
    expect(await grpcCode(service().registerNamespace({ namespace: 'bad name!' }))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('request checks', () => {
  test('unsupported RPCs answer UNIMPLEMENTED at once', async () => {
    const started = Date.now();
    expect(await grpcCode(service().listSchedules({ namespace: 'default' }))).toBe(status.UNIMPLEMENTED);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a payload above the limit is rejected with INVALID_ARGUMENT; the limit is per payload', async () => {
    const small = { metadata: { encoding: new TextEncoder().encode('binary/plain') }, data: new Uint8Array(40 * 1024) };
    const accepted = await service().startWorkflowExecution({
      namespace: 'default',
      workflowId: `two-payloads-${randomUUID()}`,
      workflowType: { name: 't' },
      taskQueue: { name: 'q' },
      input: { payloads: [small, small] },
      requestId: randomUUID(),
    });
    expect(accepted.runId).toBeTruthy();
    const big = { metadata: { encoding: new TextEncoder().encode('binary/plain') }, data: new Uint8Array(100 * 1024) };
    const code = await grpcCode(
      service().startWorkflowExecution({
        namespace: 'default',
        workflowId: `big-${randomUUID()}`,
        workflowType: { name: 't' },
        taskQueue: { name: 'q' },
        input: { payloads: [big] },
        requestId: randomUUID(),
      }),
    );
    expect(code).toBe(status.INVALID_ARGUMENT);
  });

  test('a start without workflow id or task queue is INVALID_ARGUMENT', async () => {
    expect(await grpcCode(service().startWorkflowExecution({ namespace: 'default', workflowType: { name: 't' }, taskQueue: { name: 'q' } }))).toBe(status.INVALID_ARGUMENT);
    expect(await grpcCode(service().startWorkflowExecution({ namespace: 'default', workflowId: 'x', workflowType: { name: 't' } }))).toBe(status.INVALID_ARGUMENT);
  });

  test('negative timeouts are INVALID_ARGUMENT', async () => {
    const code = await grpcCode(
      service().startWorkflowExecution({
        namespace: 'default',
        workflowId: `neg-${randomUUID()}`,
        workflowType: { name: 't' },
        taskQueue: { name: 'q' },
        workflowRunTimeout: { seconds: -5 },
        requestId: randomUUID(),
      }),
    );
    expect(code).toBe(status.INVALID_ARGUMENT);
  });

  test('a malformed task token is INVALID_ARGUMENT', async () => {
    expect(await grpcCode(service().respondActivityTaskCompleted({ namespace: 'default', taskToken: new TextEncoder().encode('nope') }))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('polling and workflow tasks', () => {
  test('a long poll on an empty queue returns an empty task after the configured timeout', async () => {
    const started = Date.now();
    const response = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: `empty-${randomUUID()}` }, identity: 'test' });
    expect(response.taskToken?.length ?? 0).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  test('a workflow task that is not answered times out and is retried as attempt 2', { timeout: 15_000 }, async () => {
    const taskQueue = `wft-timeout-${randomUUID()}`;
    const workflowId = `wft-timeout-${randomUUID()}`;
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 't' },
      taskQueue: { name: taskQueue },
      workflowTaskTimeout: { seconds: 1 },
      requestId: randomUUID(),
    });
    const first = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'test' });
    expect(first.attempt).toBe(1);
    let second;
    for (let i = 0; i < 10 && !second?.taskToken?.length; i++) {
      second = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'test' });
    }
    expect(second?.attempt).toBe(2);
    const types = second!.history!.events!.map((e) => e.eventType);
    // Started, Scheduled, Started, TimedOut, Scheduled, Started
    expect(types).toEqual([1, 5, 6, 8, 5, 6]);
    expect(await grpcCode(service().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, commands: [] }))).toBe(status.NOT_FOUND);
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  });
});

describe('workflow task failures', () => {
  test('the first retry of a failed workflow task is immediate, later ones back off', { timeout: 15_000 }, async () => {
    const taskQueue = `wft-fail-${randomUUID()}`;
    const workflowId = `wft-fail-${randomUUID()}`;
    await service().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 't' }, taskQueue: { name: taskQueue }, requestId: randomUUID() });
    const poll = async () => {
      for (let i = 0; i < 10; i++) {
        const task = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'test' });
        if (task.taskToken?.length) return task;
      }
      throw new Error('no workflow task');
    };
    const fail = (token: Uint8Array | null | undefined) =>
      service().respondWorkflowTaskFailed({ namespace: 'default', taskToken: token, cause: 14 /* WORKFLOW_WORKER_UNHANDLED_FAILURE */, failure: { message: 'bug' } });
    const first = await poll();
    await fail(first.taskToken);
    let started = Date.now();
    const second = await poll();
    expect(second.attempt).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
    await fail(second.taskToken);
    started = Date.now();
    const third = await poll();
    expect(third.attempt).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  });
});

describe('buffered events', () => {
  test('a completion that races a signal is refused quietly and the workflow task is redone with the signal', { timeout: 15_000 }, async () => {
    const taskQueue = `race-${randomUUID()}`;
    const workflowId = `race-${randomUUID()}`;
    await service().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 't' }, taskQueue: { name: taskQueue }, requestId: randomUUID() });
    const task = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'test' });
    await service().signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: 'late', identity: 'test' });
    await service().respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: task.taskToken,
      commands: [{ commandType: 4 /* COMPLETE_WORKFLOW_EXECUTION */, completeWorkflowExecutionCommandAttributes: {} }],
    });
    const redo = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'test' });
    const types = redo.history?.events?.map((e) => e.eventType);
    // Started, Scheduled, Started, Failed (unhandled command), Signaled, Scheduled, Started
    expect(types).toEqual([1, 5, 6, 9, 26, 5, 6]);
    expect(redo.attempt).toBe(1);
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  });
});

describe('workflow administration', () => {
  test('describe task queue, reverse history, reset sticky queue and delete a workflow', { timeout: 15_000 }, async () => {
    const taskQueue = `admin-${randomUUID()}`;
    const workflowId = `admin-${randomUUID()}`;
    await service().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 't' }, taskQueue: { name: taskQueue }, requestId: randomUUID() });
    const task = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'admin-poller' });
    expect(task.taskToken?.length).toBeGreaterThan(0);
    const described = await service().describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue } });
    expect(described.pollers?.map((p) => p.identity)).toContain('admin-poller');
    await service().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [], identity: 'admin-poller' });
    const reverse = await service().getWorkflowExecutionHistoryReverse({ namespace: 'default', execution: { workflowId } });
    expect(reverse.history?.events?.map((e) => Number(e.eventId))).toEqual([4, 3, 2, 1]);
    await service().resetStickyTaskQueue({ namespace: 'default', execution: { workflowId } });
    await service().deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    expect(await grpcCode(service().describeWorkflowExecution({ namespace: 'default', execution: { workflowId } }))).toBe(status.NOT_FOUND);
  });
});

describe('retention', () => {
  test('a closed run is deleted when its namespace retention has passed', { timeout: 15_000 }, async () => {
    const namespace = `short-${randomUUID()}`;
    await service().registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 1 } });
    const workflowId = `retained-${randomUUID()}`;
    await service().startWorkflowExecution({ namespace, workflowId, workflowType: { name: 't' }, taskQueue: { name: 'q' }, requestId: randomUUID() });
    await service().terminateWorkflowExecution({ namespace, workflowExecution: { workflowId } });
    expect((await service().describeWorkflowExecution({ namespace, execution: { workflowId } })).workflowExecutionInfo?.status).toBe(5);
    let code: number | undefined;
    for (let i = 0; i < 40 && code !== status.NOT_FOUND; i++) {
      await new Promise((r) => setTimeout(r, 200));
      code = await grpcCode(service().describeWorkflowExecution({ namespace, execution: { workflowId } }));
    }
    expect(code).toBe(status.NOT_FOUND);
    expect((await service().listWorkflowExecutions({ namespace, query: '' })).executions).toHaveLength(0);
  });
});

describe('visibility queries', () => {
  test('count grouped by ExecutionStatus, and invalid queries are INVALID_ARGUMENT', { timeout: 15_000 }, async () => {
    const namespace = `count-${randomUUID()}`;
    await service().registerNamespace({ namespace });
    for (const workflowId of ['a', 'b', 'c']) {
      await service().startWorkflowExecution({ namespace, workflowId, workflowType: { name: 't' }, taskQueue: { name: 'q' }, requestId: randomUUID() });
    }
    await service().terminateWorkflowExecution({ namespace, workflowExecution: { workflowId: 'c' } });
    const decode = (data?: Uint8Array | null): unknown => JSON.parse(new TextDecoder().decode(data ?? new Uint8Array()));
    let groups: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const counted = await service().countWorkflowExecutions({ namespace, query: 'GROUP BY ExecutionStatus' });
      groups = Object.fromEntries((counted.groups ?? []).map((g) => [String(decode(g.groupValues?.[0]?.data)), Number(g.count)]));
      if (groups['Terminated'] === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(groups).toEqual({ Running: 2, Terminated: 1 });
    const running = await service().listWorkflowExecutions({ namespace, query: `ExecutionStatus = 'Running' AND WorkflowType = 't'` });
    expect(running.executions.map((e) => e.execution?.workflowId).sort()).toEqual(['a', 'b']);
    expect(await grpcCode(service().listWorkflowExecutions({ namespace, query: 'WorkflowId = ' }))).toBe(status.INVALID_ARGUMENT);
    expect(await grpcCode(service().listWorkflowExecutions({ namespace, query: 'NoSuchAttribute = 1' }))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('operator service', () => {
  test('custom search attributes are added, listed, used in starts and queries, and removed', { timeout: 15_000 }, async () => {
    const namespace = `sa-${randomUUID()}`;
    await service().registerNamespace({ namespace });
    const operator = connection.operatorService;
    await operator.addSearchAttributes({ namespace, searchAttributes: { OrderId: 2 } }); // KEYWORD
    const listed = await operator.listSearchAttributes({ namespace });
    expect(listed.customAttributes?.['OrderId']).toBe(2);
    expect(listed.systemAttributes?.['WorkflowId']).toBe(2);
    const encoder = new TextEncoder();
    const payload = { metadata: { encoding: encoder.encode('json/plain'), type: encoder.encode('Keyword') }, data: encoder.encode(JSON.stringify('order-7')) };
    await service().startWorkflowExecution({
      namespace,
      workflowId: 'with-order',
      workflowType: { name: 't' },
      taskQueue: { name: 'q' },
      searchAttributes: { indexedFields: { OrderId: payload } },
      requestId: randomUUID(),
    });
    let count = 0;
    for (let i = 0; i < 40 && count === 0; i++) {
      count = Number((await service().countWorkflowExecutions({ namespace, query: `OrderId = 'order-7'` })).count);
      if (count === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(1);
    await operator.removeSearchAttributes({ namespace, searchAttributes: ['OrderId'] });
    expect(await grpcCode(service().countWorkflowExecutions({ namespace, query: `OrderId = 'order-7'` }))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('workflow id policies', () => {
  const start = (workflowId: string, extra: Record<string, unknown> = {}) =>
    service().startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 't' }, taskQueue: { name: 'q' }, requestId: randomUUID(), ...extra });

  test('reuse policies decide whether a closed workflow id may start again', async () => {
    const workflowId = `reuse-${randomUUID()}`;
    const first = await start(workflowId);
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    expect(await grpcCode(start(workflowId, { workflowIdReusePolicy: 3 }))).toBe(status.ALREADY_EXISTS); // REJECT_DUPLICATE
    const second = await start(workflowId, { workflowIdReusePolicy: 2 }); // ALLOW_DUPLICATE_FAILED_ONLY: terminated counts
    expect(second.runId).not.toBe(first.runId);
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    const third = await start(workflowId); // ALLOW_DUPLICATE by default
    expect(third.started).toBe(true);
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  });

  test('conflict policies: fail, use the running run, or terminate it', async () => {
    const workflowId = `conflict-${randomUUID()}`;
    const running = await start(workflowId);
    expect(await grpcCode(start(workflowId))).toBe(status.ALREADY_EXISTS);
    const existing = await start(workflowId, { workflowIdConflictPolicy: 2 }); // USE_EXISTING
    expect(existing).toMatchObject({ runId: running.runId, started: false });
    const replaced = await start(workflowId, { workflowIdConflictPolicy: 3 }); // TERMINATE_EXISTING
    expect(replaced.runId).not.toBe(running.runId);
    const old = await service().describeWorkflowExecution({ namespace: 'default', execution: { workflowId, runId: running.runId } });
    expect(old.workflowExecutionInfo?.status).toBe(5); // TERMINATED
    await service().terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  });
});

describe('workflow-level timers', () => {
  test('a run past its execution timeout is timed out', { timeout: 15_000 }, async () => {
    const workflowId = `exec-timeout-${randomUUID()}`;
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 't' },
      taskQueue: { name: `nobody-${randomUUID()}` },
      workflowExecutionTimeout: { seconds: 1 },
      requestId: randomUUID(),
    });
    // The server's long poll is 500 ms here, so the wait for the close event takes a few rounds.
    let closed;
    for (let i = 0; i < 10 && !closed?.history?.events?.length; i++) {
      closed = await service().getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId },
        waitNewEvent: true,
        historyEventFilterType: 2,
        nextPageToken: closed?.nextPageToken ?? null,
      });
    }
    expect(closed?.history?.events?.[0]?.eventType).toBe(4); // WORKFLOW_EXECUTION_TIMED_OUT
  });

  test('a start delay holds back the first workflow task', { timeout: 15_000 }, async () => {
    const taskQueue = `delayed-${randomUUID()}`;
    const started = Date.now();
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId: `delayed-${randomUUID()}`,
      workflowType: { name: 't' },
      taskQueue: { name: taskQueue },
      workflowStartDelay: { seconds: 1 },
      requestId: randomUUID(),
    });
    let task;
    for (let i = 0; i < 5 && !task?.taskToken?.length; i++) {
      task = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'test' });
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(task?.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff?.seconds).toBeTruthy();
  });
});
