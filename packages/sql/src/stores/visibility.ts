import { sql } from 'kysely';
import type { RawBuilder, Selectable, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError, NotFoundError, WorkflowExecutionStatus } from '@hourglass/core';
import type {
  CountWorkflowExecutionsRequest,
  CountWorkflowExecutionsResponse,
  CustomSearchAttributes,
  ListWorkflowExecutionsRequest,
  Page,
  VisibilityFilter,
  VisibilityRecord,
  VisibilityStore,
} from '@hourglass/core';
import { readInnodbFullTextSettings, visibilityDialect } from '../dialects/visibility-dialect.js';
import type { VisibilityDialect } from '../dialects/visibility-dialect.js';
import { decodeCursor, fetchSize, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import type { ExecutionsVisibilityTable } from '../tables.js';
import { requireId, requireObject } from '../validate.js';
import { int } from '../values.js';
import { attributeRows, deleteAttributeRows, writeAttributeRows } from './visibility-attribute-rows.js';
import { toRecord, toRow, validateFilter, validateRecord } from './visibility-records.js';
import { queryCondition } from './visibility-query.js';
import { SearchAttributeRegistry } from './visibility-registry.js';
import { decodeSearchAttributes } from './search-attributes.js';
import { withVisibilityTables } from './visibility-tables.js';

const RUNNING = WorkflowExecutionStatus.Running;

/** The first sort key of a list, also the first element of its page cursor. */
const OPEN = 0;
const CLOSED = 1;

/**
 * Visibility records in `executions_visibility`, one row per run, with their search attributes
 * also written typed and indexed (schema v1.2) for list-filter queries. Lists are ordered open
 * runs first, then newest start time, then run id, and paged by keyset on exactly that order.
 */
export class SqlVisibilityStore implements VisibilityStore {
  /** For writes, which need no server settings. */
  private readonly text: VisibilityDialect;
  /** For queries: on MySQL/MariaDB it depends on the server's full-text settings, read on first use. */
  private queryDialect: Promise<VisibilityDialect> | undefined;
  private readonly registry: SearchAttributeRegistry;
  private readonly sqlite: boolean;

  constructor(private readonly runner: SqlRunner) {
    this.text = visibilityDialect(runner.dialect.name);
    this.registry = new SearchAttributeRegistry(runner);
    this.sqlite = runner.dialect.name === 'sqlite';
  }

  async recordWorkflowExecutionStarted(record: VisibilityRecord): Promise<void> {
    validateRecord(record);
    await this.runner.write(async (tx) => {
      // A start never overwrites: a start task delivered after the close must not reopen the run.
      await tx.insertInto('executions_visibility').values(toRow(record)).modifyEnd(this.runner.dialect.insertIgnoreClause(['namespace_id', 'run_id'])).execute();
      // Whichever write won, the indexed attributes follow the row as it now stands (read under its lock).
      const row = await this.runner.dialect
        .lockRows(tx.selectFrom('executions_visibility').select('search_attributes').where('namespace_id', '=', record.namespaceId).where('run_id', '=', record.runId), 'update')
        .executeTakeFirstOrThrow();
      const attributes = decodeSearchAttributes(row.search_attributes, `executions_visibility ${record.namespaceId}/${record.runId}`);
      await writeAttributeRows(withVisibilityTables(tx), record.namespaceId, record.runId, attributeRows(record.namespaceId, record.runId, attributes, this.text), this.sqlite);
    });
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
    await this.runner.write(async (tx) => {
      await tx.deleteFrom('executions_visibility').where('namespace_id', '=', namespaceId).where('run_id', '=', runId).execute();
      await deleteAttributeRows(withVisibilityTables(tx), namespaceId, runId, this.sqlite);
    });
  }

  addSearchAttributes(namespaceId: string, attributes: CustomSearchAttributes): Promise<void> {
    return this.registry.add(namespaceId, attributes);
  }

  removeSearchAttributes(namespaceId: string, names: readonly string[]): Promise<void> {
    return this.registry.remove(namespaceId, names);
  }

  getSearchAttributes(namespaceId: string): Promise<CustomSearchAttributes> {
    return this.registry.get(namespaceId);
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
    const query = await this.queryConditionOf(request.namespaceId, request.filter);
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['number', 'number', 'string']);
    if (cursor && cursor[0] !== 0 && cursor[0] !== 1) throw new InvalidPersistenceRequestError('malformed next page token');
    if (matchesNothing(request.filter)) return { items: [] };
    // Open runs, then closed ones, each read newest first: two index-ordered scans instead of
    // sorting the whole namespace by an open/closed rank on every page.
    const rows = await this.runner.read(async (tx) => {
      const page: Selectable<ExecutionsVisibilityTable>[] = [];
      for (const rank of [OPEN, CLOSED]) {
        if (cursor !== undefined && cursor[0] > rank) continue;
        const after = cursor !== undefined && cursor[0] === rank ? cursor : undefined;
        let q = filtered(tx, request.namespaceId, request.filter, query)
          .selectAll()
          .where('status', rank === OPEN ? '=' : '<>', RUNNING)
          .orderBy('start_time', 'desc')
          .orderBy('run_id', 'asc')
          .limit(limit - page.length);
        if (after !== undefined) q = q.where(newerFirstAfter(after[1], after[2]));
        page.push(...(await q.execute()));
        if (page.length >= limit) break;
      }
      return page;
    });
    return toPage(rows, request.pageSize, toRecord, (r) => [int(r.status, 'status') === RUNNING ? OPEN : CLOSED, int(r.start_time, 'start_time'), r.run_id]);
  }

  async countWorkflowExecutions(request: CountWorkflowExecutionsRequest): Promise<CountWorkflowExecutionsResponse> {
    requireObject(request, 'request');
    requireId(request.namespaceId, 'namespaceId');
    validateFilter(request.filter);
    if (request.groupByStatus !== undefined && typeof request.groupByStatus !== 'boolean') {
      throw new InvalidPersistenceRequestError('groupByStatus must be a boolean');
    }
    const grouped = request.groupByStatus === true || groupsByStatus(request.filter);
    const query = await this.queryConditionOf(request.namespaceId, request.filter);
    if (matchesNothing(request.filter)) return grouped ? { count: 0, groups: [] } : { count: 0 };
    if (!grouped) {
      const row = await this.runner.run((db) =>
        filtered(db, request.namespaceId, request.filter, query)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow(),
      );
      return { count: int(row.n, 'count') };
    }
    const rows = await this.runner.run((db) =>
      filtered(db, request.namespaceId, request.filter, query)
        .select((eb) => ['status', eb.fn.countAll().as('n')])
        .groupBy('status')
        .orderBy('status')
        .execute(),
    );
    const groups = rows.map((r) => ({ status: int(r.status, 'status') as WorkflowExecutionStatus, count: int(r.n, 'count') }));
    return { count: groups.reduce((sum, g) => sum + g.count, 0), groups };
  }

  private async queryConditionOf(namespaceId: string, filter: VisibilityFilter | undefined): Promise<RawBuilder<SqlBool> | undefined> {
    if (filter?.query === undefined) return undefined;
    return queryCondition(filter.query, namespaceId, await this.dialectForQueries());
  }

  private dialectForQueries(): Promise<VisibilityDialect> {
    if (this.runner.dialect.name !== 'mysql') return Promise.resolve(this.text);
    this.queryDialect ??= this.runner.run((db) => readInnodbFullTextSettings(db)).then(
      (settings) => visibilityDialect('mysql', settings),
      (err: unknown) => {
        // Not cached: the next query tries again once the server answers.
        this.queryDialect = undefined;
        throw err;
      },
    );
    return this.queryDialect;
  }

  private async replace(record: VisibilityRecord): Promise<void> {
    const row = toRow(record);
    const { namespace_id: _ns, run_id: _run, ...updates } = row;
    const attributes = attributeRows(record.namespaceId, record.runId, record.searchAttributes, this.text);
    await this.runner.write(async (tx) => {
      // The upsert takes the run's row lock first, so concurrent writers of one run replace its attribute rows one after the other.
      await tx.insertInto('executions_visibility').values(row).modifyEnd(this.runner.dialect.upsertClause(['namespace_id', 'run_id'], Object.keys(updates))).execute();
      await writeAttributeRows(withVisibilityTables(tx), record.namespaceId, record.runId, attributes, this.sqlite);
    });
  }
}

