import { InvalidPersistenceRequestError, TaskCategories, TaskQueueType } from '@hourglass/core';
import type { PageRequest, PersistenceStores } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { newKey, newSnapshot } from '../execution-fixtures.js';
import { invoke, randomShardId, rejectsWith, textBlob, uid } from '../fixtures.js';

type PagedCall = (s: PersistenceStores, page: PageRequest) => Promise<unknown>;

const PAGED_CALLS: Readonly<Record<string, PagedCall>> = {
  listClusterMetadata: (s, p) => s.clusterMetadata.listClusterMetadata(p),
  getClusterMembers: (s, p) => s.clusterMetadata.getClusterMembers(p),
  listNamespaces: (s, p) => s.namespaces.listNamespaces(p),
  listConcreteExecutions: (s, p) => s.executions.listConcreteExecutions(1, p),
  getHistoryTasks: (s, p) => s.executions.getHistoryTasks({ ...p, shardId: 1, category: TaskCategories.Transfer, inclusiveMin: { fireTime: 0, taskId: 0 }, exclusiveMax: { fireTime: 0, taskId: 100 } }),
  readHistoryBranch: (s, p) => s.history.readHistoryBranch({ ...p, shardId: 1, branch: { treeId: uid(), branchId: uid(), ancestors: [] }, minNodeId: 1, maxNodeId: 100 }),
  listHistoryBranches: (s, p) => s.history.listHistoryBranches(p),
  listTaskQueues: (s, p) => s.taskQueues.listTaskQueues(p),
  getTasks: (s, p) => s.taskQueues.getTasks({ ...p, namespaceId: uid(), name: 'tq', taskType: TaskQueueType.Workflow, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 100 }),
};

const BAD_PAGE_SIZES: readonly number[] = [0, -1, 1.5, Number.NaN];

const MALFORMED_TOKENS: Readonly<Record<string, Uint8Array>> = {
  'bytes that are not UTF-8 JSON': new Uint8Array([0xff, 0x00, 0xfe, 0x9c]),
  'JSON of the wrong shape': new TextEncoder().encode('{"surely":"not a cursor"}'),
};

type BadCall = (s: PersistenceStores) => Promise<unknown>;

const BAD_REQUESTS: Readonly<Record<string, BadCall>> = {
  'saveClusterMetadata with an empty cluster name': (s) => s.clusterMetadata.saveClusterMetadata({ clusterName: '', numHistoryShards: 1, data: textBlob('x'), expectedVersion: 0 }),
  'saveClusterMetadata with zero history shards': (s) => s.clusterMetadata.saveClusterMetadata({ clusterName: `c-${uid()}`, numHistoryShards: 0, data: textBlob('x'), expectedVersion: 0 }),
  'getClusterMetadata with an empty cluster name': (s) => s.clusterMetadata.getClusterMetadata(''),
  'upsertClusterMembership with an empty host id': (s) => s.clusterMetadata.upsertClusterMembership({ hostId: '', rpcAddress: 'h', rpcPort: 1, role: 'r', sessionStart: 1, lastHeartbeat: 1, recordExpiry: 2 }),
  'createNamespace with an empty id': (s) => s.namespaces.createNamespace({ id: '', name: `ns-${uid()}`, data: textBlob('x'), isGlobal: false }),
  'createNamespace with an empty name': (s) => s.namespaces.createNamespace({ id: uid(), name: '', data: textBlob('x'), isGlobal: false }),
  'createNamespace with a data field that is not a blob': (s) => s.namespaces.createNamespace({ id: uid(), name: `ns-${uid()}`, data: 'not a blob' as never, isGlobal: false }),
  'getNamespace with an empty id': (s) => s.namespaces.getNamespace({ id: '' }),
  'getNamespace with an empty name': (s) => s.namespaces.getNamespace({ name: '' }),
  'getOrCreateShard with a negative shard id': (s) => s.shards.getOrCreateShard({ shardId: -1, initialRangeId: 1, initialShardInfo: textBlob('x') }),
  'updateShard with a fractional shard id': (s) => s.shards.updateShard({ shardId: 1.5, rangeId: 2, shardInfo: textBlob('x'), previousRangeId: 1 }),
  'createWorkflowExecution with an empty workflow id': (s) => s.executions.createWorkflowExecution({ shardId: randomShardId(), rangeId: 1, mode: 'brand-new', snapshot: newSnapshot({ ...newKey(), workflowId: '' }) }),
  'createWorkflowExecution with an empty run id': (s) => s.executions.createWorkflowExecution({ shardId: randomShardId(), rangeId: 1, mode: 'brand-new', snapshot: newSnapshot({ ...newKey(), runId: '' }) }),
  'getWorkflowExecution with an empty namespace id': (s) => s.executions.getWorkflowExecution(1, { ...newKey(), namespaceId: '' }),
  'getWorkflowExecution with an empty run id': (s) => s.executions.getWorkflowExecution(1, { ...newKey(), runId: '' }),
  'getCurrentExecution with an empty workflow id': (s) => s.executions.getCurrentExecution(1, uid(), ''),
  'getCurrentExecution with a negative shard id': (s) => s.executions.getCurrentExecution(-5, uid(), 'wf'),
  'appendHistoryNodes with an empty tree id': (s) => s.history.appendHistoryNodes({ shardId: 1, branch: { treeId: '', branchId: uid(), ancestors: [] }, nodeId: 1, txnId: 1, prevTxnId: 0, events: textBlob('x'), isNewBranch: true }),
  'appendHistoryNodes with node id 0': (s) => s.history.appendHistoryNodes({ shardId: 1, branch: { treeId: uid(), branchId: uid(), ancestors: [] }, nodeId: 0, txnId: 1, prevTxnId: 0, events: textBlob('x'), isNewBranch: true }),
  'forkHistoryBranch at node 1': (s) => s.history.forkHistoryBranch({ shardId: 1, forkBranch: { treeId: uid(), branchId: uid(), ancestors: [] }, forkNodeId: 1, newBranchId: uid() }),
  'createTaskQueue with an empty name': (s) => s.taskQueues.createTaskQueue({ namespaceId: uid(), name: '', taskType: TaskQueueType.Workflow, rangeId: 1, info: textBlob('x') }),
  'getTaskQueue with an empty namespace id': (s) => s.taskQueues.getTaskQueue({ namespaceId: '', name: 'tq', taskType: TaskQueueType.Workflow }),
  'completeTasksLessThan with a zero limit': (s) => s.taskQueues.completeTasksLessThan({ namespaceId: uid(), name: 'tq', taskType: TaskQueueType.Workflow, exclusiveMaxTaskId: 10, limit: 0 }),
};

