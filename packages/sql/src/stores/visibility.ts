import { sql } from 'kysely';
import type { RawBuilder, Selectable, SqlBool } from 'kysely';
import { NotFoundError, WorkflowExecutionStatus, requireBlob, requireSafeInteger, workflowExecutionStatusNames } from '@hourglass/core';
import type {
  CountWorkflowExecutionsRequest,
  CountWorkflowExecutionsResponse,
  ListWorkflowExecutionsRequest,
  Page,
  VisibilityFilter,
  VisibilityRecord,
  VisibilityQuery,
  VisibilityStore,
} from '@hourglass/core';
import type { DialectBehaviour } from '../dialects/dialect.js';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import { decodeCursor, fetchSize, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import type { ExecutionsVisibilityTable } from '../tables.js';
import { optionalText, requireId, requireName, requireObject, MAX_ID_LENGTH, MAX_NAME_LENGTH } from '../validate.js';
import { bindBytes, int, optionalInt, readBlob } from '../values.js';
import { decodeSearchAttributes, encodeSearchAttributes, validateSearchAttributes } from './search-attributes.js';
import { queryCondition } from './visibility-query.js';

const RUNNING = WorkflowExecutionStatus.Running;

/**
 * Visibility records in `executions_visibility`, one row per run. Lists are ordered open runs
 * first, then newest start time, then run id, and paged by keyset on exactly that order.
 */
export class SqlVisibilityStore implements VisibilityStore {
  constructor(private readonly runner: SqlRunner) {}

  async recordWorkflowExecutionStarted(record: VisibilityRecord): Promise<void> {
    validateRecord(record);
    // A start never overwrites: a start task delivered after the close must not reopen the run.
    await this.runner.run((db) =>
      db.insertInto('executions_visibility').values(toRow(record)).modifyEnd(this.runner.dialect.insertIgnoreClause(['namespace_id', 'run_id'])).execute(),
    );
  }

  async recordWorkflowExecutionClosed(record: VisibilityRecord): Promise<void> {
    validateRecord(record);
    await this.replace(record);
  }

  async upsertWorkflowExecution(record: VisibilityRecord): Promise<void> {
    validateRecord(record);
    await this.replace(record);
  }

  async deleteWorkflowExecution(namespaceId: string, runId: string): Promise<void> {
    requireId(namespaceId, 'namespaceId');
    requireId(runId, 'runId');
    await this.runner.run((db) => db.deleteFrom('executions_visibility').where('namespace_id', '=', namespaceId).where('run_id', '=', runId).execute());
  }

  async getWorkflowExecution(namespaceId: string, runId: string): Promise<VisibilityRecord> {
    requireId(namespaceId, 'namespaceId');
    requireId(runId, 'runId');
    const row = await this.runner.run((db) =>
      db.selectFrom('executions_visibility').selectAll().where('namespace_id', '=', namespaceId).where('run_id', '=', runId).executeTakeFirst(),
    );
    if (!row) throw new NotFoundError(`visibility record of run ${runId} in namespace ${namespaceId} not found`);
    return toRecord(row);
  }

  async listWorkflowExecutions(request: ListWorkflowExecutionsRequest): Promise<Page<VisibilityRecord>> {
    requireObject(request, 'request');
    requireId(request.namespaceId, 'namespaceId');
    validateFilter(request.filter);
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['number', 'number', 'string']);
    if (cursor && cursor[0] !== 0 && cursor[0] !== 1) throw new InvalidPersistenceRequestError('malformed next page token');
    if (matchesNothing(request.filter)) return { items: [] };
    const rows = await this.runner.run((db) => {
      let q = filtered(db, this.runner.dialect, request.namespaceId, request.filter)
        .selectAll()
        .orderBy(openRank(), 'asc')
        .orderBy('start_time', 'desc')
        .orderBy('run_id', 'asc')
        .limit(limit);
      if (cursor) q = q.where(afterCursor(cursor));
      return q.execute();
    });
    return toPage(rows, request.pageSize, toRecord, (r) => [int(r.status, 'status') === RUNNING ? 0 : 1, int(r.start_time, 'start_time'), r.run_id]);
  }

  async countWorkflowExecutions(request: CountWorkflowExecutionsRequest): Promise<CountWorkflowExecutionsResponse> {
    requireObject(request, 'request');
    requireId(request.namespaceId, 'namespaceId');
    validateFilter(request.filter);
    if (request.groupByStatus !== undefined && typeof request.groupByStatus !== 'boolean') {
      throw new InvalidPersistenceRequestError('groupByStatus must be a boolean');
    }
    const grouped = request.groupByStatus === true;
    if (matchesNothing(request.filter)) return grouped ? { count: 0, groups: [] } : { count: 0 };
    if (!grouped) {
      const row = await this.runner.run((db) =>
        filtered(db, this.runner.dialect, request.namespaceId, request.filter)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow(),
      );
      return { count: int(row.n, 'count') };
    }
    const rows = await this.runner.run((db) =>
      filtered(db, this.runner.dialect, request.namespaceId, request.filter)
        .select((eb) => ['status', eb.fn.countAll().as('n')])
        .groupBy('status')
        .orderBy('status')
        .execute(),
    );
    const groups = rows.map((r) => ({ status: int(r.status, 'status') as WorkflowExecutionStatus, count: int(r.n, 'count') }));
    return { count: groups.reduce((sum, g) => sum + g.count, 0), groups };
  }

  private async replace(record: VisibilityRecord): Promise<void> {
    const row = toRow(record);
    const { namespace_id: _ns, run_id: _run, ...updates } = row;
    await this.runner.run((db) =>
      db.insertInto('executions_visibility').values(row).modifyEnd(this.runner.dialect.upsertClause(['namespace_id', 'run_id'], Object.keys(updates))).execute(),
    );
  }
}

