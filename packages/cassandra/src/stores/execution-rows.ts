import type cassandra from 'cassandra-driver';
import type {
  CurrentExecution,
  CurrentRunSnapshot,
  DataBlob,
  ExecutionRow,
  HistoryTask,
  WorkflowExecutionStatus,
  WorkflowKey,
  WorkflowMutableState,
  WorkflowMutation,
  WorkflowSnapshot,
  WorkflowState,
} from '@hourglass/core';
import type { CqlStatement, Row } from '../session.js';
import { blobTuple, bytes, columnBlob, num, requiredBlob, tupleBlob } from '../values.js';
import { CURRENT_KEY, EXECUTION_KEY, KEY_COLUMNS, RowType } from './shard-rows.js';

/** The scalar columns of an execution row, in the order `rowValues` yields them. */
const ROW_COLUMNS = [
  'execution_info',
  'execution_info_encoding',
  'execution_state',
  'execution_state_encoding',
  'state',
  'status',
  'next_event_id',
  'last_write_version',
  'start_version',
  'create_request_id',
  'db_record_version',
  'checksum',
  'checksum_encoding',
] as const;

/** Sub-record kinds: the map column and the snapshot / mutation fields that feed it. */
const MAPS = [
  { column: 'activity_infos', snapshot: 'activityInfos', upsert: 'upsertActivityInfos', remove: 'deleteActivityInfos' },
  { column: 'timer_infos', snapshot: 'timerInfos', upsert: 'upsertTimerInfos', remove: 'deleteTimerInfos' },
  { column: 'child_execution_infos', snapshot: 'childExecutionInfos', upsert: 'upsertChildExecutionInfos', remove: 'deleteChildExecutionInfos' },
  { column: 'request_cancel_infos', snapshot: 'requestCancelInfos', upsert: 'upsertRequestCancelInfos', remove: 'deleteRequestCancelInfos' },
  { column: 'signal_infos', snapshot: 'signalInfos', upsert: 'upsertSignalInfos', remove: 'deleteSignalInfos' },
] as const;

export const STATE_COLUMNS = ['namespace_id', 'workflow_id', 'run_id', ...ROW_COLUMNS, ...MAPS.map((m) => m.column), 'signal_requested_ids', 'buffered_events'].join(', ');
export const LISTING_COLUMNS = ['namespace_id', 'workflow_id', 'run_id', ...ROW_COLUMNS].join(', ');

function rowValues(row: ExecutionRow): unknown[] {
  return [
    bytes(row.executionInfo.data),
    row.executionInfo.encoding,
    bytes(row.executionState.data),
    row.executionState.encoding,
    row.state,
    row.status,
    row.nextEventId,
    row.lastWriteVersion,
    row.startVersion,
    row.createRequestId,
    row.dbRecordVersion,
    row.checksum === undefined ? null : bytes(row.checksum.data),
    row.checksum === undefined ? null : row.checksum.encoding,
  ];
}

function tupleMap<K>(entries: ReadonlyMap<K, DataBlob>): Map<K, cassandra.types.Tuple> {
  return new Map([...entries].map(([k, v]) => [k, blobTuple(v)]));
}

function snapshotCollections(snapshot: WorkflowSnapshot): unknown[] {
  return [
    ...MAPS.map((m) => tupleMap(snapshot[m.snapshot] as ReadonlyMap<number | string, DataBlob>)),
    new Set(snapshot.signalRequestedIds),
    [] as cassandra.types.Tuple[],
  ];
}

const SNAPSHOT_COLUMNS = [...ROW_COLUMNS, ...MAPS.map((m) => m.column), 'signal_requested_ids', 'buffered_events'];

/** Writes a new run with its whole state; fails (not applied) when the run id already exists. */
export function insertRunStatement(shardId: number, snapshot: WorkflowSnapshot): CqlStatement {
  const columns = [KEY_COLUMNS, ...SNAPSHOT_COLUMNS].join(', ');
  const marks = SNAPSHOT_COLUMNS.map(() => '?').join(', ');
  return {
    query: `INSERT INTO executions (${columns}) VALUES (?, ${RowType.Execution}, 0, ?, ?, ?, 0, 0, ${marks}) IF NOT EXISTS`,
    params: [shardId, snapshot.namespaceId, snapshot.workflowId, snapshot.runId, ...rowValues(snapshot), ...snapshotCollections(snapshot)],
  };
}