export function badInputSuite(cell: Cell): void {
  for (const [method, call] of Object.entries(PAGED_CALLS)) {
    for (const pageSize of BAD_PAGE_SIZES) {
      cell.test(`bad input: ${method} with pageSize ${pageSize} fails with InvalidPersistenceRequest`, async (s) => {
        await rejectsWith(invoke(() => call(s, { pageSize })), InvalidPersistenceRequestError);
      });
    }
    for (const [what, token] of Object.entries(MALFORMED_TOKENS)) {
      cell.test(`bad input: ${method} with a page token of ${what} fails with InvalidPersistenceRequest`, async (s) => {
        await rejectsWith(invoke(() => call(s, { pageSize: 10, nextPageToken: token })), InvalidPersistenceRequestError);
      });
    }
  }
  for (const [what, call] of Object.entries(BAD_REQUESTS)) {
    cell.test(`bad input: ${what} fails with InvalidPersistenceRequest`, async (s) => {
      await rejectsWith(invoke(() => call(s)), InvalidPersistenceRequestError);
    });
  }
}

export function badVisibilityInputSuite(cell: Cell): void {
  for (const pageSize of BAD_PAGE_SIZES) {
    cell.visibilityTest(`bad input: listWorkflowExecutions with pageSize ${pageSize} fails with InvalidPersistenceRequest`, async (v) => {
      await rejectsWith(invoke(() => v.listWorkflowExecutions({ namespaceId: uid(), pageSize })), InvalidPersistenceRequestError);
    });
  }
  for (const [what, token] of Object.entries(MALFORMED_TOKENS)) {
    cell.visibilityTest(`bad input: listWorkflowExecutions with a page token of ${what} fails with InvalidPersistenceRequest`, async (v) => {
      await rejectsWith(invoke(() => v.listWorkflowExecutions({ namespaceId: uid(), pageSize: 10, nextPageToken: token })), InvalidPersistenceRequestError);
    });
  }
  cell.visibilityTest('bad input: recordWorkflowExecutionStarted with an empty run id fails with InvalidPersistenceRequest', async (v) => {
    await rejectsWith(
      invoke(() =>
        v.recordWorkflowExecutionStarted({ namespaceId: uid(), workflowId: 'wf', runId: '', workflowTypeName: 't', taskQueue: 'q', status: 1, startTime: 1, executionTime: 1, historyLength: 0, historySizeBytes: 0, stateTransitionCount: 0, searchAttributes: {} }),
      ),
      InvalidPersistenceRequestError,
    );
  });
  cell.visibilityTest('bad input: getWorkflowExecution with an empty namespace id fails with InvalidPersistenceRequest', async (v) => {
    await rejectsWith(invoke(() => v.getWorkflowExecution('', uid())), InvalidPersistenceRequestError);
  });
}