function filtered(db: Db, dialect: DialectBehaviour, namespaceId: string, filter: VisibilityFilter | undefined) {
  let q = db.selectFrom('executions_visibility').where('namespace_id', '=', namespaceId);
  if (filter === undefined) return q;
  if (filter.query !== undefined) {
    // Ignoring a query would return runs it excludes, so a dialect without the translation refuses it.
    if (dialect.searchAttributes === undefined) {
      throw new InvalidPersistenceRequestError(`the ${dialect.name} visibility store does not evaluate list-filter queries yet`);
    }
    const condition = queryCondition(filter.query, dialect.searchAttributes);
    if (condition !== undefined) q = q.where(condition);
  }
  if (filter.statuses !== undefined) q = q.where('status', 'in', [...filter.statuses]);
  if (filter.workflowTypeName !== undefined) q = q.where('workflow_type_name', '=', filter.workflowTypeName);
  if (filter.workflowId !== undefined) q = q.where('workflow_id', '=', filter.workflowId);
  if (filter.startTimeFrom !== undefined) q = q.where('start_time', '>=', filter.startTimeFrom);
  if (filter.startTimeTo !== undefined) q = q.where('start_time', '<', filter.startTimeTo);
  // Open runs have no close time, so any close-time bound leaves them out.
  if (filter.closeTimeFrom !== undefined) q = q.where('close_time', '>=', filter.closeTimeFrom);
  if (filter.closeTimeTo !== undefined) q = q.where('close_time', '<', filter.closeTimeTo);
  return q;
}

/** `status IN ()` is not valid SQL; an empty status list simply selects no run. */
function matchesNothing(filter: VisibilityFilter | undefined): boolean {
  return filter?.statuses !== undefined && filter.statuses.length === 0;
}

/** 0 for open runs, 1 for closed ones: the first sort key of a list. */
function openRank(): RawBuilder<number> {
  return sql<number>`(case when status = ${sql.lit(RUNNING)} then 0 else 1 end)`;
}

/** Rows strictly after (rank, startTime, runId) in the order rank asc, start_time desc, run_id asc. */
function afterCursor([rank, startTime, runId]: [number, number, string]): RawBuilder<SqlBool> {
  const r = openRank();
  return sql<SqlBool>`(${r} > ${rank}
    or (${r} = ${rank} and start_time < ${startTime})
    or (${r} = ${rank} and start_time = ${startTime} and run_id > ${runId}))`;
}

function validateFilter(filter: unknown): asserts filter is VisibilityFilter | undefined {
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

function validateRecord(record: unknown): asserts record is VisibilityRecord {
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

function toRow(r: VisibilityRecord) {
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

function toRecord(row: Selectable<ExecutionsVisibilityTable>): VisibilityRecord {
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
