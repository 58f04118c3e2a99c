import { expect } from 'vitest';
import { ShardOwnershipLostError, TaskCategories } from '@hourglass/core';
import type { HistoryTask, PersistenceStores, StoredHistoryTask, TaskCategory, TaskKey } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { expectBlob, readAllPages, rejectsWith, textBlob, uid } from '../fixtures.js';
import { ownedShard } from './shard.js';

const T0 = 1_764_050_400_000_000;
const ALL: TaskKey = { fireTime: 0, taskId: 0 };
const END: TaskKey = { fireTime: Number.MAX_SAFE_INTEGER, taskId: Number.MAX_SAFE_INTEGER };

function task(category: TaskCategory, taskId: number, fireTime = 0, namespaceId = uid()): HistoryTask {
  return { category, taskId, fireTime, namespaceId, workflowId: `wf-${uid()}`, data: textBlob(`${category.name} ${taskId} @${fireTime}`) };
}

async function readTasks(s: PersistenceStores, shardId: number, category: TaskCategory, min: TaskKey = ALL, max: TaskKey = END, pageSize = 100): Promise<StoredHistoryTask[]> {
  return (await readAllPages((p) => s.executions.getHistoryTasks({ ...p, shardId, category, inclusiveMin: min, exclusiveMax: max }), pageSize)).items;
}

const keysOf = (tasks: readonly StoredHistoryTask[]) => tasks.map((t) => [t.fireTime, t.taskId]);

