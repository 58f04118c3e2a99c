import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError, requireBlob, requireSafeInteger, requireShardId } from '@hourglass/core';
import type { GetHistoryTasksRequest, HistoryTask, Page, StoredHistoryTask, TaskCategory, TaskKey } from '@hourglass/core';
import { decodeCursor, fetchSize, keysetAfter, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import { requireCategory, requireId, requireName, requireObject } from '../validate.js';
import { bindBytes, int, readBlob } from '../values.js';

/**
 * History tasks live in two tables: immediate categories keyed by task id, scheduled ones by
 * (fire time, task id). The category's kind picks the table.
 */
const ROWS_PER_STATEMENT = 200;

export function validateHistoryTasks(tasks: unknown, field = 'tasks'): asserts tasks is readonly HistoryTask[] {
  if (!Array.isArray(tasks)) throw new InvalidPersistenceRequestError(`${field} must be an array`);
  tasks.forEach((task: HistoryTask, i) => {
    const at = `${field}[${i}]`;
    requireObject(task, at);
    requireCategory(task.category, `${at}.category`);
    requireSafeInteger(task.taskId, `${at}.taskId`, 0);
    if (task.category.kind === 'scheduled') requireSafeInteger(task.fireTime, `${at}.fireTime`);
    requireId(task.namespaceId, `${at}.namespaceId`);
    requireName(task.workflowId, `${at}.workflowId`);
    requireBlob(task.data, `${at}.data`);
  });
}

export async function insertHistoryTasks(tx: Db, shardId: number, tasks: readonly HistoryTask[]): Promise<void> {
  const immediate = tasks.filter((t) => t.category.kind === 'immediate');
  const scheduled = tasks.filter((t) => t.category.kind === 'scheduled');
  for (let i = 0; i < immediate.length; i += ROWS_PER_STATEMENT) {
    await tx
      .insertInto('history_immediate_tasks')
      .values(
        immediate.slice(i, i + ROWS_PER_STATEMENT).map((t) => ({
          shard_id: shardId,
          category_id: t.category.id,
          task_id: t.taskId,
          namespace_id: t.namespaceId,
          workflow_id: t.workflowId,
          data: bindBytes(t.data.data),
          data_encoding: t.data.encoding,
        })),
      )
      .execute();
  }
  for (let i = 0; i < scheduled.length; i += ROWS_PER_STATEMENT) {
    await tx
      .insertInto('history_scheduled_tasks')
      .values(
        scheduled.slice(i, i + ROWS_PER_STATEMENT).map((t) => ({
          shard_id: shardId,
          category_id: t.category.id,
          fire_time: t.fireTime,
          task_id: t.taskId,
          namespace_id: t.namespaceId,
          workflow_id: t.workflowId,
          data: bindBytes(t.data.data),
          data_encoding: t.data.encoding,
        })),
      )
      .execute();
  }
}

function validateTaskKey(key: unknown, field: string, category: TaskCategory): asserts key is TaskKey {
  requireObject(key, field);
  const k = key as TaskKey;
  requireSafeInteger(k.taskId, `${field}.taskId`);
  if (category.kind === 'scheduled') requireSafeInteger(k.fireTime, `${field}.fireTime`);
}

export async function getHistoryTasks(runner: SqlRunner, request: GetHistoryTasksRequest): Promise<Page<StoredHistoryTask>> {
  requireObject(request, 'request');
  requireShardId(request.shardId);
  requireCategory(request.category);
  validateTaskKey(request.inclusiveMin, 'inclusiveMin', request.category);
  validateTaskKey(request.exclusiveMax, 'exclusiveMax', request.category);
  const limit = fetchSize(request);
  const { shardId, category, inclusiveMin, exclusiveMax } = request;
  if (category.kind === 'immediate') {
    const cursor = decodeCursor(request.nextPageToken, ['number']);
    const rows = await runner.run((db) => {
      let q = db
        .selectFrom('history_immediate_tasks')
        .selectAll()
        .where('shard_id', '=', shardId)
        .where('category_id', '=', category.id)
        .where('task_id', '>=', inclusiveMin.taskId)
        .where('task_id', '<', exclusiveMax.taskId)
        .orderBy('task_id')
        .limit(limit);
      if (cursor) q = q.where('task_id', '>', cursor[0]);
      return q.execute();
    });
    return toPage(
      rows,
      request.pageSize,
      (r) => ({
        shardId,
        category,
        taskId: int(r.task_id, 'task_id'),
        fireTime: 0,
        namespaceId: r.namespace_id,
        workflowId: r.workflow_id,
        data: readBlob(r.data, r.data_encoding, 'data'),
      }),
      (r) => [int(r.task_id, 'task_id')],
    );
  }
  const cursor = decodeCursor(request.nextPageToken, ['number', 'number']);
  const rows = await runner.run((db) => {
    let q = db
      .selectFrom('history_scheduled_tasks')
      .selectAll()
      .where('shard_id', '=', shardId)
      .where('category_id', '=', category.id)
      .where(keysetAtOrAfter(inclusiveMin))
      .where(keysetBefore(exclusiveMax))
      .orderBy('fire_time')
      .orderBy('task_id')
      .limit(limit);
    if (cursor) q = q.where(keysetAfter([{ column: 'fire_time' }, { column: 'task_id' }], cursor));
    return q.execute();
  });
  return toPage(
    rows,
    request.pageSize,
    (r) => ({
      shardId,
      category,
      taskId: int(r.task_id, 'task_id'),
      fireTime: int(r.fire_time, 'fire_time'),
      namespaceId: r.namespace_id,
      workflowId: r.workflow_id,
      data: readBlob(r.data, r.data_encoding, 'data'),
    }),
    (r) => [int(r.fire_time, 'fire_time'), int(r.task_id, 'task_id')],
  );
}

/** (fire_time, task_id) >= key, spelled out: MySQL 5.7 cannot use an index for row-value comparisons. */
function keysetAtOrAfter(key: TaskKey): RawBuilder<SqlBool> {
  return sql<SqlBool>`(fire_time > ${key.fireTime} or (fire_time = ${key.fireTime} and task_id >= ${key.taskId}))`;
}

/** (fire_time, task_id) < key. */
function keysetBefore(key: TaskKey): RawBuilder<SqlBool> {
  return sql<SqlBool>`(fire_time < ${key.fireTime} or (fire_time = ${key.fireTime} and task_id < ${key.taskId}))`;
}

export async function completeHistoryTask(runner: SqlRunner, shardId: number, category: TaskCategory, key: TaskKey): Promise<void> {
  requireShardId(shardId);
  requireCategory(category);
  validateTaskKey(key, 'key', category);
  await runner.run((db) => {
    if (category.kind === 'immediate') {
      return db
        .deleteFrom('history_immediate_tasks')
        .where('shard_id', '=', shardId)
        .where('category_id', '=', category.id)
        .where('task_id', '=', key.taskId)
        .execute();
    }
    return db
      .deleteFrom('history_scheduled_tasks')
      .where('shard_id', '=', shardId)
      .where('category_id', '=', category.id)
      .where('fire_time', '=', key.fireTime)
      .where('task_id', '=', key.taskId)
      .execute();
  });
}

export async function rangeCompleteHistoryTasks(
  runner: SqlRunner,
  shardId: number,
  category: TaskCategory,
  inclusiveMin: TaskKey,
  exclusiveMax: TaskKey,
): Promise<void> {
  requireShardId(shardId);
  requireCategory(category);
  validateTaskKey(inclusiveMin, 'inclusiveMin', category);
  validateTaskKey(exclusiveMax, 'exclusiveMax', category);
  await runner.run((db) => {
    if (category.kind === 'immediate') {
      return db
        .deleteFrom('history_immediate_tasks')
        .where('shard_id', '=', shardId)
        .where('category_id', '=', category.id)
        .where('task_id', '>=', inclusiveMin.taskId)
        .where('task_id', '<', exclusiveMax.taskId)
        .execute();
    }
    return db
      .deleteFrom('history_scheduled_tasks')
      .where('shard_id', '=', shardId)
      .where('category_id', '=', category.id)
      .where(keysetAtOrAfter(inclusiveMin))
      .where(keysetBefore(exclusiveMax))
      .execute();
  });
}
