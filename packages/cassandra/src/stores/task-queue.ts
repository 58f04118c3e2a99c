import { AlreadyExistsError, ConditionFailedError, NotFoundError, nowMicros, requireBlob, requireNonEmpty, requireSafeInteger } from '@hourglass/core';
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
import { pageOf, readCursor } from '../paging.js';
import type { CqlSession, CqlStatement, Row } from '../session.js';
import { bytes, num, optionalNum, requiredBlob } from '../values.js';

const KEY = 'namespace_id = ? AND name = ? AND task_type = ?';
const MICROS_PER_SECOND = 1_000_000;
const MAX_TTL_SECONDS = 630_720_000;
/**
 * Tasks with an expiry get a TTL that long past it. Matching already skips expired tasks; the
 * TTL only keeps abandoned ones from piling up, and the grace keeps them readable meanwhile.
 */
const TASK_TTL_GRACE_SECONDS = 24 * 3600;

function keyParams(k: TaskQueueKey): unknown[] {
  requireNonEmpty(k.namespaceId, 'namespaceId');
  requireNonEmpty(k.name, 'name');
  requireSafeInteger(k.taskType, 'taskType', 1);
  return [k.namespaceId, k.name, k.taskType];
}

function queueRecord(row: Row): TaskQueueRecord {
  return {
    namespaceId: row.get('namespace_id') as string,
    name: row.get('name') as string,
    taskType: row.get('task_type') as TaskQueueType,
    rangeId: num(row.get('range_id')),
    info: requiredBlob(row, 'info', 'info_encoding'),
  };
}

function taskTtl(expiryTime: number | undefined): number {
  if (expiryTime === undefined) return 0;
  const untilExpiry = Math.max(0, Math.ceil((expiryTime - nowMicros()) / MICROS_PER_SECOND));
  return Math.min(MAX_TTL_SECONDS, untilExpiry + TASK_TTL_GRACE_SECONDS);
}

/**
 * One partition per task-queue partition: the queue record lives in static columns and tasks
 * are the rows, so the rangeId lease guards task writes in the same conditional batch.
 */
export class CassandraTaskQueueStore implements TaskQueueStore {
  constructor(private readonly session: CqlSession) {}

  async createTaskQueue(request: CreateTaskQueueRequest): Promise<void> {
    const key = keyParams(request);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireBlob(request.info, 'info');
    const result = await this.session.conditional(
      `UPDATE task_queues SET range_id = ?, info = ?, info_encoding = ? WHERE ${KEY} IF range_id = null`,
      [request.rangeId, bytes(request.info.data), request.info.encoding, ...key],
      'createTaskQueue',
    );
    if (!result.applied) throw new AlreadyExistsError(`task queue ${request.name} exists`);
  }

  async getTaskQueue(k: TaskQueueKey): Promise<TaskQueueRecord> {
    const key = keyParams(k);
    const rs = await this.session.execute(`SELECT namespace_id, name, task_type, range_id, info, info_encoding FROM task_queues WHERE ${KEY} LIMIT 1`, key, 'getTaskQueue');
    const row = rs.first();
    if (row === null || row.get('range_id') === null) throw new NotFoundError(`task queue ${k.name} not found`);
    return queueRecord(row);
  }

  async updateTaskQueue(request: UpdateTaskQueueRequest): Promise<void> {
    const key = keyParams(request);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireSafeInteger(request.previousRangeId, 'previousRangeId', 0);
    requireBlob(request.info, 'info');
    const result = await this.session.conditional(
      `UPDATE task_queues SET range_id = ?, info = ?, info_encoding = ? WHERE ${KEY} IF range_id = ?`,
      [request.rangeId, bytes(request.info.data), request.info.encoding, ...key, request.previousRangeId],
      'updateTaskQueue',
    );
    if (!result.applied) throw this.leaseLost(result.rows[0], request.previousRangeId);
  }

  private leaseLost(row: Row | undefined, expected: number): ConditionFailedError {
    const stored = row?.get('range_id') as unknown;
    return new ConditionFailedError(`task queue is at rangeId ${stored === null || stored === undefined ? 'none' : num(stored)}, not ${expected}`);
  }

  /** Queues in token order of their partition key, which is the order SELECT DISTINCT scans them. */
  async listTaskQueues(request: PageRequest): Promise<Page<TaskQueueRecord>> {
    const cursor = readCursor<[string, string, number]>(request, ['string', 'string', 'number']);
    const query = `SELECT DISTINCT namespace_id, name, task_type, range_id, info, info_encoding FROM task_queues${cursor === undefined ? '' : ' WHERE token(namespace_id, name, task_type) > token(?, ?, ?)'}`;
    const fetched: TaskQueueRecord[] = [];
    for await (const row of this.session.rows(query, cursor ?? [], 'listTaskQueues', Math.min(request.pageSize + 1, 1000))) {
      if (row.get('range_id') === null) continue;
      fetched.push(queueRecord(row));
      if (fetched.length > request.pageSize) break;
    }
    return pageOf(fetched, request.pageSize, (q) => [q.namespaceId, q.name, q.taskType]);
  }

