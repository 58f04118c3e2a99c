import { expect } from 'vitest';
import { AlreadyExistsError, ConditionFailedError, NotFoundError, TaskQueueType } from '@hourglass/core';
import type { MatchingTask, PersistenceStores, TaskQueueKey } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { MICROS_INSTANT, expectBlob, readAllPages, rejectsWith, textBlob, uid } from '../fixtures.js';

export function newQueueKey(taskType: TaskQueueKey['taskType'] = TaskQueueType.Workflow, name = `tq-${uid()}`): TaskQueueKey {
  return { namespaceId: uid(), name, taskType };
}

export async function createQueue(s: PersistenceStores, key: TaskQueueKey = newQueueKey(), rangeId = 1): Promise<TaskQueueKey> {
  await s.taskQueues.createTaskQueue({ ...key, rangeId, info: textBlob(`queue ${key.name}`) });
  return key;
}

function tasks(ids: readonly number[]): MatchingTask[] {
  return ids.map((taskId) => ({ taskId, data: textBlob(`task ${taskId}`) }));
}

async function taskIds(s: PersistenceStores, key: TaskQueueKey, min = 0, max = Number.MAX_SAFE_INTEGER): Promise<number[]> {
  return (await readAllPages((p) => s.taskQueues.getTasks({ ...key, ...p, inclusiveMinTaskId: min, exclusiveMaxTaskId: max }), 100)).items.map((t) => t.taskId);
}

