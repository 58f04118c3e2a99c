import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, WorkflowExecutionStatus, forkedBranch } from '@hourglass/core';
import type { HistoryBranch, VisibilityRecord } from '@hourglass/core';
import BetterSqlite3 from 'better-sqlite3';
import { setupSchema, sqliteExecutor } from '@hourglass/schema-tool';
import { sqliteConnection } from '../src/dialects/sqlite.js';
import { openSqlStores } from '../src/open.js';
import { SqlRunner } from '../src/runner.js';
import { SqlTaskQueueStore } from '../src/stores/task-queue.js';
import { SqlHistoryStore } from '../src/stores/history.js';
import { SqlVisibilityStore } from '../src/stores/visibility.js';
import { CorruptRowError } from '../src/values.js';
import type { SqlPersistenceStores } from '../src/open.js';

/** Store behaviour the conformance suite does not pin down but the server relies on. */
let stores: SqlPersistenceStores;
beforeAll(async () => {
  stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
});
afterAll(async () => {
  await stores.close();
});

let counter = 0;
const id = (prefix: string) => `${prefix}-${++counter}`;
const blob = (text: string) => ({ encoding: 'test', data: new TextEncoder().encode(text) });
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function openRecord(namespaceId: string, overrides: Partial<VisibilityRecord> = {}): VisibilityRecord {
  return {
    namespaceId,
    workflowId: id('wf'),
    runId: id('run'),
    workflowTypeName: 'T',
    taskQueue: 'q',
    status: WorkflowExecutionStatus.Running,
    startTime: 1_000,
    executionTime: 1_000,
    historyLength: 1,
    historySizeBytes: 1,
    stateTransitionCount: 1,
    searchAttributes: {},
    ...overrides,
  };
}

describe('visibility', () => {
  it('a start recorded after the close does not reopen the run', async () => {
    const open = openRecord(id('ns'));
    const closed = { ...open, status: WorkflowExecutionStatus.Completed, closeTime: 2_000, executionDuration: 1_000 };
    await stores.visibility.recordWorkflowExecutionClosed(closed);
    await stores.visibility.recordWorkflowExecutionStarted(open);
    expect(await stores.visibility.getWorkflowExecution(open.namespaceId, open.runId)).toEqual(closed);
  });

  it('an empty status list matches no run, in lists and counts', async () => {
    const record = openRecord(id('ns'));
    await stores.visibility.recordWorkflowExecutionStarted(record);
    const filter = { statuses: [] };
    expect(await stores.visibility.listWorkflowExecutions({ namespaceId: record.namespaceId, pageSize: 10, filter })).toEqual({ items: [] });
    expect(await stores.visibility.countWorkflowExecutions({ namespaceId: record.namespaceId, filter, groupByStatus: true })).toEqual({ count: 0, groups: [] });
  });

  it.each([
    ['an unknown type', { A: { type: 'Decimal', value: 1 } }],
    ['a fractional Int', { A: { type: 'Int', value: 1.5 } }],
    ['a NaN Double', { A: { type: 'Double', value: Number.NaN } }],
    ['a KeywordList with a number', { A: { type: 'KeywordList', value: ['a', 1] } }],
    ['a string Bool', { A: { type: 'Bool', value: 'true' } }],
    ['an array instead of an object', []],
  ])('rejects search attributes with %s', async (_what, searchAttributes) => {
    const record = openRecord(id('ns'), { searchAttributes: searchAttributes as never });
    await expect(stores.visibility.upsertWorkflowExecution(record)).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
  });

  it('rejects an unknown status and a close-time filter that is not an integer', async () => {
    await expect(stores.visibility.recordWorkflowExecutionStarted(openRecord(id('ns'), { status: 42 as never }))).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
    await expect(stores.visibility.listWorkflowExecutions({ namespaceId: id('ns'), pageSize: 1, filter: { closeTimeFrom: 1.5 } })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
  });
});

describe('task queues', () => {
  it('rejects one request that carries the same task id twice, writing nothing', async () => {
    const key = { namespaceId: id('ns'), name: id('tq'), taskType: 1 as const };
    await stores.taskQueues.createTaskQueue({ ...key, rangeId: 1, info: blob('i') });
    const tasks = [{ taskId: 7, data: blob('a') }, { taskId: 7, data: blob('b') }];
    await expect(stores.taskQueues.createTasks({ ...key, rangeId: 1, tasks })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
    expect((await stores.taskQueues.getTasks({ ...key, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 100, pageSize: 10 })).items).toEqual([]);
  });

  it('completeTasksLessThan never deletes at or above the bound, even with a large limit', async () => {
    const key = { namespaceId: id('ns'), name: id('tq'), taskType: 2 as const };
    await stores.taskQueues.createTaskQueue({ ...key, rangeId: 1, info: blob('i') });
    await stores.taskQueues.createTasks({ ...key, rangeId: 1, tasks: [3, 4, 5].map((taskId) => ({ taskId, data: blob(String(taskId)) })) });
    expect(await stores.taskQueues.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 4, limit: 1_000 })).toBe(1);
    const left = await stores.taskQueues.getTasks({ ...key, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 100, pageSize: 10 });
    expect(left.items.map((t) => t.taskId)).toEqual([4, 5]);
  });
});