  async deleteTaskQueue(k: TaskQueueKey, rangeId: number): Promise<void> {
    const key = keyParams(k);
    requireSafeInteger(rangeId, 'rangeId', 0);
    const result = await this.session.batch(
      [
        { query: `DELETE range_id, info, info_encoding FROM task_queues WHERE ${KEY} IF range_id = ?`, params: [...key, rangeId] },
        { query: `DELETE FROM task_queues WHERE ${KEY} AND task_id >= ?`, params: [...key, Number.MIN_SAFE_INTEGER] },
      ],
      'deleteTaskQueue',
    );
    if (!result.applied) throw this.leaseLost(result.rows[0], rangeId);
  }

  async createTasks(request: CreateTasksRequest): Promise<void> {
    const key = keyParams(request);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    for (const t of request.tasks) {
      requireSafeInteger(t.taskId, 'taskId', 0);
      if (t.expiryTime !== undefined) requireSafeInteger(t.expiryTime, 'expiryTime', 0);
      requireBlob(t.data, 'data');
    }
    const statements: CqlStatement[] = [{ query: `UPDATE task_queues SET range_id = ? WHERE ${KEY} IF range_id = ?`, params: [request.rangeId, ...key, request.rangeId] }];
    for (const t of request.tasks) {
      const ttl = taskTtl(t.expiryTime);
      statements.push({
        query: `INSERT INTO task_queues (namespace_id, name, task_type, task_id, expiry_time, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)${ttl > 0 ? ' USING TTL ?' : ''}`,
        params: [...key, t.taskId, t.expiryTime ?? null, bytes(t.data.data), t.data.encoding, ...(ttl > 0 ? [ttl] : [])],
      });
    }
    const result = await this.session.batch(statements, 'createTasks');
    if (!result.applied) throw this.leaseLost(result.rows[0], request.rangeId);
  }

  async getTasks(request: GetTasksRequest): Promise<Page<MatchingTask>> {
    const key = keyParams(request);
    requireSafeInteger(request.inclusiveMinTaskId, 'inclusiveMinTaskId');
    requireSafeInteger(request.exclusiveMaxTaskId, 'exclusiveMaxTaskId');
    const cursor = readCursor<[number]>(request, ['number']);
    const min = cursor === undefined ? request.inclusiveMinTaskId : Math.max(request.inclusiveMinTaskId, cursor[0] + 1);
    if (min >= request.exclusiveMaxTaskId) return { items: [] };
    const rs = await this.session.execute(
      `SELECT task_id, expiry_time, data, data_encoding FROM task_queues WHERE ${KEY} AND task_id >= ? AND task_id < ? LIMIT ?`,
      [...key, min, request.exclusiveMaxTaskId, request.pageSize + 1],
      'getTasks',
    );
    const tasks = rs.rows
      .filter((row) => row.get('task_id') !== null)
      .map((row): MatchingTask => {
        const expiryTime = optionalNum(row.get('expiry_time'));
        return { taskId: num(row.get('task_id')), ...(expiryTime === undefined ? {} : { expiryTime }), data: requiredBlob(row, 'data', 'data_encoding') };
      });
    return pageOf(tasks, request.pageSize, (t) => [t.taskId]);
  }

  async completeTasksLessThan(request: CompleteTasksLessThanRequest): Promise<number> {
    const key = keyParams(request);
    requireSafeInteger(request.exclusiveMaxTaskId, 'exclusiveMaxTaskId');
    requireSafeInteger(request.limit, 'limit', 1);
    const rs = await this.session.execute(`SELECT task_id FROM task_queues WHERE ${KEY} AND task_id < ? LIMIT ?`, [...key, request.exclusiveMaxTaskId, request.limit], 'completeTasksLessThan');
    const ids = rs.rows.map((row) => row.get('task_id') as unknown).filter((id) => id !== null);
    if (ids.length === 0) return 0;
    // Deleting exactly the ids read keeps the returned count true even if lower ids arrive meanwhile.
    await this.session.unloggedBatch(
      ids.map((id) => ({ query: `DELETE FROM task_queues WHERE ${KEY} AND task_id = ?`, params: [...key, id] })),
      'completeTasksLessThan',
    );
    return ids.length;
  }
}
