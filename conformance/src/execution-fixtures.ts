import { expect } from 'vitest';
import { TaskCategories, WorkflowExecutionStatus, WorkflowState } from '@hourglass/core';
import type {
  DataBlob,
  ExecutionRow,
  HistoryTask,
  PersistenceStores,
  WorkflowKey,
  WorkflowMutableState,
  WorkflowMutation,
  WorkflowSnapshot,
} from '@hourglass/core';
import { expectBlob, expectBlobMap, textBlob, uid } from './fixtures.js';

export function newKey(namespaceId = uid(), workflowId = `wf-${uid()}`): WorkflowKey {
  return { namespaceId, workflowId, runId: uid() };
}

export function newSnapshot(key: WorkflowKey, overrides: Partial<WorkflowSnapshot> = {}): WorkflowSnapshot {
  return {
    ...key,
    executionInfo: textBlob(`info ${key.runId}`),
    executionState: textBlob(`state ${key.runId}`),
    state: WorkflowState.Running,
    status: WorkflowExecutionStatus.Running,
    nextEventId: 3,
    lastWriteVersion: 0,
    startVersion: 0,
    createRequestId: uid(),
    dbRecordVersion: 1,
    activityInfos: new Map(),
    timerInfos: new Map(),
    childExecutionInfos: new Map(),
    requestCancelInfos: new Map(),
    signalInfos: new Map(),
    signalRequestedIds: new Set(),
    tasks: [],
    ...overrides,
  };
}

/** The row columns of a read-back state (or snapshot), without its sub-records. */
export function rowOf(state: ExecutionRow): ExecutionRow {
  return {
    namespaceId: state.namespaceId,
    workflowId: state.workflowId,
    runId: state.runId,
    executionInfo: state.executionInfo,
    executionState: state.executionState,
    state: state.state,
    status: state.status,
    nextEventId: state.nextEventId,
    lastWriteVersion: state.lastWriteVersion,
    startVersion: state.startVersion,
    createRequestId: state.createRequestId,
    dbRecordVersion: state.dbRecordVersion,
    ...(state.checksum === undefined ? {} : { checksum: state.checksum }),
  };
}

/** A mutation of `base` that writes the next dbRecordVersion and changes nothing else unless overridden. */
export function mutationOf(base: ExecutionRow, overrides: Partial<WorkflowMutation> = {}): WorkflowMutation {
  return {
    ...rowOf(base),
    expectedDbRecordVersion: base.dbRecordVersion,
    dbRecordVersion: base.dbRecordVersion + 1,
    upsertActivityInfos: new Map(),
    deleteActivityInfos: new Set(),
    upsertTimerInfos: new Map(),
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
    tasks: [],
    ...overrides,
  };
}

export const CLOSED: Pick<ExecutionRow, 'state' | 'status'> = { state: WorkflowState.Completed, status: WorkflowExecutionStatus.Completed };

export function expectRow(actual: ExecutionRow, expected: ExecutionRow): void {
  const scalars = (r: ExecutionRow) => ({
    namespaceId: r.namespaceId,
    workflowId: r.workflowId,
    runId: r.runId,
    state: r.state,
    status: r.status,
    nextEventId: r.nextEventId,
    lastWriteVersion: r.lastWriteVersion,
    startVersion: r.startVersion,
    createRequestId: r.createRequestId,
    dbRecordVersion: r.dbRecordVersion,
  });
  expect(scalars(actual)).toEqual(scalars(expected));
  expectBlob(actual.executionInfo, expected.executionInfo, 'executionInfo');
  expectBlob(actual.executionState, expected.executionState, 'executionState');
  if (expected.checksum === undefined) expect(actual.checksum, 'checksum').toBeUndefined();
  else expectBlob(actual.checksum, expected.checksum, 'checksum');
}

export interface ExpectedSubRecords {
  readonly activityInfos?: ReadonlyMap<number, DataBlob>;
  readonly timerInfos?: ReadonlyMap<string, DataBlob>;
  readonly childExecutionInfos?: ReadonlyMap<number, DataBlob>;
  readonly requestCancelInfos?: ReadonlyMap<number, DataBlob>;
  readonly signalInfos?: ReadonlyMap<number, DataBlob>;
  readonly signalRequestedIds?: ReadonlySet<string>;
  readonly bufferedEvents?: readonly DataBlob[];
}

/** Absent expectations mean "empty". */
export function expectSubRecords(actual: WorkflowMutableState, expected: ExpectedSubRecords): void {
  expectBlobMap(actual.activityInfos, expected.activityInfos ?? new Map(), 'activityInfos');
  expectBlobMap(actual.timerInfos, expected.timerInfos ?? new Map(), 'timerInfos');
  expectBlobMap(actual.childExecutionInfos, expected.childExecutionInfos ?? new Map(), 'childExecutionInfos');
  expectBlobMap(actual.requestCancelInfos, expected.requestCancelInfos ?? new Map(), 'requestCancelInfos');
  expectBlobMap(actual.signalInfos, expected.signalInfos ?? new Map(), 'signalInfos');
  expect([...actual.signalRequestedIds].sort(), 'signalRequestedIds').toEqual([...(expected.signalRequestedIds ?? new Set())].sort());
  const buffered = expected.bufferedEvents ?? [];
  expect(actual.bufferedEvents.length, 'bufferedEvents count').toBe(buffered.length);
  buffered.forEach((b, i) => expectBlob(actual.bufferedEvents[i], b, `bufferedEvents[${i}]`));
}

export function expectState(actual: WorkflowMutableState, expected: WorkflowSnapshot): void {
  expectRow(actual, expected);
  expectSubRecords(actual, expected);
}

/** Creates a brand-new run (the workflow id's current run) on an owned shard and returns its snapshot. */
export async function createRun(
  s: PersistenceStores,
  shard: { shardId: number; rangeId: number },
  key: WorkflowKey = newKey(),
  overrides: Partial<WorkflowSnapshot> = {},
): Promise<WorkflowSnapshot> {
  const snapshot = newSnapshot(key, overrides);
  await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'brand-new', snapshot });
  return snapshot;
}

export function transferTask(key: WorkflowKey, taskId: number): HistoryTask {
  return { category: TaskCategories.Transfer, taskId, fireTime: 0, namespaceId: key.namespaceId, workflowId: key.workflowId, data: textBlob(`transfer ${taskId}`) };
}