export function historyTasksSuite(cell: Cell): void {
  cell.test('history tasks: addHistoryTasks writes every category and reads back field for field', async (s) => {
    const shard = await ownedShard(s);
    const written = Object.values(TaskCategories).map((c, i) => task(c, 10 + i, c.kind === 'scheduled' ? T0 + 123_457 + i : 0));
    await s.executions.addHistoryTasks({ ...shard, tasks: written });
    for (const w of written) {
      const [read, ...rest] = await readTasks(s, shard.shardId, w.category);
      expect(rest).toEqual([]);
      expect({ shardId: read!.shardId, category: read!.category.id, taskId: read!.taskId, fireTime: read!.fireTime, namespaceId: read!.namespaceId, workflowId: read!.workflowId }).toEqual({
        shardId: shard.shardId,
        category: w.category.id,
        taskId: w.taskId,
        fireTime: w.fireTime,
        namespaceId: w.namespaceId,
        workflowId: w.workflowId,
      });
      expectBlob(read!.data, w.data);
    }
  });

  cell.test('history tasks: immediate tasks store fireTime 0 and read in task-id order', async (s) => {
    const shard = await ownedShard(s);
    await s.executions.addHistoryTasks({ ...shard, tasks: [task(TaskCategories.Transfer, 30, T0), task(TaskCategories.Transfer, 10, T0 + 5), task(TaskCategories.Transfer, 20)] });
    expect(keysOf(await readTasks(s, shard.shardId, TaskCategories.Transfer))).toEqual([[0, 10], [0, 20], [0, 30]]);
  });

  cell.test('history tasks: immediate range [min, max) compares task ids only', async (s) => {
    const shard = await ownedShard(s);
    await s.executions.addHistoryTasks({ ...shard, tasks: [5, 6, 7, 8, 9].map((id) => task(TaskCategories.Visibility, id)) });
    const read = await readTasks(s, shard.shardId, TaskCategories.Visibility, { fireTime: T0, taskId: 6 }, { fireTime: 1, taskId: 9 });
    expect(read.map((t) => t.taskId)).toEqual([6, 7, 8]);
  });

  cell.test('history tasks: scheduled tasks read in (fireTime, taskId) order within [min, max)', async (s) => {
    const shard = await ownedShard(s);
    const tasks = [task(TaskCategories.Timer, 9, T0 + 1), task(TaskCategories.Timer, 5, T0 + 1), task(TaskCategories.Timer, 1, T0 + 2), task(TaskCategories.Timer, 2, T0 + 3), task(TaskCategories.Timer, 50, T0)];
    await s.executions.addHistoryTasks({ ...shard, tasks });
    expect(keysOf(await readTasks(s, shard.shardId, TaskCategories.Timer))).toEqual([[T0, 50], [T0 + 1, 5], [T0 + 1, 9], [T0 + 2, 1], [T0 + 3, 2]]);
    expect(keysOf(await readTasks(s, shard.shardId, TaskCategories.Timer, { fireTime: T0 + 1, taskId: 9 }, { fireTime: T0 + 3, taskId: 0 }))).toEqual([[T0 + 1, 9], [T0 + 2, 1]]);
  });

  cell.test('history tasks: categories and shards do not see each other\'s tasks', async (s) => {
    const shard = await ownedShard(s);
    const other = await ownedShard(s);
    await s.executions.addHistoryTasks({ ...shard, tasks: [task(TaskCategories.Transfer, 1), task(TaskCategories.Replication, 2)] });
    await s.executions.addHistoryTasks({ ...other, tasks: [task(TaskCategories.Transfer, 3)] });
    expect((await readTasks(s, shard.shardId, TaskCategories.Transfer)).map((t) => t.taskId)).toEqual([1]);
    expect((await readTasks(s, shard.shardId, TaskCategories.Replication)).map((t) => t.taskId)).toEqual([2]);
    expect((await readTasks(s, other.shardId, TaskCategories.Transfer)).map((t) => t.taskId)).toEqual([3]);
    expect(await readTasks(s, shard.shardId, TaskCategories.Visibility)).toEqual([]);
  });

  cell.test('history tasks: immediate tasks page in order without loss or repeats', async (s) => {
    const shard = await ownedShard(s);
    const ids = Array.from({ length: 23 }, (_, i) => 100 + i * 3);
    await s.executions.addHistoryTasks({ ...shard, tasks: ids.map((id) => task(TaskCategories.Transfer, id)) });
    const { items, pages } = await readAllPages((p) => s.executions.getHistoryTasks({ ...p, shardId: shard.shardId, category: TaskCategories.Transfer, inclusiveMin: ALL, exclusiveMax: END }), 5);
    expect(items.map((t) => t.taskId)).toEqual(ids);
    expect(pages).toBeGreaterThanOrEqual(5);
  });

  cell.test('history tasks: scheduled tasks page in order without loss or repeats', async (s) => {
    const shard = await ownedShard(s);
    const tasks = Array.from({ length: 17 }, (_, i) => task(TaskCategories.Archival, 1000 - i, T0 + Math.floor(i / 3)));
    await s.executions.addHistoryTasks({ ...shard, tasks });
    const expected = tasks.map((t) => [t.fireTime, t.taskId]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
    const { items } = await readAllPages((p) => s.executions.getHistoryTasks({ ...p, shardId: shard.shardId, category: TaskCategories.Archival, inclusiveMin: ALL, exclusiveMax: END }), 4);
    expect(keysOf(items)).toEqual(expected);
  });

  cell.test('history tasks: completeHistoryTask deletes exactly one task', async (s) => {
    const shard = await ownedShard(s);
    await s.executions.addHistoryTasks({ ...shard, tasks: [task(TaskCategories.Transfer, 1), task(TaskCategories.Transfer, 2), task(TaskCategories.Timer, 2, T0), task(TaskCategories.Timer, 3, T0)] });
    await s.executions.completeHistoryTask(shard.shardId, TaskCategories.Transfer, { fireTime: 0, taskId: 2 });
    await s.executions.completeHistoryTask(shard.shardId, TaskCategories.Timer, { fireTime: T0, taskId: 2 });
    expect((await readTasks(s, shard.shardId, TaskCategories.Transfer)).map((t) => t.taskId)).toEqual([1]);
    expect(keysOf(await readTasks(s, shard.shardId, TaskCategories.Timer))).toEqual([[T0, 3]]);
  });

  cell.test('history tasks: rangeCompleteHistoryTasks deletes [min, max) and nothing else', async (s) => {
    const shard = await ownedShard(s);
    await s.executions.addHistoryTasks({ ...shard, tasks: [1, 2, 3, 4, 5].map((id) => task(TaskCategories.Replication, id)) });
    await s.executions.rangeCompleteHistoryTasks(shard.shardId, TaskCategories.Replication, { fireTime: 0, taskId: 2 }, { fireTime: 0, taskId: 4 });
    expect((await readTasks(s, shard.shardId, TaskCategories.Replication)).map((t) => t.taskId)).toEqual([1, 4, 5]);
  });

  cell.test('history tasks: scheduled rangeComplete compares (fireTime, taskId)', async (s) => {
    const shard = await ownedShard(s);
    await s.executions.addHistoryTasks({ ...shard, tasks: [task(TaskCategories.Timer, 7, T0), task(TaskCategories.Timer, 1, T0 + 1), task(TaskCategories.Timer, 9, T0 + 1), task(TaskCategories.Timer, 1, T0 + 2)] });
    await s.executions.rangeCompleteHistoryTasks(shard.shardId, TaskCategories.Timer, { fireTime: T0, taskId: 8 }, { fireTime: T0 + 1, taskId: 9 });
    expect(keysOf(await readTasks(s, shard.shardId, TaskCategories.Timer))).toEqual([[T0, 7], [T0 + 1, 9], [T0 + 2, 1]]);
  });

  cell.test('history tasks: addHistoryTasks with a stale rangeId fails with ShardOwnershipLost and writes nothing', async (s) => {
    const shard = await ownedShard(s, 2);
    await s.shards.updateShard({ shardId: shard.shardId, rangeId: 3, shardInfo: textBlob('moved'), previousRangeId: 2 });
    await rejectsWith(s.executions.addHistoryTasks({ shardId: shard.shardId, rangeId: 2, tasks: [task(TaskCategories.Transfer, 1), task(TaskCategories.Timer, 2, T0)] }), ShardOwnershipLostError);
    expect(await readTasks(s, shard.shardId, TaskCategories.Transfer)).toEqual([]);
    expect(await readTasks(s, shard.shardId, TaskCategories.Timer)).toEqual([]);
  });
}