/** Replaces a run's whole state, sub-records and buffered events included, if its dbRecordVersion still matches. */
export function resetRunStatement(shardId: number, snapshot: WorkflowSnapshot, expectedDbRecordVersion: number): CqlStatement {
  const assignments = SNAPSHOT_COLUMNS.map((c) => `${c} = ?`).join(', ');
  return {
    query: `UPDATE executions SET ${assignments} WHERE ${EXECUTION_KEY} IF db_record_version = ?`,
    params: [...rowValues(snapshot), ...snapshotCollections(snapshot), shardId, snapshot.namespaceId, snapshot.workflowId, snapshot.runId, expectedDbRecordVersion],
  };
}

/**
 * A mutation as statements on the run's row: the conditional update of columns and upserts,
 * then (unconditionally, same batch) the removals. Within one batch every cell carries the
 * same timestamp and a removal wins over an upsert of the same key, which is the contract's
 * "upserts, then deletes".
 */
export function mutationStatements(shardId: number, m: WorkflowMutation): CqlStatement[] {
  const key = [shardId, m.namespaceId, m.workflowId, m.runId];
  const sets = ROW_COLUMNS.map((c) => `${c} = ?`);
  const values: unknown[] = rowValues(m);
  for (const map of MAPS) {
    const upserts = m[map.upsert] as ReadonlyMap<number | string, DataBlob>;
    if (upserts.size === 0) continue;
    sets.push(`${map.column} = ${map.column} + ?`);
    values.push(tupleMap(upserts));
  }
  if (m.upsertSignalRequestedIds.size > 0) {
    sets.push('signal_requested_ids = signal_requested_ids + ?');
    values.push(new Set(m.upsertSignalRequestedIds));
  }
  const appended = m.newBufferedEvents === undefined ? [] : [blobTuple(m.newBufferedEvents)];
  if (m.clearBufferedEvents) {
    sets.push('buffered_events = ?');
    values.push(appended);
  } else if (appended.length > 0) {
    sets.push('buffered_events = buffered_events + ?');
    values.push(appended);
  }
  const statements: CqlStatement[] = [
    { query: `UPDATE executions SET ${sets.join(', ')} WHERE ${EXECUTION_KEY} IF db_record_version = ?`, params: [...values, ...key, m.expectedDbRecordVersion] },
  ];
  const removals: string[] = [];
  const removed: unknown[] = [];
  for (const map of MAPS) {
    const keys = m[map.remove] as ReadonlySet<number | string>;
    if (keys.size === 0) continue;
    removals.push(`${map.column} = ${map.column} - ?`);
    removed.push(new Set(keys));
  }
  if (m.deleteSignalRequestedIds.size > 0) {
    removals.push('signal_requested_ids = signal_requested_ids - ?');
    removed.push(new Set(m.deleteSignalRequestedIds));
  }
  if (removals.length > 0) statements.push({ query: `UPDATE executions SET ${removals.join(', ')} WHERE ${EXECUTION_KEY}`, params: [...removed, ...key] });
  return statements;
}

const CURRENT_COLUMNS = 'current_run_id = ?, create_request_id = ?, state = ?, status = ?, last_write_version = ?, start_version = ?';

function currentValues(row: ExecutionRow): unknown[] {
  return [row.runId, row.createRequestId, row.state, row.status, row.lastWriteVersion, row.startVersion];
}

