import { InvalidPersistenceRequestError, NotFoundError, WorkflowState, requireBlob, requireNonEmpty, requireSafeInteger, requireShardId } from '@hourglass/core';
import type {
  AddHistoryTasksRequest,
  ConflictResolveWorkflowExecutionRequest,
  CreateWorkflowExecutionRequest,
  CurrentExecution,
  ExecutionRow,
  ExecutionStore,
  GetHistoryTasksRequest,
  HistoryTask,
  Page,
  PageRequest,
  StoredHistoryTask,
  TaskCategory,
  TaskKey,
  UpdateWorkflowExecutionRequest,
  WorkflowKey,
  WorkflowMutableState,
  WorkflowMutation,
} from '@hourglass/core';
import { pageOf, readCursor } from '../paging.js';
import type { CqlSession, CqlStatement } from '../session.js';
import type { Expectation } from './execution-conditions.js';
import { currentIs, currentIsClosedRun, currentIsNot, explainNotApplied, noCurrentRun, runAbsent, runAtVersion, shardOwned } from './execution-conditions.js';
import {
  LISTING_COLUMNS,
  STATE_COLUMNS,
  currentExecutionOf,
  currentIsNotStatement,
  executionRowOf,
  insertCurrentStatement,
  insertRunStatement,
  insertTaskStatement,
  moveCurrentStatement,
  mutableStateOf,
  mutationStatements,
  resetRunStatement,
} from './execution-rows.js';
import { completeHistoryTask, getHistoryTasks, rangeCompleteHistoryTasks, validateTask } from './history-tasks.js';
import { fenceStatement } from './shard.js';
import { CURRENT_KEY, EXECUTION_KEY } from './shard-rows.js';

function validateKey(k: WorkflowKey): void {
  requireNonEmpty(k.namespaceId, 'namespaceId');
  requireNonEmpty(k.workflowId, 'workflowId');
  requireNonEmpty(k.runId, 'runId');
}

function validateRow(row: ExecutionRow): void {
  validateKey(row);
  requireBlob(row.executionInfo, 'executionInfo');
  requireBlob(row.executionState, 'executionState');
  if (row.checksum !== undefined) requireBlob(row.checksum, 'checksum');
  requireSafeInteger(row.state, 'state', 0);
  requireSafeInteger(row.status, 'status', 0);
  requireSafeInteger(row.nextEventId, 'nextEventId');
  requireSafeInteger(row.lastWriteVersion, 'lastWriteVersion');
  requireSafeInteger(row.startVersion, 'startVersion');
  requireSafeInteger(row.dbRecordVersion, 'dbRecordVersion', 0);
  if (typeof row.createRequestId !== 'string') throw new InvalidPersistenceRequestError('createRequestId must be a string');
}

function validateTasks(tasks: readonly HistoryTask[]): void {
  for (const task of tasks) validateTask(task);
}

function validateMutation(m: WorkflowMutation): void {
  validateRow(m);
  requireSafeInteger(m.expectedDbRecordVersion, 'expectedDbRecordVersion', 0);
  if (m.newBufferedEvents !== undefined) requireBlob(m.newBufferedEvents, 'newBufferedEvents');
  validateTasks(m.tasks);
}

function fenced(request: { shardId: number; rangeId: number }): { statements: CqlStatement[]; expectations: Expectation[] } {
  requireShardId(request.shardId);
  requireSafeInteger(request.rangeId, 'rangeId', 0);
  return { statements: [fenceStatement(request.shardId, request.rangeId)], expectations: [shardOwned(request.shardId, request.rangeId)] };
}

/**
 * Executions, current rows and history tasks of a shard share the shard's partition, so every
 * write below is one conditional batch: the shard's rangeId fence plus the run and current-row
 * conditions, all applied or none.
 */
export class CassandraExecutionStore implements ExecutionStore {
  constructor(private readonly session: CqlSession) {}

  private async write(operation: string, statements: readonly CqlStatement[], expectations: readonly Expectation[]): Promise<void> {
    const result = await this.session.batch(statements, operation);
    if (!result.applied) throw explainNotApplied(expectations, result.rows, operation);
  }

