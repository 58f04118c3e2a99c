import { ConditionFailedError, InvalidPersistenceRequestError, NotFoundError, requireBlob, requireSafeInteger } from '@hourglass/core';
import type {
  CompleteTasksLessThanRequest,
  CreateTaskQueueRequest,
  CreateTasksRequest,
  GetTasksRequest,
  MatchingTask,
  Page,
  PageRequest,
  TaskQueueKey,
  TaskQueueRecord,
  TaskQueueStore,
  TaskQueueType,
  UpdateTaskQueueRequest,
} from '@hourglass/core';
import type { Selectable } from 'kysely';
import type { RowLock } from '../dialects/dialect.js';
import { decodeCursor, fetchSize, keysetAfter, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import type { TaskQueuesTable } from '../tables.js';
import { requireId, requireName, requireObject } from '../validate.js';
import { bindBytes, int, optionalInt, readBlob } from '../values.js';

/** Rows per multi-row INSERT: well under every dialect's bound-parameter limit. */
const TASKS_PER_STATEMENT = 200;

/**
 * Matching task queues and their tasks. A queue's rangeId is the partition owner's lease:
 * lease changes are compare-and-set on it, and tasks are only written while it still holds.
 */
export class SqlTaskQueueStore implements TaskQueueStore {
  constructor(private readonly runner: SqlRunner) {}

  async createTaskQueue(request: CreateTaskQueueRequest): Promise<void> {
    validateQueueKey(request);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireBlob(request.info, 'info');
    // A concurrent or earlier create hits the primary key, which the runner reports as AlreadyExistsError.
    await this.runner.run((db) =>
      db
        .insertInto('task_queues')
        .values({
          namespace_id: request.namespaceId,
          name: request.name,
          task_type: request.taskType,
          range_id: request.rangeId,
          info: bindBytes(request.info.data),
          info_encoding: request.info.encoding,
        })
        .execute(),
    );
  }

  async getTaskQueue(key: TaskQueueKey): Promise<TaskQueueRecord> {
    validateQueueKey(key);
    const row = await this.runner.run((db) => queueQuery(db, key).selectAll().executeTakeFirst());
    if (!row) throw new NotFoundError(`task queue ${describe(key)} not found`);
    return toQueue(row);
  }

  async updateTaskQueue(request: UpdateTaskQueueRequest): Promise<void> {
    validateQueueKey(request);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireSafeInteger(request.previousRangeId, 'previousRangeId', 0);
    requireBlob(request.info, 'info');
    await this.runner.write(async (tx) => {
      await this.assertLease(tx, request, request.previousRangeId, 'update');
      await tx
        .updateTable('task_queues')
        .set({ range_id: request.rangeId, info: bindBytes(request.info.data), info_encoding: request.info.encoding })
        .where('namespace_id', '=', request.namespaceId)
        .where('name', '=', request.name)
        .where('task_type', '=', request.taskType)
        .execute();
    });
  }

  async listTaskQueues(request: PageRequest): Promise<Page<TaskQueueRecord>> {
    requireObject(request, 'request');
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['string', 'string', 'number']);
    const rows = await this.runner.run((db) => {
      let q = db.selectFrom('task_queues').selectAll().orderBy('namespace_id').orderBy('name').orderBy('task_type').limit(limit);
      if (cursor) q = q.where(keysetAfter([{ column: 'namespace_id' }, { column: 'name' }, { column: 'task_type' }], cursor));
      return q.execute();
    });
    return toPage(rows, request.pageSize, toQueue, (r) => [r.namespace_id, r.name, int(r.task_type, 'task_type')]);
  }

  async deleteTaskQueue(key: TaskQueueKey, rangeId: number): Promise<void> {
    validateQueueKey(key);
    requireSafeInteger(rangeId, 'rangeId', 0);
    await this.runner.write(async (tx) => {
      await this.assertLease(tx, key, rangeId, 'update');
      await tasksOf(tx, key).execute();
      await tx
        .deleteFrom('task_queues')
        .where('namespace_id', '=', key.namespaceId)
        .where('name', '=', key.name)
        .where('task_type', '=', key.taskType)
        .execute();
    });
  }

  async createTasks(request: CreateTasksRequest): Promise<void> {
    validateQueueKey(request);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    validateTasks(request.tasks);
    await this.runner.write(async (tx) => {
      // A shared lock: writers on the same lease proceed together, a lease change waits for them.
      await this.assertLease(tx, request, request.rangeId, 'share');
      for (let i = 0; i < request.tasks.length; i += TASKS_PER_STATEMENT) {
        await tx
          .insertInto('tasks')
          .values(
            request.tasks.slice(i, i + TASKS_PER_STATEMENT).map((t) => ({
              namespace_id: request.namespaceId,
              name: request.name,
              task_type: request.taskType,
              task_id: t.taskId,
              expiry_time: t.expiryTime ?? null,
              data: bindBytes(t.data.data),
              data_encoding: t.data.encoding,
            })),
          )
          // Task ids come from the owner's lease range, so a repeated id is a retry of the same write.
          .modifyEnd(this.runner.dialect.upsertClause(['namespace_id', 'name', 'task_type', 'task_id'], ['expiry_time', 'data', 'data_encoding']))
          .execute();
      }
    });
  }

  async getTasks(request: GetTasksRequest): Promise<Page<MatchingTask>> {
    validateQueueKey(request);
    requireSafeInteger(request.inclusiveMinTaskId, 'inclusiveMinTaskId');
    requireSafeInteger(request.exclusiveMaxTaskId, 'exclusiveMaxTaskId');
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['number']);
    const rows = await this.runner.run((db) => {
      let q = db
        .selectFrom('tasks')
        .select(['task_id', 'expiry_time', 'data', 'data_encoding'])
        .where('namespace_id', '=', request.namespaceId)
        .where('name', '=', request.name)
        .where('task_type', '=', request.taskType)
        .where('task_id', '>=', request.inclusiveMinTaskId)
        .where('task_id', '<', request.exclusiveMaxTaskId)
        .orderBy('task_id')
        .limit(limit);
      if (cursor) q = q.where('task_id', '>', cursor[0]);
      return q.execute();
    });
    return toPage(
      rows,
      request.pageSize,
      (r) => {
        const expiryTime = optionalInt(r.expiry_time, 'expiry_time');
        const task = { taskId: int(r.task_id, 'task_id'), data: readBlob(r.data, r.data_encoding, 'data') };
        return expiryTime === undefined ? task : { ...task, expiryTime };
      },
      (r) => [int(r.task_id, 'task_id')],
    );
  }

  async completeTasksLessThan(request: CompleteTasksLessThanRequest): Promise<number> {
    validateQueueKey(request);
    requireSafeInteger(request.exclusiveMaxTaskId, 'exclusiveMaxTaskId');
    requireSafeInteger(request.limit, 'limit', 1);
    const below = (db: Db) =>
      db
        .selectFrom('tasks')
        .select('task_id')
        .where('namespace_id', '=', request.namespaceId)
        .where('name', '=', request.name)
        .where('task_type', '=', request.taskType)
        .where('task_id', '<', request.exclusiveMaxTaskId)
        .orderBy('task_id');
    if (this.runner.dialect.limitInSubquery === true) {
      const result = await this.runner.run((db) => tasksOf(db, request).where('task_id', 'in', below(db).limit(request.limit)).executeTakeFirst());
      return Number(result.numDeletedRows);
    }
    return this.runner.write(async (tx) => {
      // Without LIMIT in a subquery (MySQL), find the id of the limit-th task and delete up to and including it.
      const last = await below(tx).limit(1).offset(request.limit - 1).executeTakeFirst();
      const bound = last ? Math.min(int(last.task_id, 'task_id') + 1, request.exclusiveMaxTaskId) : request.exclusiveMaxTaskId;
      const result = await tasksOf(tx, request).where('task_id', '<', bound).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /** ConditionFailedError unless the queue exists with `rangeId`; read inside the caller's transaction. */
  private async assertLease(tx: Db, key: TaskQueueKey, rangeId: number, lock: RowLock): Promise<void> {
    const row = await this.runner.dialect.lockRows(queueQuery(tx, key).select('range_id'), lock).executeTakeFirst();
    const actual = row ? int(row.range_id, 'range_id') : undefined;
    if (actual !== rangeId) {
      throw new ConditionFailedError(`task queue ${describe(key)} is at rangeId ${actual ?? '(no such queue)'}, not ${rangeId}`);
    }
  }
}

function validateQueueKey(key: unknown): asserts key is TaskQueueKey {
  requireObject(key, 'request');
  const k = key as TaskQueueKey;
  requireId(k.namespaceId, 'namespaceId');
  requireName(k.name, 'name');
  requireSafeInteger(k.taskType, 'taskType', 1);
}

function validateTasks(tasks: unknown): asserts tasks is readonly MatchingTask[] {
  if (!Array.isArray(tasks)) throw new InvalidPersistenceRequestError('tasks must be an array');
  const seen = new Set<number>();
  tasks.forEach((t: MatchingTask, i) => {
    const at = `tasks[${i}]`;
    requireObject(t, at);
    requireSafeInteger(t.taskId, `${at}.taskId`, 0);
    if (t.expiryTime !== undefined) requireSafeInteger(t.expiryTime, `${at}.expiryTime`);
    requireBlob(t.data, `${at}.data`);
    if (seen.has(t.taskId)) throw new InvalidPersistenceRequestError(`${at}.taskId ${t.taskId} appears twice in one request`);
    seen.add(t.taskId);
  });
}

function queueQuery(db: Db, key: TaskQueueKey) {
  return db.selectFrom('task_queues').where('namespace_id', '=', key.namespaceId).where('name', '=', key.name).where('task_type', '=', key.taskType);
}

function tasksOf(db: Db, key: TaskQueueKey) {
  return db.deleteFrom('tasks').where('namespace_id', '=', key.namespaceId).where('name', '=', key.name).where('task_type', '=', key.taskType);
}

function describe(key: TaskQueueKey): string {
  return `${key.namespaceId}/${key.name}/${key.taskType}`;
}

function toQueue(row: Selectable<TaskQueuesTable>): TaskQueueRecord {
  return {
    namespaceId: row.namespace_id,
    name: row.name,
    taskType: int(row.task_type, 'task_type') as TaskQueueType,
    rangeId: int(row.range_id, 'range_id'),
    info: readBlob(row.info, row.info_encoding, 'info'),
  };
}
