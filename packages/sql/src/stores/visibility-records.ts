import { InvalidPersistenceRequestError, requireBlob, requireSafeInteger, workflowExecutionStatusNames } from '@hourglass/core';
import type { VisibilityFilter, VisibilityQuery, VisibilityRecord, WorkflowExecutionStatus } from '@hourglass/core';
import type { Selectable } from 'kysely';
import type { ExecutionsVisibilityTable } from '../tables.js';
import { MAX_ID_LENGTH, MAX_NAME_LENGTH, optionalText, requireId, requireName, requireObject } from '../validate.js';
import { bindBytes, int, optionalInt, readBlob } from '../values.js';
import { decodeSearchAttributes, encodeSearchAttributes, validateSearchAttributes } from './search-attributes.js';

/** Request checks and the row mapping of `executions_visibility`. */
export function validateFilter(filter: unknown): asserts filter is VisibilityFilter | undefined {
  if (filter === undefined) return;
  requireObject(filter, 'filter');
  const f = filter as VisibilityFilter;
  if (f.statuses !== undefined) {
    if (!Array.isArray(f.statuses)) throw new InvalidPersistenceRequestError('filter.statuses must be an array');
    f.statuses.forEach((s, i) => requireStatus(s, `filter.statuses[${i}]`));
  }
  if (f.workflowTypeName !== undefined) requireName(f.workflowTypeName, 'filter.workflowTypeName');
  if (f.workflowId !== undefined) requireName(f.workflowId, 'filter.workflowId');
  for (const bound of ['startTimeFrom', 'startTimeTo', 'closeTimeFrom', 'closeTimeTo'] as const) {
    if (f[bound] !== undefined) requireSafeInteger(f[bound], `filter.${bound}`);
  }
  if (f.query !== undefined) {
    const q = f.query as Partial<VisibilityQuery> | null;
    if (typeof q !== 'object' || q === null || !Array.isArray(q.orderBy)) {
      throw new InvalidPersistenceRequestError('filter.query must be a VisibilityQuery from parseVisibilityQuery');
    }
  }
}

function requireStatus(value: unknown, field: string): asserts value is WorkflowExecutionStatus {
  if (typeof value !== 'number' || !(value in workflowExecutionStatusNames)) {
    throw new InvalidPersistenceRequestError(`${field} must be a WorkflowExecutionStatus, got ${String(value)}`);
  }
}

export function validateRecord(record: unknown): asserts record is VisibilityRecord {
  requireObject(record, 'record');
  const r = record as VisibilityRecord;
  requireId(r.namespaceId, 'namespaceId');
  requireName(r.workflowId, 'workflowId');
  requireId(r.runId, 'runId');
  requireName(r.workflowTypeName, 'workflowTypeName');
  requireName(r.taskQueue, 'taskQueue');
  requireStatus(r.status, 'status');
  requireSafeInteger(r.startTime, 'startTime');
  requireSafeInteger(r.executionTime, 'executionTime');
  if (r.closeTime !== undefined) requireSafeInteger(r.closeTime, 'closeTime');
  if (r.executionDuration !== undefined) requireSafeInteger(r.executionDuration, 'executionDuration', 0);
  requireSafeInteger(r.historyLength, 'historyLength', 0);
  requireSafeInteger(r.historySizeBytes, 'historySizeBytes', 0);
  requireSafeInteger(r.stateTransitionCount, 'stateTransitionCount', 0);
  optionalText(r.parentWorkflowId, 'parentWorkflowId', MAX_NAME_LENGTH);
  optionalText(r.parentRunId, 'parentRunId', MAX_ID_LENGTH);
  optionalText(r.rootWorkflowId, 'rootWorkflowId', MAX_NAME_LENGTH);
  optionalText(r.rootRunId, 'rootRunId', MAX_ID_LENGTH);
  if (r.memo !== undefined) requireBlob(r.memo, 'memo');
  validateSearchAttributes(r.searchAttributes);
}

export function toRow(r: VisibilityRecord) {
  return {
    namespace_id: r.namespaceId,
    run_id: r.runId,
    workflow_id: r.workflowId,
    workflow_type_name: r.workflowTypeName,
    task_queue: r.taskQueue,
    status: r.status,
    start_time: r.startTime,
    execution_time: r.executionTime,
    close_time: r.closeTime ?? null,
    execution_duration: r.executionDuration ?? null,
    history_length: r.historyLength,
    history_size_bytes: r.historySizeBytes,
    state_transition_count: r.stateTransitionCount,
    parent_workflow_id: r.parentWorkflowId ?? null,
    parent_run_id: r.parentRunId ?? null,
    root_workflow_id: r.rootWorkflowId ?? null,
    root_run_id: r.rootRunId ?? null,
    memo: r.memo ? bindBytes(r.memo.data) : null,
    memo_encoding: r.memo ? r.memo.encoding : null,
    search_attributes: encodeSearchAttributes(r.searchAttributes),
  };
}

export function toRecord(row: Selectable<ExecutionsVisibilityTable>): VisibilityRecord {
  const record: { -readonly [K in keyof VisibilityRecord]: VisibilityRecord[K] } = {
    namespaceId: row.namespace_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    workflowTypeName: row.workflow_type_name,
    taskQueue: row.task_queue,
    status: int(row.status, 'status') as WorkflowExecutionStatus,
    startTime: int(row.start_time, 'start_time'),
    executionTime: int(row.execution_time, 'execution_time'),
    historyLength: int(row.history_length, 'history_length'),
    historySizeBytes: int(row.history_size_bytes, 'history_size_bytes'),
    stateTransitionCount: int(row.state_transition_count, 'state_transition_count'),
    searchAttributes: decodeSearchAttributes(row.search_attributes, `executions_visibility ${row.namespace_id}/${row.run_id}`),
  };
  const closeTime = optionalInt(row.close_time, 'close_time');
  if (closeTime !== undefined) record.closeTime = closeTime;
  const executionDuration = optionalInt(row.execution_duration, 'execution_duration');
  if (executionDuration !== undefined) record.executionDuration = executionDuration;
  if (row.parent_workflow_id !== null) record.parentWorkflowId = row.parent_workflow_id;
  if (row.parent_run_id !== null) record.parentRunId = row.parent_run_id;
  if (row.root_workflow_id !== null) record.rootWorkflowId = row.root_workflow_id;
  if (row.root_run_id !== null) record.rootRunId = row.root_run_id;
  if (row.memo !== null) record.memo = readBlob(row.memo, row.memo_encoding, 'memo');
  return record;
}