  async createWorkflowExecution(request: CreateWorkflowExecutionRequest): Promise<void> {
    const { statements, expectations } = fenced(request);
    const { shardId, snapshot } = request;
    validateRow(snapshot);
    validateTasks(snapshot.tasks);
    switch (request.mode) {
      case 'brand-new':
        statements.push(insertCurrentStatement(shardId, snapshot));
        expectations.push(noCurrentRun(snapshot));
        break;
      case 'update-current': {
        requireNonEmpty(request.previousRunId, 'previousRunId');
        requireSafeInteger(request.previousLastWriteVersion, 'previousLastWriteVersion');
        const closedAt = { lastWriteVersion: request.previousLastWriteVersion, closedState: WorkflowState.Completed };
        statements.push(moveCurrentStatement(shardId, snapshot, request.previousRunId, closedAt));
        expectations.push(currentIsClosedRun(snapshot, request.previousRunId, request.previousLastWriteVersion));
        break;
      }
      case 'bypass-current':
        break;
    }
    statements.push(insertRunStatement(shardId, snapshot), ...snapshot.tasks.map((t) => insertTaskStatement(shardId, t)));
    expectations.push(runAbsent(snapshot));
    await this.write('createWorkflowExecution', statements, expectations);
  }

  async updateWorkflowExecution(request: UpdateWorkflowExecutionRequest): Promise<void> {
    const { statements, expectations } = fenced(request);
    const { shardId, mutation, newSnapshot } = request;
    validateMutation(mutation);
    statements.push(...mutationStatements(shardId, mutation), ...mutation.tasks.map((t) => insertTaskStatement(shardId, t)));
    expectations.push(runAtVersion(mutation, mutation.expectedDbRecordVersion));
    switch (request.mode) {
      case 'update-current':
        statements.push(moveCurrentStatement(shardId, newSnapshot ?? mutation, mutation.runId));
        expectations.push(currentIs(mutation));
        break;
      case 'bypass-current':
        statements.push(currentIsNotStatement(shardId, mutation));
        expectations.push(currentIsNot(mutation));
        break;
      case 'ignore-current':
        break;
    }
    if (newSnapshot !== undefined) {
      validateRow(newSnapshot);
      validateTasks(newSnapshot.tasks);
      statements.push(insertRunStatement(shardId, newSnapshot), ...newSnapshot.tasks.map((t) => insertTaskStatement(shardId, t)));
      expectations.push(runAbsent(newSnapshot));
    }
    await this.write('updateWorkflowExecution', statements, expectations);
  }

  async conflictResolveWorkflowExecution(request: ConflictResolveWorkflowExecutionRequest): Promise<void> {
    const { statements, expectations } = fenced(request);
    const { shardId, resetSnapshot, currentMutation, newSnapshot } = request;
    validateRow(resetSnapshot);
    validateTasks(resetSnapshot.tasks);
    requireSafeInteger(resetSnapshot.expectedDbRecordVersion, 'expectedDbRecordVersion', 0);
    statements.push(resetRunStatement(shardId, resetSnapshot, resetSnapshot.expectedDbRecordVersion), ...resetSnapshot.tasks.map((t) => insertTaskStatement(shardId, t)));
    expectations.push(runAtVersion(resetSnapshot, resetSnapshot.expectedDbRecordVersion));
    if (currentMutation !== undefined) {
      validateMutation(currentMutation);
      statements.push(...mutationStatements(shardId, currentMutation), ...currentMutation.tasks.map((t) => insertTaskStatement(shardId, t)));
      expectations.push(runAtVersion(currentMutation, currentMutation.expectedDbRecordVersion));
    }
    if (request.mode === 'update-current') {
      const current = currentMutation ?? resetSnapshot;
      statements.push(moveCurrentStatement(shardId, newSnapshot ?? resetSnapshot, current.runId));
      expectations.push(currentIs(current));
    } else {
      statements.push(currentIsNotStatement(shardId, resetSnapshot));
      expectations.push(currentIsNot(resetSnapshot));
    }
    if (newSnapshot !== undefined) {
      validateRow(newSnapshot);
      validateTasks(newSnapshot.tasks);
      statements.push(insertRunStatement(shardId, newSnapshot), ...newSnapshot.tasks.map((t) => insertTaskStatement(shardId, t)));
      expectations.push(runAbsent(newSnapshot));
    }
    await this.write('conflictResolveWorkflowExecution', statements, expectations);
  }

