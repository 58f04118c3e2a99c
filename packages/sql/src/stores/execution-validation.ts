import { InvalidPersistenceRequestError, requireBlob, requireSafeInteger, requireShardId } from '@hourglass/core';
import type { DataBlob, ExecutionRow, WorkflowKey, WorkflowMutation, WorkflowSnapshot } from '@hourglass/core';
import { requireBoolean, requireId, requireName, requireObject } from '../validate.js';
import { validateHistoryTasks } from './history-tasks.js';

/** Checks the whole request before any SQL runs, so a bad field never leaves a half-written run. */
export function validateWorkflowKey(key: unknown, field = 'key'): asserts key is WorkflowKey {
  requireObject(key, field);
  const k = key as WorkflowKey;
  requireId(k.namespaceId, `${field}.namespaceId`);
  requireName(k.workflowId, `${field}.workflowId`);
  requireId(k.runId, `${field}.runId`);
}

export function validateFencedRequest(request: unknown): void {
  requireObject(request, 'request');
  const r = request as { shardId: unknown; rangeId: unknown };
  requireShardId(r.shardId);
  requireSafeInteger(r.rangeId, 'rangeId', 0);
}

function validateExecutionRow(row: ExecutionRow, field: string): void {
  validateWorkflowKey(row, field);
  requireBlob(row.executionInfo, `${field}.executionInfo`);
  requireBlob(row.executionState, `${field}.executionState`);
  requireSafeInteger(row.state, `${field}.state`, 0);
  requireSafeInteger(row.status, `${field}.status`, 0);
  requireSafeInteger(row.nextEventId, `${field}.nextEventId`);
  requireSafeInteger(row.lastWriteVersion, `${field}.lastWriteVersion`);
  requireSafeInteger(row.startVersion, `${field}.startVersion`);
  requireName(row.createRequestId, `${field}.createRequestId`);
  requireSafeInteger(row.dbRecordVersion, `${field}.dbRecordVersion`, 0);
  if (row.checksum !== undefined) requireBlob(row.checksum, `${field}.checksum`);
}

function validateBlobMap(map: unknown, field: string, keyKind: 'number' | 'string'): void {
  if (!(map instanceof Map)) throw new InvalidPersistenceRequestError(`${field} must be a Map`);
  for (const [k, v] of map as Map<unknown, DataBlob>) {
    validateMapKey(k, field, keyKind);
    requireBlob(v, `${field}[${String(k)}]`);
  }
}

function validateKeySet(set: unknown, field: string, keyKind: 'number' | 'string'): void {
  if (!(set instanceof Set)) throw new InvalidPersistenceRequestError(`${field} must be a Set`);
  for (const k of set as Set<unknown>) validateMapKey(k, field, keyKind);
}

function validateMapKey(k: unknown, field: string, keyKind: 'number' | 'string'): void {
  if (keyKind === 'number') requireSafeInteger(k, `${field} key`);
  else requireName(k, `${field} key`);
}

export function validateSnapshot(snapshot: unknown, field: string): asserts snapshot is WorkflowSnapshot {
  requireObject(snapshot, field);
  const s = snapshot as WorkflowSnapshot;
  validateExecutionRow(s, field);
  validateBlobMap(s.activityInfos, `${field}.activityInfos`, 'number');
  validateBlobMap(s.timerInfos, `${field}.timerInfos`, 'string');
  validateBlobMap(s.childExecutionInfos, `${field}.childExecutionInfos`, 'number');
  validateBlobMap(s.requestCancelInfos, `${field}.requestCancelInfos`, 'number');
  validateBlobMap(s.signalInfos, `${field}.signalInfos`, 'number');
  validateKeySet(s.signalRequestedIds, `${field}.signalRequestedIds`, 'string');
  validateHistoryTasks(s.tasks, `${field}.tasks`);
}

export function validateMutation(mutation: unknown, field: string): asserts mutation is WorkflowMutation {
  requireObject(mutation, field);
  const m = mutation as WorkflowMutation;
  validateExecutionRow(m, field);
  requireSafeInteger(m.expectedDbRecordVersion, `${field}.expectedDbRecordVersion`, 0);
  validateBlobMap(m.upsertActivityInfos, `${field}.upsertActivityInfos`, 'number');
  validateKeySet(m.deleteActivityInfos, `${field}.deleteActivityInfos`, 'number');
  validateBlobMap(m.upsertTimerInfos, `${field}.upsertTimerInfos`, 'string');
  validateKeySet(m.deleteTimerInfos, `${field}.deleteTimerInfos`, 'string');
  validateBlobMap(m.upsertChildExecutionInfos, `${field}.upsertChildExecutionInfos`, 'number');
  validateKeySet(m.deleteChildExecutionInfos, `${field}.deleteChildExecutionInfos`, 'number');
  validateBlobMap(m.upsertRequestCancelInfos, `${field}.upsertRequestCancelInfos`, 'number');
  validateKeySet(m.deleteRequestCancelInfos, `${field}.deleteRequestCancelInfos`, 'number');
  validateBlobMap(m.upsertSignalInfos, `${field}.upsertSignalInfos`, 'number');
  validateKeySet(m.deleteSignalInfos, `${field}.deleteSignalInfos`, 'number');
  validateKeySet(m.upsertSignalRequestedIds, `${field}.upsertSignalRequestedIds`, 'string');
  validateKeySet(m.deleteSignalRequestedIds, `${field}.deleteSignalRequestedIds`, 'string');
  if (m.newBufferedEvents !== undefined) requireBlob(m.newBufferedEvents, `${field}.newBufferedEvents`);
  requireBoolean(m.clearBufferedEvents, `${field}.clearBufferedEvents`);
  validateHistoryTasks(m.tasks, `${field}.tasks`);
}

/** Sub-records and tasks are shard-scoped by the run that carries them; a task for another workflow is allowed. */
export function requireSameWorkflow(a: WorkflowKey, b: WorkflowKey, what: string): void {
  if (a.namespaceId !== b.namespaceId || a.workflowId !== b.workflowId) {
    throw new InvalidPersistenceRequestError(`${what} must belong to the same workflow (${a.namespaceId}/${a.workflowId})`);
  }
}