function filtered(db: Db, namespaceId: string, filter: VisibilityFilter | undefined, query: RawBuilder<SqlBool> | undefined) {
  let q = db.selectFrom('executions_visibility').where('namespace_id', '=', namespaceId);
  if (query !== undefined) q = q.where(query);
  if (filter === undefined) return q;
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


/** `GROUP BY ExecutionStatus` in the query; the parser allows no other grouping, and neither does this store. */
function groupsByStatus(filter: VisibilityFilter | undefined): boolean {
  const groupBy = filter?.query?.groupBy ?? [];
  if (groupBy.length === 0) return false;
  if (groupBy.length > 1 || groupBy[0]?.name !== 'ExecutionStatus') {
    throw new InvalidPersistenceRequestError('the SQL visibility store can only group counts by ExecutionStatus');
  }
  return true;
}

/** `status IN ()` is not valid SQL; an empty status list simply selects no run. */
function matchesNothing(filter: VisibilityFilter | undefined): boolean {
  return filter?.statuses !== undefined && filter.statuses.length === 0;
}

/** Rows strictly after (startTime, runId) in the order start_time desc, run_id asc. */
function newerFirstAfter(startTime: number, runId: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(start_time < ${startTime} or (start_time = ${startTime} and run_id > ${runId}))`;
}