describe('completeTasksLessThan without LIMIT in subqueries (the MySQL path)', () => {
  it('deletes the lowest tasks below the bound, at most limit, in one transaction', async () => {
    const handle = new BetterSqlite3(':memory:');
    await setupSchema(sqliteExecutor(handle), { store: 'main' });
    const base = sqliteConnection(handle, { ownsHandle: true });
    const store = new SqlTaskQueueStore(new SqlRunner({ ...base, dialect: { ...base.dialect, limitInSubquery: false } }));
    const key = { namespaceId: 'ns', name: 'tq', taskType: 1 as const };
    await store.createTaskQueue({ ...key, rangeId: 1, info: blob('i') });
    await store.createTasks({ ...key, rangeId: 1, tasks: [2, 4, 6, 8, 10].map((taskId) => ({ taskId, data: blob(String(taskId)) })) });
    const ids = async () => (await store.getTasks({ ...key, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 100, pageSize: 10 })).items.map((t) => t.taskId);
    expect(await store.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 9, limit: 2 })).toBe(2);
    expect(await ids()).toEqual([6, 8, 10]);
    expect(await store.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 7, limit: 5 })).toBe(1);
    expect(await ids()).toEqual([8, 10]);
    expect(await store.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 8, limit: 5 })).toBe(0);
    await base.close();
  });
});

describe('history', () => {
  async function append(branch: HistoryBranch, nodeId: number, label: string, isNewBranch = false): Promise<void> {
    await stores.history.appendHistoryNodes({ shardId: 1, branch, nodeId, txnId: nodeId, prevTxnId: nodeId - 1, events: blob(label), isNewBranch });
  }

  it('rejects ancestors that overlap, since a read would return some nodes twice', async () => {
    const branch = { treeId: id('tree'), branchId: id('b'), ancestors: [{ branchId: 'x', beginNodeId: 1, endNodeId: 5 }, { branchId: 'y', beginNodeId: 3, endNodeId: 8 }] };
    await expect(stores.history.readHistoryBranch({ shardId: 1, branch, minNodeId: 1, maxNodeId: 10, pageSize: 10 })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
  });

  it('deleting a branch uses its recorded ancestors, not a stale copy from the caller', async () => {
    const main: HistoryBranch = { treeId: id('tree'), branchId: id('main'), ancestors: [] };
    await append(main, 1, 'main 1', true);
    await append(main, 2, 'main 2');
    await append(main, 3, 'main 3');
    const fork = await stores.history.forkHistoryBranch({ shardId: 1, forkBranch: main, forkNodeId: 3, newBranchId: id('fork') });
    await stores.history.deleteHistoryBranch(1, main);
    // The caller claims the fork owns all its nodes itself; the recorded ancestors say main holds [1, 3).
    await stores.history.deleteHistoryBranch(1, { ...fork, ancestors: [] });
    expect(await stores.history.getHistoryTree(1, main.treeId)).toEqual([]);
    expect((await stores.history.readHistoryBranch({ shardId: 1, branch: main, minNodeId: 1, maxNodeId: 10, pageSize: 10 })).items).toEqual([]);
  });

  it('forking to a branch id the tree already records fails and leaves that branch alone', async () => {
    const main: HistoryBranch = { treeId: id('tree'), branchId: id('main'), ancestors: [] };
    await append(main, 1, 'main 1', true);
    const fork = await stores.history.forkHistoryBranch({ shardId: 1, forkBranch: main, forkNodeId: 2, newBranchId: id('fork'), info: 'first' });
    await expect(stores.history.forkHistoryBranch({ shardId: 1, forkBranch: main, forkNodeId: 2, newBranchId: fork.branchId })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect((await stores.history.getHistoryTree(1, main.treeId)).find((b) => b.branchId === fork.branchId)).toEqual(forkedBranch(main, 2, fork.branchId));
  });

  it('re-appending the same node and txn id (a retried write) keeps one node with the latest bytes', async () => {
    const branch: HistoryBranch = { treeId: id('tree'), branchId: id('b'), ancestors: [] };
    await append(branch, 1, 'first attempt', true);
    await append(branch, 1, 'retry', true);
    const page = await stores.history.readHistoryBranch({ shardId: 1, branch, minNodeId: 1, maxNodeId: 10, pageSize: 10 });
    expect(page.items.map((n) => text(n.events.data))).toEqual(['retry']);
    expect(await stores.history.getHistoryTree(1, branch.treeId)).toEqual([branch]);
  });
});

describe('rows that do not hold what the schema says', () => {
  it('surface as CorruptRowError, never as a caller error', async () => {
    const handle = new BetterSqlite3(':memory:');
    const executor = sqliteExecutor(handle);
    await setupSchema(executor, { store: 'main' });
    await setupSchema(executor, { store: 'visibility' });
    const connection = sqliteConnection(handle, { ownsHandle: true });
    const runner = new SqlRunner(connection);
    handle.prepare(`insert into history_tree values (1, 'tree', 'branch', '[{"branchId": 7}]', '')`).run();
    await expect(new SqlHistoryStore(runner).getHistoryTree(1, 'tree')).rejects.toBeInstanceOf(CorruptRowError);
    handle
      .prepare(
        `insert into executions_visibility (namespace_id, run_id, workflow_id, workflow_type_name, task_queue, status, start_time, execution_time,
         history_length, history_size_bytes, state_transition_count, search_attributes) values ('ns', 'run', 'wf', 'T', 'q', 1, 1, 1, 0, 0, 0, '{"A": {"type": "Int", "value": "x"}}')`,
      )
      .run();
    await expect(new SqlVisibilityStore(runner).getWorkflowExecution('ns', 'run')).rejects.toBeInstanceOf(CorruptRowError);
    await connection.close();
  });
});
