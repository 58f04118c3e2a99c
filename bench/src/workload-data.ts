import { TaskCategories, TaskQueueType, WorkflowExecutionStatus, WorkflowState } from '@hourglass/core';
import type {
  AppendHistoryNodesRequest,
  CompleteTasksLessThanRequest,
  CreateTasksRequest,
  CreateWorkflowExecutionRequest,
  DataBlob,
  GetTasksRequest,
  HistoryBranch,
  HistoryTask,
  TaskQueueKey,
  UpdateWorkflowExecutionRequest,
  WorkflowKey,
  WorkflowSnapshot,
} from '@hourglass/core';

/**
 * The inputs every target (Hourglass store, raw driver, Kysely over the same SQL) writes. They
 * are pure functions of (round, op index), so all targets write byte-identical rows.
 */

export const SHARD_ID = 1;
export const RANGE_ID = 1;
export const NAMESPACE_ID = '5c1e0a43-6d7b-4c2f-9a51-2f0b8e8d7a10';
export const TASK_QUEUE: TaskQueueKey = { namespaceId: NAMESPACE_ID, name: 'bench-task-queue', taskType: TaskQueueType.Activity };
export const TASK_QUEUE_RANGE_ID = 1;
/** Tasks one getTasks call reads: the matching task reader's page. */
export const TASK_PAGE_SIZE = 10;

/** Payload sizes close to what a small Temporal workflow stores, so byte copying is not free. */
export const PAYLOAD_BYTES = {
  executionInfo: 1024,
  executionState: 128,
  historyBatch: 1024,
  historyTask: 128,
  timerInfo: 128,
  matchingTask: 256,
  shardInfo: 256,
  taskQueueInfo: 128,
} as const;

const ENCODING = 'proto3';

function payload(bytes: number, seed: number): DataBlob {
  const data = new Uint8Array(bytes);
  // A cheap deterministic pattern: avoids both all-zero pages and a random generator.
  for (let i = 0; i < bytes; i++) data[i] = (i * 31 + seed * 17) & 0xff;
  return { encoding: ENCODING, data };
}

/** Built once: every op reuses the same bytes, so payload generation never lands in a timing. */
export const PAYLOADS = {
  executionInfo: payload(PAYLOAD_BYTES.executionInfo, 1),
  executionState: payload(PAYLOAD_BYTES.executionState, 2),
  historyBatch: payload(PAYLOAD_BYTES.historyBatch, 3),
  historyTask: payload(PAYLOAD_BYTES.historyTask, 4),
  timerInfo: payload(PAYLOAD_BYTES.timerInfo, 5),
  matchingTask: payload(PAYLOAD_BYTES.matchingTask, 6),
  shardInfo: payload(PAYLOAD_BYTES.shardInfo, 7),
  taskQueueInfo: payload(PAYLOAD_BYTES.taskQueueInfo, 8),
} as const;

/** Where one op sits in the run; ids derived from it never collide across rounds. */
export interface OpPosition {
  /** The sequence number of the round's first op: the sum of the ops of all earlier rounds. */
  readonly roundStart: number;
  readonly index: number;
  readonly opsPerRound: number;
}

function sequence(p: OpPosition): number {
  return p.roundStart + p.index;
}

function uuidLike(n: number, tag: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `0000${tag.toString(16).padStart(4, '0')}-0000-4000-8000-${hex}`;
}

export function runKey(p: OpPosition): WorkflowKey {
  const n = sequence(p);
  return { namespaceId: NAMESPACE_ID, workflowId: `bench-workflow-${n}`, runId: uuidLike(n, 1) };
}

function createRequestId(p: OpPosition): string {
  return uuidLike(sequence(p), 3);
}

const START_DB_RECORD_VERSION = 1;

export function historyBranch(p: OpPosition): HistoryBranch {
  const n = sequence(p);
  return { treeId: runKey(p).runId, branchId: uuidLike(n, 2), ancestors: [] };
}

/** Each op owns four consecutive history task ids: one per task it may write. */
function historyTaskId(p: OpPosition, slot: 0 | 1 | 2 | 3): number {
  return sequence(p) * 4 + slot + 1;
}

/** Microseconds; a fixed base keeps the rows identical between targets and runs. */
const FIRE_TIME_BASE = 1_764_000_000_000_000;

export function transferTask(p: OpPosition, slot: 0 | 1 | 2 | 3): HistoryTask {
  const key = runKey(p);
  return { category: TaskCategories.Transfer, taskId: historyTaskId(p, slot), fireTime: 0, namespaceId: key.namespaceId, workflowId: key.workflowId, data: PAYLOADS.historyTask };
}

export function timerTask(p: OpPosition, slot: 0 | 1 | 2 | 3): HistoryTask {
  const key = runKey(p);
  return {
    category: TaskCategories.Timer,
    taskId: historyTaskId(p, slot),
    fireTime: FIRE_TIME_BASE + sequence(p) * 1000,
    namespaceId: key.namespaceId,
    workflowId: key.workflowId,
    data: PAYLOADS.historyTask,
  };
}

/*
 * The request builders below spell every property out: on Node 20 an object literal that
 * starts with a spread and goes on with more properties takes a slow path (measured at ~12 µs
 * for a snapshot), which would add the same large constant to every target and shrink the ratios.
 */

