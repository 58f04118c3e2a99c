import {
  CurrentWorkflowConditionFailedError,
  InvalidPersistenceRequestError,
  NotFoundError,
  WorkflowConditionFailedError,
  WorkflowState,
  requireSafeInteger,
  requireShardId,
} from '@hourglass/core';
import type {
  AddHistoryTasksRequest,
  ConflictResolveWorkflowExecutionRequest,
  CreateWorkflowExecutionRequest,
  CurrentExecution,
  CurrentRunSnapshot,
  ExecutionRow,
  ExecutionStore,
  GetHistoryTasksRequest,
  Page,
  PageRequest,
  StoredHistoryTask,
  TaskCategory,
  TaskKey,
  UpdateWorkflowExecutionRequest,
  WorkflowKey,
  WorkflowMutableState,
  WorkflowMutation,
  WorkflowSnapshot,
} from '@hourglass/core';
import type { Selectable } from 'kysely';
import { decodeCursor, fetchSize, keysetAfter, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import { TransactionConflict } from '../runner.js';
import type { CurrentExecutionsTable, ExecutionsTable } from '../tables.js';
import { requireId, requireName, requireObject } from '../validate.js';
import { bindBytes, int, readBlob } from '../values.js';
import { validateFencedRequest, validateMutation, validateSnapshot, validateWorkflowKey } from './execution-validation.js';
import { completeHistoryTask, getHistoryTasks, insertHistoryTasks, rangeCompleteHistoryTasks, validateHistoryTasks } from './history-tasks.js';
import {
  ACTIVITY_INFOS,
  CHILD_EXECUTION_INFOS,
  REQUEST_CANCEL_INFOS,
  SIGNAL_INFOS,
  TIMER_INFOS,
  appendBufferedEvents,
  deleteBlobMapKeys,
  deleteRunSubRecords,
  deleteSignalRequestedIds,
  insertSignalRequestedIds,
  readBlobMap,
  readBufferedEvents,
  readSignalRequestedIds,
  upsertBlobMap,
} from './run-records.js';
import { assertShardLease } from './shard.js';

type CurrentRow = CurrentRunSnapshot;

/**
 * Workflow executions. Every write is one transaction that first checks the shard lease
 * (rangeId), then the current-run row, then the run's dbRecordVersion, and only then writes;
 * any failure rolls the whole write back.
 */
export class SqlExecutionStore implements ExecutionStore {
  constructor(private readonly runner: SqlRunner) {}

  async createWorkflowExecution(request: CreateWorkflowExecutionRequest): Promise<void> {
    validateFencedRequest(request);
    validateSnapshot(request.snapshot, 'snapshot');
    const { shardId, rangeId, mode, snapshot } = request;
    if (mode === 'update-current') {
      requireId(request.previousRunId, 'previousRunId');
      requireSafeInteger(request.previousLastWriteVersion, 'previousLastWriteVersion');
    } else if (mode !== 'brand-new' && mode !== 'bypass-current') {
      throw new InvalidPersistenceRequestError(`unknown create mode ${String(mode)}`);
    }
    await this.runner.write(async (tx) => {
      await assertShardLease(this.runner, tx, shardId, rangeId, 'share');
      if (mode === 'brand-new') {
        const current = await this.lockCurrent(tx, shardId, snapshot);
        if (current) throw new CurrentWorkflowConditionFailedError(`workflow ${snapshot.workflowId} already has current run ${current.runId}`, current);
      } else if (mode === 'update-current') {
        const current = await this.lockCurrent(tx, shardId, snapshot);
        if (!current) throw new CurrentWorkflowConditionFailedError(`workflow ${snapshot.workflowId} has no current run`, undefined);
        if (current.runId !== request.previousRunId || current.lastWriteVersion !== request.previousLastWriteVersion) {
          throw new CurrentWorkflowConditionFailedError(
            `current run of ${snapshot.workflowId} is ${current.runId} at version ${current.lastWriteVersion}, expected ${request.previousRunId} at ${request.previousLastWriteVersion}`,
            current,
          );
        }
        if (current.state !== WorkflowState.Completed) {
          throw new CurrentWorkflowConditionFailedError(`current run ${current.runId} of ${snapshot.workflowId} is still open (state ${current.state})`, current);
        }
      }
      await this.insertSnapshot(tx, shardId, snapshot);
      if (mode === 'brand-new') await this.insertCurrent(tx, shardId, snapshot);
      else if (mode === 'update-current') await this.pointCurrentAt(tx, shardId, snapshot);
    });
  }

  async updateWorkflowExecution(request: UpdateWorkflowExecutionRequest): Promise<void> {
    validateFencedRequest(request);
    validateMutation(request.mutation, 'mutation');
    if (request.newSnapshot !== undefined) validateSnapshot(request.newSnapshot, 'newSnapshot');
    const { shardId, rangeId, mode, mutation, newSnapshot } = request;
    if (mode !== 'update-current' && mode !== 'bypass-current' && mode !== 'ignore-current') {
      throw new InvalidPersistenceRequestError(`unknown update mode ${String(mode)}`);
    }
    if (newSnapshot && (newSnapshot.namespaceId !== mutation.namespaceId || newSnapshot.workflowId !== mutation.workflowId)) {
      throw new InvalidPersistenceRequestError('newSnapshot must continue the same workflow as the mutation');
    }
    await this.runner.write(async (tx) => {
      await assertShardLease(this.runner, tx, shardId, rangeId, 'share');
      if (mode === 'update-current') {
        const current = await this.lockCurrent(tx, shardId, mutation);
        if (current?.runId !== mutation.runId) {
          throw new CurrentWorkflowConditionFailedError(
            `run ${mutation.runId} is not the current run of ${mutation.workflowId} (current: ${current?.runId ?? 'none'})`,
            current,
          );
        }
      } else if (mode === 'bypass-current') {
        await this.assertNotCurrent(tx, shardId, mutation, newSnapshot);
      }
      await this.applyMutation(tx, shardId, mutation);
      if (newSnapshot) await this.insertSnapshot(tx, shardId, newSnapshot);
      if (mode === 'update-current') await this.pointCurrentAt(tx, shardId, newSnapshot ?? mutation);
    });
  }

  async conflictResolveWorkflowExecution(request: ConflictResolveWorkflowExecutionRequest): Promise<void> {
    validateFencedRequest(request);
    validateSnapshot(request.resetSnapshot, 'resetSnapshot');
    requireSafeInteger(request.resetSnapshot.expectedDbRecordVersion, 'resetSnapshot.expectedDbRecordVersion', 0);
    if (request.newSnapshot !== undefined) validateSnapshot(request.newSnapshot, 'newSnapshot');
    if (request.currentMutation !== undefined) validateMutation(request.currentMutation, 'currentMutation');
    const { shardId, rangeId, mode, resetSnapshot, newSnapshot, currentMutation } = request;
    if (mode !== 'update-current' && mode !== 'bypass-current') throw new InvalidPersistenceRequestError(`unknown conflict-resolve mode ${String(mode)}`);
    for (const other of [newSnapshot, currentMutation]) {
      if (other && (other.namespaceId !== resetSnapshot.namespaceId || other.workflowId !== resetSnapshot.workflowId)) {
        throw new InvalidPersistenceRequestError('all runs of a conflict resolution must belong to the same workflow');
      }
    }
    await this.runner.write(async (tx) => {
      await assertShardLease(this.runner, tx, shardId, rangeId, 'share');
      if (mode === 'update-current') {
        const expectedCurrent = currentMutation?.runId ?? resetSnapshot.runId;
        const current = await this.lockCurrent(tx, shardId, resetSnapshot);
        if (current?.runId !== expectedCurrent) {
          throw new CurrentWorkflowConditionFailedError(
            `run ${expectedCurrent} is not the current run of ${resetSnapshot.workflowId} (current: ${current?.runId ?? 'none'})`,
            current,
          );
        }
      } else {
        await this.assertNotCurrent(tx, shardId, resetSnapshot, newSnapshot);
      }
      await this.checkRecordVersion(tx, shardId, resetSnapshot, resetSnapshot.expectedDbRecordVersion);
      await this.writeExecutionRow(tx, shardId, resetSnapshot, 'update');
      await deleteRunSubRecords(tx, shardId, resetSnapshot);
      await this.insertSubRecords(tx, shardId, resetSnapshot);
      if (currentMutation) await this.applyMutation(tx, shardId, currentMutation);
      if (newSnapshot) await this.insertSnapshot(tx, shardId, newSnapshot);
      if (mode === 'update-current') await this.pointCurrentAt(tx, shardId, newSnapshot ?? resetSnapshot);
    });
  }

  async getWorkflowExecution(shardId: number, key: WorkflowKey): Promise<WorkflowMutableState> {
    requireShardId(shardId);
    validateWorkflowKey(key);
    return this.runner.read(async (tx) => {
      const row = await tx
        .selectFrom('executions')
        .selectAll()
        .where('shard_id', '=', shardId)
        .where('namespace_id', '=', key.namespaceId)
        .where('workflow_id', '=', key.workflowId)
        .where('run_id', '=', key.runId)
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`workflow execution ${key.namespaceId}/${key.workflowId}/${key.runId} not found in shard ${shardId}`);
      return {
        ...toExecutionRow(row),
        activityInfos: await readBlobMap(tx, ACTIVITY_INFOS, shardId, key),
        timerInfos: await readBlobMap(tx, TIMER_INFOS, shardId, key),
        childExecutionInfos: await readBlobMap(tx, CHILD_EXECUTION_INFOS, shardId, key),
        requestCancelInfos: await readBlobMap(tx, REQUEST_CANCEL_INFOS, shardId, key),
        signalInfos: await readBlobMap(tx, SIGNAL_INFOS, shardId, key),
        signalRequestedIds: await readSignalRequestedIds(tx, shardId, key),
        bufferedEvents: await readBufferedEvents(tx, shardId, key),
      };
    });
  }

  async getCurrentExecution(shardId: number, namespaceId: string, workflowId: string): Promise<CurrentExecution> {
    requireShardId(shardId);
    requireId(namespaceId, 'namespaceId');
    requireName(workflowId, 'workflowId');
    const row = await this.runner.run((db) => this.currentQuery(db, shardId, { namespaceId, workflowId }).executeTakeFirst());
    if (!row) throw new NotFoundError(`workflow ${namespaceId}/${workflowId} has no current run in shard ${shardId}`);
    return { namespaceId, workflowId, ...toCurrentRun(row) };
  }

  async deleteWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void> {
    requireShardId(shardId);
    validateWorkflowKey(key);
    await this.runner.write(async (tx) => {
      await tx
        .deleteFrom('executions')
        .where('shard_id', '=', shardId)
        .where('namespace_id', '=', key.namespaceId)
        .where('workflow_id', '=', key.workflowId)
        .where('run_id', '=', key.runId)
        .execute();
      await deleteRunSubRecords(tx, shardId, key);
    });
  }

  async deleteCurrentWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void> {
    requireShardId(shardId);
    validateWorkflowKey(key);
    await this.runner.run((db) =>
      db
        .deleteFrom('current_executions')
        .where('shard_id', '=', shardId)
        .where('namespace_id', '=', key.namespaceId)
        .where('workflow_id', '=', key.workflowId)
        .where('run_id', '=', key.runId)
        .execute(),
    );
  }

  async listConcreteExecutions(shardId: number, page: PageRequest): Promise<Page<ExecutionRow>> {
    requireShardId(shardId);
    requireObject(page, 'page');
    const limit = fetchSize(page);
    const cursor = decodeCursor(page.nextPageToken, ['string', 'string', 'string']);
    const rows = await this.runner.run((db) => {
      let q = db
        .selectFrom('executions')
        .selectAll()
        .where('shard_id', '=', shardId)
        .orderBy('namespace_id')
        .orderBy('workflow_id')
        .orderBy('run_id')
        .limit(limit);
      if (cursor) q = q.where(keysetAfter([{ column: 'namespace_id' }, { column: 'workflow_id' }, { column: 'run_id' }], cursor));
      return q.execute();
    });
    return toPage(rows, page.pageSize, toExecutionRow, (r) => [r.namespace_id, r.workflow_id, r.run_id]);
  }

  async addHistoryTasks(request: AddHistoryTasksRequest): Promise<void> {
    validateFencedRequest(request);
    validateHistoryTasks(request.tasks);
    const { shardId, rangeId, tasks } = request;
    await this.runner.write(async (tx) => {
      await assertShardLease(this.runner, tx, shardId, rangeId, 'share');
      await insertHistoryTasks(tx, shardId, tasks);
    });
  }

  getHistoryTasks(request: GetHistoryTasksRequest): Promise<Page<StoredHistoryTask>> {
    return getHistoryTasks(this.runner, request);
  }

  completeHistoryTask(shardId: number, category: TaskCategory, key: TaskKey): Promise<void> {
    return completeHistoryTask(this.runner, shardId, category, key);
  }

  rangeCompleteHistoryTasks(shardId: number, category: TaskCategory, inclusiveMin: TaskKey, exclusiveMax: TaskKey): Promise<void> {
    return rangeCompleteHistoryTasks(this.runner, shardId, category, inclusiveMin, exclusiveMax);
  }

  private currentQuery(db: Db, shardId: number, key: Pick<WorkflowKey, 'namespaceId' | 'workflowId'>) {
    return db
      .selectFrom('current_executions')
      .selectAll()
      .where('shard_id', '=', shardId)
      .where('namespace_id', '=', key.namespaceId)
      .where('workflow_id', '=', key.workflowId);
  }

  private async lockCurrent(tx: Db, shardId: number, key: WorkflowKey): Promise<CurrentRow | undefined> {
    const row = await this.runner.dialect.lockRows(this.currentQuery(tx, shardId, key), 'update').executeTakeFirst();
    return row ? toCurrentRun(row) : undefined;
  }

  /** bypass-current writes must not touch the current run: neither run named may be it. */
  private async assertNotCurrent(tx: Db, shardId: number, key: WorkflowKey, other: WorkflowKey | undefined): Promise<void> {
    const current = await this.lockCurrent(tx, shardId, key);
    if (current && (current.runId === key.runId || current.runId === other?.runId)) {
      throw new CurrentWorkflowConditionFailedError(`run ${current.runId} is the current run of ${key.workflowId}; a bypass-current write may not change it`, current);
    }
  }

  private async checkRecordVersion(tx: Db, shardId: number, key: WorkflowKey, expected: number): Promise<void> {
    const row = await this.runner.dialect
      .lockRows(
        tx
          .selectFrom('executions')
          .select('db_record_version')
          .where('shard_id', '=', shardId)
          .where('namespace_id', '=', key.namespaceId)
          .where('workflow_id', '=', key.workflowId)
          .where('run_id', '=', key.runId),
        'update',
      )
      .executeTakeFirst();
    const actual = row ? int(row.db_record_version, 'db_record_version') : undefined;
    if (actual !== expected) {
      throw new WorkflowConditionFailedError(
        `run ${key.runId} is at dbRecordVersion ${actual ?? '(no such run)'}, expected ${expected}`,
        expected,
        actual,
      );
    }
  }

  private async applyMutation(tx: Db, shardId: number, m: WorkflowMutation): Promise<void> {
    await this.checkRecordVersion(tx, shardId, m, m.expectedDbRecordVersion);
    await this.writeExecutionRow(tx, shardId, m, 'update');
    const dialect = this.runner.dialect;
    await deleteBlobMapKeys(tx, ACTIVITY_INFOS, shardId, m, m.deleteActivityInfos);
    await upsertBlobMap(tx, dialect, ACTIVITY_INFOS, shardId, m, m.upsertActivityInfos);
    await deleteBlobMapKeys(tx, TIMER_INFOS, shardId, m, m.deleteTimerInfos);
    await upsertBlobMap(tx, dialect, TIMER_INFOS, shardId, m, m.upsertTimerInfos);
    await deleteBlobMapKeys(tx, CHILD_EXECUTION_INFOS, shardId, m, m.deleteChildExecutionInfos);
    await upsertBlobMap(tx, dialect, CHILD_EXECUTION_INFOS, shardId, m, m.upsertChildExecutionInfos);
    await deleteBlobMapKeys(tx, REQUEST_CANCEL_INFOS, shardId, m, m.deleteRequestCancelInfos);
    await upsertBlobMap(tx, dialect, REQUEST_CANCEL_INFOS, shardId, m, m.upsertRequestCancelInfos);
    await deleteBlobMapKeys(tx, SIGNAL_INFOS, shardId, m, m.deleteSignalInfos);
    await upsertBlobMap(tx, dialect, SIGNAL_INFOS, shardId, m, m.upsertSignalInfos);
    await deleteSignalRequestedIds(tx, shardId, m, m.deleteSignalRequestedIds);
    await insertSignalRequestedIds(tx, dialect, shardId, m, m.upsertSignalRequestedIds);
    if (m.clearBufferedEvents) await deleteRunSubRecords(tx, shardId, m, ['buffered_events']);
    if (m.newBufferedEvents) await appendBufferedEvents(tx, shardId, m, m.newBufferedEvents);
    await insertHistoryTasks(tx, shardId, m.tasks);
  }

  /** A brand-new run: the row must not exist yet (WorkflowConditionFailedError otherwise). */
  private async insertSnapshot(tx: Db, shardId: number, s: WorkflowSnapshot): Promise<void> {
    const existing = await this.runner.dialect
      .lockRows(
        tx
          .selectFrom('executions')
          .select('db_record_version')
          .where('shard_id', '=', shardId)
          .where('namespace_id', '=', s.namespaceId)
          .where('workflow_id', '=', s.workflowId)
          .where('run_id', '=', s.runId),
        'update',
      )
      .executeTakeFirst();
    if (existing) {
      const actual = int(existing.db_record_version, 'db_record_version');
      throw new WorkflowConditionFailedError(`run ${s.runId} of ${s.workflowId} already exists`, 0, actual);
    }
    try {
      await this.writeExecutionRow(tx, shardId, s, 'insert');
    } catch (err) {
      // Another writer inserted the same run after our check: re-run, and the check will see it.
      if (this.runner.isDuplicateKey(err)) throw new TransactionConflict(err);
      throw err;
    }
    await this.insertSubRecords(tx, shardId, s);
  }

  private async insertSubRecords(tx: Db, shardId: number, s: WorkflowSnapshot): Promise<void> {
    const dialect = this.runner.dialect;
    await upsertBlobMap(tx, dialect, ACTIVITY_INFOS, shardId, s, s.activityInfos);
    await upsertBlobMap(tx, dialect, TIMER_INFOS, shardId, s, s.timerInfos);
    await upsertBlobMap(tx, dialect, CHILD_EXECUTION_INFOS, shardId, s, s.childExecutionInfos);
    await upsertBlobMap(tx, dialect, REQUEST_CANCEL_INFOS, shardId, s, s.requestCancelInfos);
    await upsertBlobMap(tx, dialect, SIGNAL_INFOS, shardId, s, s.signalInfos);
    await insertSignalRequestedIds(tx, dialect, shardId, s, s.signalRequestedIds);
    await insertHistoryTasks(tx, shardId, s.tasks);
  }

  private async writeExecutionRow(tx: Db, shardId: number, r: ExecutionRow, how: 'insert' | 'update'): Promise<void> {
    const columns = {
      state: r.state,
      status: r.status,
      next_event_id: r.nextEventId,
      last_write_version: r.lastWriteVersion,
      start_version: r.startVersion,
      create_request_id: r.createRequestId,
      db_record_version: r.dbRecordVersion,
      execution_info: bindBytes(r.executionInfo.data),
      execution_info_encoding: r.executionInfo.encoding,
      execution_state: bindBytes(r.executionState.data),
      execution_state_encoding: r.executionState.encoding,
      checksum: r.checksum ? bindBytes(r.checksum.data) : null,
      checksum_encoding: r.checksum ? r.checksum.encoding : null,
    };
    if (how === 'insert') {
      await tx
        .insertInto('executions')
        .values({ shard_id: shardId, namespace_id: r.namespaceId, workflow_id: r.workflowId, run_id: r.runId, ...columns })
        .execute();
      return;
    }
    await tx
      .updateTable('executions')
      .set(columns)
      .where('shard_id', '=', shardId)
      .where('namespace_id', '=', r.namespaceId)
      .where('workflow_id', '=', r.workflowId)
      .where('run_id', '=', r.runId)
      .execute();
  }

  private async insertCurrent(tx: Db, shardId: number, r: ExecutionRow): Promise<void> {
    try {
      await tx
        .insertInto('current_executions')
        .values({ shard_id: shardId, namespace_id: r.namespaceId, workflow_id: r.workflowId, ...currentColumns(r) })
        .execute();
    } catch (err) {
      // A concurrent brand-new create won the race; re-running reports its run as current.
      if (this.runner.isDuplicateKey(err)) throw new TransactionConflict(err);
      throw err;
    }
  }

  private async pointCurrentAt(tx: Db, shardId: number, r: ExecutionRow): Promise<void> {
    await tx
      .updateTable('current_executions')
      .set(currentColumns(r))
      .where('shard_id', '=', shardId)
      .where('namespace_id', '=', r.namespaceId)
      .where('workflow_id', '=', r.workflowId)
      .execute();
  }
}