  async getWorkflowExecution(shardId: number, key: WorkflowKey): Promise<WorkflowMutableState> {
    requireShardId(shardId);
    validateKey(key);
    const rs = await this.session.execute(`SELECT ${STATE_COLUMNS} FROM executions WHERE ${EXECUTION_KEY}`, [shardId, key.namespaceId, key.workflowId, key.runId], 'getWorkflowExecution');
    const row = rs.first();
    if (row === null || row.get('db_record_version') === null) throw new NotFoundError(`run ${key.runId} not found`);
    return mutableStateOf(row);
  }

  async getCurrentExecution(shardId: number, namespaceId: string, workflowId: string): Promise<CurrentExecution> {
    requireShardId(shardId);
    requireNonEmpty(namespaceId, 'namespaceId');
    requireNonEmpty(workflowId, 'workflowId');
    const rs = await this.session.execute(
      `SELECT namespace_id, workflow_id, current_run_id, create_request_id, state, status, last_write_version, start_version FROM executions WHERE ${CURRENT_KEY}`,
      [shardId, namespaceId, workflowId],
      'getCurrentExecution',
    );
    const row = rs.first();
    if (row === null || row.get('current_run_id') === null) throw new NotFoundError(`workflow ${workflowId} has no current run`);
    return currentExecutionOf(row);
  }

  async deleteWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void> {
    requireShardId(shardId);
    validateKey(key);
    await this.session.execute(`DELETE FROM executions WHERE ${EXECUTION_KEY}`, [shardId, key.namespaceId, key.workflowId, key.runId], 'deleteWorkflowExecution');
  }

  async deleteCurrentWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void> {
    requireShardId(shardId);
    validateKey(key);
    await this.session.conditional(`DELETE FROM executions WHERE ${CURRENT_KEY} IF current_run_id = ?`, [shardId, key.namespaceId, key.workflowId, key.runId], 'deleteCurrentWorkflowExecution');
  }

  async listConcreteExecutions(shardId: number, page: PageRequest): Promise<Page<ExecutionRow>> {
    requireShardId(shardId);
    const cursor = readCursor<[string, string, string]>(page, ['string', 'string', 'string']);
    const rs = await this.session.execute(
      `SELECT ${LISTING_COLUMNS} FROM executions WHERE shard_id = ? AND row_type = 1 AND category_id = 0${cursor === undefined ? '' : ' AND (namespace_id, workflow_id, run_id) > (?, ?, ?)'} LIMIT ?`,
      [shardId, ...(cursor ?? []), page.pageSize + 1],
      'listConcreteExecutions',
    );
    return pageOf(rs.rows.map(executionRowOf), page.pageSize, (r) => [r.namespaceId, r.workflowId, r.runId]);
  }

  async addHistoryTasks(request: AddHistoryTasksRequest): Promise<void> {
    const { statements, expectations } = fenced(request);
    validateTasks(request.tasks);
    statements.push(...request.tasks.map((t) => insertTaskStatement(request.shardId, t)));
    await this.write('addHistoryTasks', statements, expectations);
  }

  getHistoryTasks(request: GetHistoryTasksRequest): Promise<Page<StoredHistoryTask>> {
    return getHistoryTasks(this.session, request);
  }

  completeHistoryTask(shardId: number, category: TaskCategory, key: TaskKey): Promise<void> {
    return completeHistoryTask(this.session, shardId, category, key);
  }

  rangeCompleteHistoryTasks(shardId: number, category: TaskCategory, inclusiveMin: TaskKey, exclusiveMax: TaskKey): Promise<void> {
    return rangeCompleteHistoryTasks(this.session, shardId, category, inclusiveMin, exclusiveMax);
  }
}