export function taskQueueSuite(cell: Cell): void {
  cell.test('task queue: create then get returns the stored rangeId and info', async (s) => {
    const key = newQueueKey(TaskQueueType.Activity);
    await s.taskQueues.createTaskQueue({ ...key, rangeId: 4, info: textBlob('info') });
    const read = await s.taskQueues.getTaskQueue(key);
    expect({ namespaceId: read.namespaceId, name: read.name, taskType: read.taskType, rangeId: read.rangeId }).toEqual({ ...key, rangeId: 4 });
    expectBlob(read.info, textBlob('info'));
  });

  cell.test('task queue: creating an existing queue fails with AlreadyExists and keeps the original', async (s) => {
    const key = await createQueue(s, newQueueKey(), 3);
    await rejectsWith(s.taskQueues.createTaskQueue({ ...key, rangeId: 9, info: textBlob('second') }), AlreadyExistsError);
    expect((await s.taskQueues.getTaskQueue(key)).rangeId).toBe(3);
  });

  cell.test('task queue: get of an unknown queue fails with NotFound', async (s) => {
    await rejectsWith(s.taskQueues.getTaskQueue(newQueueKey()), NotFoundError);
  });

  cell.test('task queue: the task type is part of the key', async (s) => {
    const name = `tq-${uid()}`;
    const workflow = newQueueKey(TaskQueueType.Workflow, name);
    const activity = { ...workflow, taskType: TaskQueueType.Activity };
    await createQueue(s, workflow, 1);
    await rejectsWith(s.taskQueues.getTaskQueue(activity), NotFoundError);
    await createQueue(s, activity, 7);
    expect((await s.taskQueues.getTaskQueue(workflow)).rangeId).toBe(1);
    expect((await s.taskQueues.getTaskQueue(activity)).rangeId).toBe(7);
  });

  cell.test('task queue: update with the previous rangeId stores the new rangeId and info', async (s) => {
    const key = await createQueue(s, newQueueKey(), 1);
    await s.taskQueues.updateTaskQueue({ ...key, rangeId: 2, info: textBlob('updated'), previousRangeId: 1 });
    const read = await s.taskQueues.getTaskQueue(key);
    expect(read.rangeId).toBe(2);
    expectBlob(read.info, textBlob('updated'));
  });

  cell.test('task queue: update with a stale previousRangeId fails with ConditionFailed and changes nothing', async (s) => {
    const key = await createQueue(s, newQueueKey(), 1);
    await s.taskQueues.updateTaskQueue({ ...key, rangeId: 2, info: textBlob('owner 2'), previousRangeId: 1 });
    await rejectsWith(s.taskQueues.updateTaskQueue({ ...key, rangeId: 3, info: textBlob('stale owner'), previousRangeId: 1 }), ConditionFailedError);
    const read = await s.taskQueues.getTaskQueue(key);
    expect(read.rangeId).toBe(2);
    expectBlob(read.info, textBlob('owner 2'));
  });

  cell.test('task queue: update of a queue that does not exist fails with ConditionFailed and creates nothing', async (s) => {
    const key = newQueueKey();
    await rejectsWith(s.taskQueues.updateTaskQueue({ ...key, rangeId: 2, info: textBlob('x'), previousRangeId: 1 }), ConditionFailedError);
    await rejectsWith(s.taskQueues.getTaskQueue(key), NotFoundError);
  });

  cell.test('task queue: list pages through every queue exactly once', async (s) => {
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await createQueue(s, newQueueKey(i % 2 === 0 ? TaskQueueType.Workflow : TaskQueueType.Activity), i + 1));
    const { items } = await readAllPages((p) => s.taskQueues.listTaskQueues(p), 2);
    const id = (k: TaskQueueKey) => `${k.namespaceId}/${k.name}/${k.taskType}`;
    const listed = items.map(id);
    expect(new Set(listed).size, 'a queue was listed twice').toBe(listed.length);
    for (const [i, k] of keys.entries()) {
      const record = items.find((r) => id(r) === id(k));
      expect(record, `queue ${k.name} missing from the list`).toBeDefined();
      expect(record!.rangeId).toBe(i + 1);
    }
  });

  cell.test('task queue: delete with the stored rangeId removes the queue and its tasks', async (s) => {
    const key = await createQueue(s, newQueueKey(), 5);
    await s.taskQueues.createTasks({ ...key, rangeId: 5, tasks: tasks([1, 2]) });
    await s.taskQueues.deleteTaskQueue(key, 5);
    await rejectsWith(s.taskQueues.getTaskQueue(key), NotFoundError);
    await createQueue(s, key, 1);
    expect(await taskIds(s, key)).toEqual([]);
  });

  cell.test('task queue: delete with a stale rangeId fails with ConditionFailed and keeps the queue', async (s) => {
    const key = await createQueue(s, newQueueKey(), 5);
    await rejectsWith(s.taskQueues.deleteTaskQueue(key, 4), ConditionFailedError);
    expect((await s.taskQueues.getTaskQueue(key)).rangeId).toBe(5);
  });

  cell.test('task queue: createTasks with the queue rangeId writes tasks that read back exactly', async (s) => {
    const key = await createQueue(s, newQueueKey(), 2);
    const written: MatchingTask[] = [
      { taskId: 10, data: textBlob('no expiry') },
      { taskId: 11, expiryTime: MICROS_INSTANT, data: textBlob('expires') },
    ];
    await s.taskQueues.createTasks({ ...key, rangeId: 2, tasks: written });
    const page = await s.taskQueues.getTasks({ ...key, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 100, pageSize: 10 });
    expect(page.items.map((t) => [t.taskId, t.expiryTime])).toEqual([[10, undefined], [11, MICROS_INSTANT]]);
    expectBlob(page.items[0]!.data, textBlob('no expiry'));
    expectBlob(page.items[1]!.data, textBlob('expires'));
  });

  cell.test('task queue: createTasks with a stale rangeId fails with ConditionFailed and writes no task', async (s) => {
    const key = await createQueue(s, newQueueKey(), 2);
    await s.taskQueues.updateTaskQueue({ ...key, rangeId: 3, info: textBlob('owner 3'), previousRangeId: 2 });
    await rejectsWith(s.taskQueues.createTasks({ ...key, rangeId: 2, tasks: tasks([1, 2, 3]) }), ConditionFailedError);
    expect(await taskIds(s, key)).toEqual([]);
  });

  cell.test('task queue: createTasks on a queue that does not exist fails with ConditionFailed', async (s) => {
    const key = newQueueKey();
    await rejectsWith(s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: tasks([1]) }), ConditionFailedError);
    expect(await taskIds(s, key)).toEqual([]);
  });

  cell.test('task queue: getTasks reads [min, max) in task-id order, paged', async (s) => {
    const key = await createQueue(s);
    await s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: tasks([9, 3, 7, 1, 5, 11, 13]) });
    expect(await taskIds(s, key, 3, 11)).toEqual([3, 5, 7, 9]);
    const { items, pages } = await readAllPages((p) => s.taskQueues.getTasks({ ...key, ...p, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 100 }), 3);
    expect(items.map((t) => t.taskId)).toEqual([1, 3, 5, 7, 9, 11, 13]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  cell.test('task queue: tasks of different queues are separate', async (s) => {
    const a = await createQueue(s);
    const b = await createQueue(s, { ...a, taskType: TaskQueueType.Activity });
    await s.taskQueues.createTasks({ ...a, rangeId: 1, tasks: tasks([1, 2]) });
    await s.taskQueues.createTasks({ ...b, rangeId: 1, tasks: tasks([3]) });
    expect(await taskIds(s, a)).toEqual([1, 2]);
    expect(await taskIds(s, b)).toEqual([3]);
  });

  cell.test('task queue: completeTasksLessThan deletes below the bound, at most limit, and returns the count', async (s) => {
    const key = await createQueue(s);
    await s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: tasks([1, 2, 3, 4, 5, 6]) });
    expect(await s.taskQueues.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 5, limit: 3 })).toBe(3);
    expect(await taskIds(s, key)).toEqual([4, 5, 6]);
    expect(await s.taskQueues.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 5, limit: 100 })).toBe(1);
    expect(await taskIds(s, key)).toEqual([5, 6]);
    expect(await s.taskQueues.completeTasksLessThan({ ...key, exclusiveMaxTaskId: 5, limit: 100 })).toBe(0);
  });
}
