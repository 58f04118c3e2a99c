import { InvalidPersistenceRequestError, requireBlob, requireNonEmpty, requirePageSize, requireSafeInteger, requireShardId } from '@hourglass/core';
import type { GetHistoryTasksRequest, HistoryTask, Page, StoredHistoryTask, TaskCategory, TaskKey } from '@hourglass/core';
import { pageOf, readCursor } from '../paging.js';
import type { CqlSession, Row } from '../session.js';
import { num, requiredBlob } from '../values.js';
import { RowType } from './shard-rows.js';

export function validateCategory(category: TaskCategory): void {
  if (typeof category !== 'object' || category === null) throw new InvalidPersistenceRequestError('category must be a TaskCategory');
  requireSafeInteger(category.id, 'category.id', 1);
  if (category.kind !== 'immediate' && category.kind !== 'scheduled') {
    throw new InvalidPersistenceRequestError(`category.kind must be 'immediate' or 'scheduled', got ${String(category.kind)}`);
  }
}

export function validateTask(task: HistoryTask): void {
  validateCategory(task.category);
  requireSafeInteger(task.taskId, 'taskId', 0);
  if (task.category.kind === 'scheduled') requireSafeInteger(task.fireTime, 'fireTime', 0);
  requireNonEmpty(task.namespaceId, 'namespaceId');
  requireNonEmpty(task.workflowId, 'workflowId');
  requireBlob(task.data, 'data');
}

function validateKey(key: TaskKey, field: string): void {
  requireSafeInteger(key.taskId, `${field}.taskId`, 0);
  requireSafeInteger(key.fireTime, `${field}.fireTime`, 0);
}

/** The task rows of one category: the fixed key prefix, whose remaining clustering columns are (fire_time, task_id). */
function prefix(category: TaskCategory): { where: string; rowType: number } {
  return {
    where: "shard_id = ? AND row_type = ? AND category_id = ? AND namespace_id = '' AND workflow_id = '' AND run_id = ''",
    rowType: category.kind === 'scheduled' ? RowType.ScheduledTask : RowType.ImmediateTask,
  };
}

/** Immediate categories order by task id alone (fire_time is stored as 0); scheduled ones by (fire_time, task_id). */
function rangeClause(category: TaskCategory, lowerInclusive: boolean): string {
  const lower = lowerInclusive ? '>=' : '>';
  return category.kind === 'scheduled' ? `(fire_time, task_id) ${lower} (?, ?) AND (fire_time, task_id) < (?, ?)` : `fire_time = 0 AND task_id ${lower} ? AND task_id < ?`;
}

function rangeParams(category: TaskCategory, min: TaskKey, max: TaskKey): unknown[] {
  return category.kind === 'scheduled' ? [min.fireTime, min.taskId, max.fireTime, max.taskId] : [min.taskId, max.taskId];
}

/** Whether [min, max) holds no key at all; Cassandra rejects some empty slices instead of returning nothing. */
function emptyRange(category: TaskCategory, min: TaskKey, max: TaskKey): boolean {
  if (category.kind === 'immediate') return min.taskId >= max.taskId;
  return min.fireTime > max.fireTime || (min.fireTime === max.fireTime && min.taskId >= max.taskId);
}

function storedTask(shardId: number, category: TaskCategory, row: Row): StoredHistoryTask {
  return {
    shardId,
    category,
    taskId: num(row.get('task_id')),
    fireTime: num(row.get('fire_time')),
    namespaceId: row.get('task_namespace_id') as string,
    workflowId: row.get('task_workflow_id') as string,
    data: requiredBlob(row, 'task_data', 'task_encoding'),
  };
}

export async function getHistoryTasks(session: CqlSession, request: GetHistoryTasksRequest): Promise<Page<StoredHistoryTask>> {
  requireShardId(request.shardId);
  validateCategory(request.category);
  requirePageSize(request.pageSize);
  validateKey(request.inclusiveMin, 'inclusiveMin');
  validateKey(request.exclusiveMax, 'exclusiveMax');
  const { category } = request;
  const cursor = readCursor<[number, number]>(request, ['number', 'number']);
  const min: TaskKey = cursor === undefined ? request.inclusiveMin : { fireTime: cursor[0], taskId: cursor[1] };
  if (emptyRange(category, cursor === undefined ? min : { fireTime: min.fireTime, taskId: min.taskId + 1 }, request.exclusiveMax)) return { items: [] };
  const { where, rowType } = prefix(category);
  const rs = await session.execute(
    `SELECT fire_time, task_id, task_namespace_id, task_workflow_id, task_data, task_encoding FROM executions WHERE ${where} AND ${rangeClause(category, cursor === undefined)} LIMIT ?`,
    [request.shardId, rowType, category.id, ...rangeParams(category, min, request.exclusiveMax), request.pageSize + 1],
    'getHistoryTasks',
  );
  const tasks = rs.rows.map((row) => storedTask(request.shardId, category, row));
  return pageOf(tasks, request.pageSize, (t) => [t.fireTime, t.taskId]);
}

export async function completeHistoryTask(session: CqlSession, shardId: number, category: TaskCategory, key: TaskKey): Promise<void> {
  requireShardId(shardId);
  validateCategory(category);
  validateKey(key, 'key');
  const { where, rowType } = prefix(category);
  await session.execute(
    `DELETE FROM executions WHERE ${where} AND fire_time = ? AND task_id = ?`,
    [shardId, rowType, category.id, category.kind === 'scheduled' ? key.fireTime : 0, key.taskId],
    'completeHistoryTask',
  );
}

export async function rangeCompleteHistoryTasks(session: CqlSession, shardId: number, category: TaskCategory, inclusiveMin: TaskKey, exclusiveMax: TaskKey): Promise<void> {
  requireShardId(shardId);
  validateCategory(category);
  validateKey(inclusiveMin, 'inclusiveMin');
  validateKey(exclusiveMax, 'exclusiveMax');
  if (emptyRange(category, inclusiveMin, exclusiveMax)) return;
  const { where, rowType } = prefix(category);
  // One range tombstone, however many tasks the range holds.
  await session.execute(
    `DELETE FROM executions WHERE ${where} AND ${rangeClause(category, true)}`,
    [shardId, rowType, category.id, ...rangeParams(category, inclusiveMin, exclusiveMax)],
    'rangeCompleteHistoryTasks',
  );
}