/** Points the workflow's current row at `row`, which must not exist yet. */
export function insertCurrentStatement(shardId: number, row: ExecutionRow): CqlStatement {
  return {
    query: `INSERT INTO executions (${KEY_COLUMNS}, current_run_id, create_request_id, state, status, last_write_version, start_version) VALUES (?, ${RowType.Current}, 0, ?, ?, '', 0, 0, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
    params: [shardId, row.namespaceId, row.workflowId, ...currentValues(row)],
  };
}

/** Points the current row at `row` if it still names `expectedRunId` (and, when given, that closed run's lastWriteVersion). */
export function moveCurrentStatement(shardId: number, row: ExecutionRow, expectedRunId: string, closedAt?: { lastWriteVersion: number; closedState: number }): CqlStatement {
  const condition = closedAt === undefined ? 'IF current_run_id = ?' : 'IF current_run_id = ? AND last_write_version = ? AND state = ?';
  return {
    query: `UPDATE executions SET ${CURRENT_COLUMNS} WHERE ${CURRENT_KEY} ${condition}`,
    params: [...currentValues(row), shardId, row.namespaceId, row.workflowId, expectedRunId, ...(closedAt === undefined ? [] : [closedAt.lastWriteVersion, closedAt.closedState])],
  };
}

/**
 * Only checks that the current row does not name `runId` (an absent row passes). Deleting the
 * never-written probe column is the one statement that can carry a condition without writing
 * anything, and it cannot create a row.
 */
export function currentIsNotStatement(shardId: number, key: WorkflowKey): CqlStatement {
  return { query: `DELETE condition_probe FROM executions WHERE ${CURRENT_KEY} IF current_run_id != ?`, params: [shardId, key.namespaceId, key.workflowId, key.runId] };
}

export function insertTaskStatement(shardId: number, task: HistoryTask): CqlStatement {
  const scheduled = task.category.kind === 'scheduled';
  return {
    query: `INSERT INTO executions (${KEY_COLUMNS}, task_namespace_id, task_workflow_id, task_data, task_encoding) VALUES (?, ?, ?, '', '', '', ?, ?, ?, ?, ?, ?)`,
    params: [
      shardId,
      scheduled ? RowType.ScheduledTask : RowType.ImmediateTask,
      task.category.id,
      scheduled ? task.fireTime : 0,
      task.taskId,
      task.namespaceId,
      task.workflowId,
      bytes(task.data.data),
      task.data.encoding,
    ],
  };
}

export function executionRowOf(row: Row): ExecutionRow {
  const checksum = columnBlob(row, 'checksum', 'checksum_encoding');
  return {
    namespaceId: row.get('namespace_id') as string,
    workflowId: row.get('workflow_id') as string,
    runId: row.get('run_id') as string,
    executionInfo: requiredBlob(row, 'execution_info', 'execution_info_encoding'),
    executionState: requiredBlob(row, 'execution_state', 'execution_state_encoding'),
    state: row.get('state') as WorkflowState,
    status: row.get('status') as WorkflowExecutionStatus,
    nextEventId: num(row.get('next_event_id')),
    lastWriteVersion: num(row.get('last_write_version')),
    startVersion: num(row.get('start_version')),
    createRequestId: (row.get('create_request_id') as string | null) ?? '',
    dbRecordVersion: num(row.get('db_record_version')),
    ...(checksum === undefined ? {} : { checksum }),
  };
}

function blobMap<K>(value: unknown, key: (raw: unknown) => K): Map<K, DataBlob> {
  const out = new Map<K, DataBlob>();
  if (value instanceof Map) for (const [k, v] of value) out.set(key(k), tupleBlob(v as cassandra.types.Tuple));
  return out;
}

export function mutableStateOf(row: Row): WorkflowMutableState {
  const ids = row.get('signal_requested_ids') as unknown;
  const buffered = row.get('buffered_events') as cassandra.types.Tuple[] | null;
  return {
    ...executionRowOf(row),
    activityInfos: blobMap(row.get('activity_infos'), num),
    timerInfos: blobMap(row.get('timer_infos'), String),
    childExecutionInfos: blobMap(row.get('child_execution_infos'), num),
    requestCancelInfos: blobMap(row.get('request_cancel_infos'), num),
    signalInfos: blobMap(row.get('signal_infos'), num),
    signalRequestedIds: new Set(ids instanceof Set ? [...(ids as Set<string>)] : []),
    bufferedEvents: (buffered ?? []).map(tupleBlob),
  };
}

/** What a current row says about its run, as CurrentWorkflowConditionFailedError carries it. */
export function currentRunOf(row: Row): CurrentRunSnapshot {
  return {
    runId: row.get('current_run_id') as string,
    createRequestId: (row.get('create_request_id') as string | null) ?? '',
    state: row.get('state') as number,
    status: row.get('status') as number,
    lastWriteVersion: num(row.get('last_write_version')),
    startVersion: num(row.get('start_version')),
  };
}

export function currentExecutionOf(row: Row): CurrentExecution {
  return { namespaceId: row.get('namespace_id') as string, workflowId: row.get('workflow_id') as string, ...currentRunOf(row) };
}