function currentColumns(r: ExecutionRow) {
  return {
    run_id: r.runId,
    create_request_id: r.createRequestId,
    state: r.state,
    status: r.status,
    start_version: r.startVersion,
    last_write_version: r.lastWriteVersion,
  };
}

function toCurrentRun(row: Selectable<CurrentExecutionsTable>): CurrentRunSnapshot {
  return {
    runId: row.run_id,
    createRequestId: row.create_request_id,
    state: int(row.state, 'state'),
    status: int(row.status, 'status'),
    lastWriteVersion: int(row.last_write_version, 'last_write_version'),
    startVersion: int(row.start_version, 'start_version'),
  };
}

function toExecutionRow(row: Selectable<ExecutionsTable>): ExecutionRow {
  const base = {
    namespaceId: row.namespace_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    executionInfo: readBlob(row.execution_info, row.execution_info_encoding, 'execution_info'),
    executionState: readBlob(row.execution_state, row.execution_state_encoding, 'execution_state'),
    state: int(row.state, 'state') as ExecutionRow['state'],
    status: int(row.status, 'status') as ExecutionRow['status'],
    nextEventId: int(row.next_event_id, 'next_event_id'),
    lastWriteVersion: int(row.last_write_version, 'last_write_version'),
    startVersion: int(row.start_version, 'start_version'),
    createRequestId: row.create_request_id,
    dbRecordVersion: int(row.db_record_version, 'db_record_version'),
  };
  return row.checksum === null ? base : { ...base, checksum: readBlob(row.checksum, row.checksum_encoding, 'checksum') };
}