/** The run as StartWorkflowExecution writes it: row, current row and the first workflow task. */
export function startSnapshot(p: OpPosition): WorkflowSnapshot {
  const key = runKey(p);
  return {
    namespaceId: key.namespaceId,
    workflowId: key.workflowId,
    runId: key.runId,
    executionInfo: PAYLOADS.executionInfo,
    executionState: PAYLOADS.executionState,
    state: WorkflowState.Running,
    status: WorkflowExecutionStatus.Running,
    nextEventId: 3,
    lastWriteVersion: 0,
    startVersion: 0,
    createRequestId: createRequestId(p),
    dbRecordVersion: START_DB_RECORD_VERSION,
    activityInfos: new Map(),
    timerInfos: new Map(),
    childExecutionInfos: new Map(),
    requestCancelInfos: new Map(),
    signalInfos: new Map(),
    signalRequestedIds: new Set(),
    tasks: [transferTask(p, 0)],
  };
}

export function createExecutionRequest(p: OpPosition): CreateWorkflowExecutionRequest {
  return { shardId: SHARD_ID, rangeId: RANGE_ID, mode: 'brand-new', snapshot: startSnapshot(p) };
}

export const TIMER_ID = 'bench-timer';
export const COMPLETED_TASK_NODE_ID = 3;
export const COMPLETED_TASK_NEXT_EVENT_ID = 6;

/** The events of one completed workflow task (completed + timer started), appended before the update. */
export function appendEventsRequest(p: OpPosition): AppendHistoryNodesRequest {
  return {
    shardId: SHARD_ID,
    branch: historyBranch(p),
    nodeId: COMPLETED_TASK_NODE_ID,
    txnId: sequence(p) + 1,
    prevTxnId: 0,
    events: PAYLOADS.historyBatch,
    isNewBranch: false,
  };
}

/**
 * A workflow task completion that starts a timer: the run row moves to its next version, one
 * timer info is added, and a transfer task plus the timer's task are written in the same write.
 */
export function completeWorkflowTaskRequest(p: OpPosition): UpdateWorkflowExecutionRequest {
  const key = runKey(p);
  return {
    shardId: SHARD_ID,
    rangeId: RANGE_ID,
    mode: 'update-current',
    mutation: {
      namespaceId: key.namespaceId,
      workflowId: key.workflowId,
      runId: key.runId,
      executionInfo: PAYLOADS.executionInfo,
      executionState: PAYLOADS.executionState,
      state: WorkflowState.Running,
      status: WorkflowExecutionStatus.Running,
      nextEventId: COMPLETED_TASK_NEXT_EVENT_ID,
      lastWriteVersion: 0,
      startVersion: 0,
      createRequestId: createRequestId(p),
      expectedDbRecordVersion: START_DB_RECORD_VERSION,
      dbRecordVersion: START_DB_RECORD_VERSION + 1,
      upsertActivityInfos: new Map(),
      deleteActivityInfos: new Set(),
      upsertTimerInfos: new Map([[TIMER_ID, PAYLOADS.timerInfo]]),
      deleteTimerInfos: new Set(),
      upsertChildExecutionInfos: new Map(),
      deleteChildExecutionInfos: new Set(),
      upsertRequestCancelInfos: new Map(),
      deleteRequestCancelInfos: new Set(),
      upsertSignalInfos: new Map(),
      deleteSignalInfos: new Set(),
      upsertSignalRequestedIds: new Set(),
      deleteSignalRequestedIds: new Set(),
      clearBufferedEvents: false,
      tasks: [transferTask(p, 1), timerTask(p, 2)],
    },
  };
}

export function matchingTaskId(p: OpPosition): number {
  return sequence(p) + 1;
}

/** One task per call: the latency a poller waits for when sync match fails and the task is persisted. */
export function createTasksRequest(p: OpPosition): CreateTasksRequest {
  return {
    namespaceId: TASK_QUEUE.namespaceId,
    name: TASK_QUEUE.name,
    taskType: TASK_QUEUE.taskType,
    rangeId: TASK_QUEUE_RANGE_ID,
    tasks: [{ taskId: matchingTaskId(p), data: PAYLOADS.matchingTask }],
  };
}

/** A page of the round's tasks; pages wrap around within the round so every read finds tasks. */
export function getTasksRequest(p: OpPosition): GetTasksRequest {
  const firstOfRound = p.roundStart + 1;
  const offset = (p.index * TASK_PAGE_SIZE) % Math.max(1, p.opsPerRound - TASK_PAGE_SIZE + 1);
  const inclusiveMinTaskId = firstOfRound + offset;
  return {
    namespaceId: TASK_QUEUE.namespaceId,
    name: TASK_QUEUE.name,
    taskType: TASK_QUEUE.taskType,
    inclusiveMinTaskId,
    exclusiveMaxTaskId: inclusiveMinTaskId + TASK_PAGE_SIZE,
    pageSize: TASK_PAGE_SIZE,
  };
}

/** Acks the op's own task: the ack level moves one task forward per call. */
export function completeTasksRequest(p: OpPosition): CompleteTasksLessThanRequest {
  return { namespaceId: TASK_QUEUE.namespaceId, name: TASK_QUEUE.name, taskType: TASK_QUEUE.taskType, exclusiveMaxTaskId: matchingTaskId(p) + 1, limit: 1 };
}
