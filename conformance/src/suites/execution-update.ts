import { expect } from 'vitest';
import {
  CurrentWorkflowConditionFailedError,
  NotFoundError,
  ShardOwnershipLostError,
  TaskCategories,
  WorkflowConditionFailedError,
  WorkflowExecutionStatus,
  WorkflowState,
} from '@hourglass/core';
import type { DataBlob, PersistenceStores, WorkflowMutation, WorkflowSnapshot } from '@hourglass/core';
import type { Cell } from '../cell.js';
import type { ExpectedSubRecords } from '../execution-fixtures.js';
import { CLOSED, createRun, expectRow, expectState, expectSubRecords, mutationOf, newSnapshot, transferTask } from '../execution-fixtures.js';
import { rejectsWith, textBlob, uid } from '../fixtures.js';
import { ownedShard } from './shard.js';

interface SubRecordKind {
  readonly name: string;
  readonly initial: Partial<WorkflowSnapshot>;
  readonly upsert: Partial<WorkflowMutation>;
  readonly remove: Partial<WorkflowMutation>;
  /** What the run holds after `upsert` and after `remove`. */
  readonly afterUpsert: ExpectedSubRecords;
  readonly afterRemove: ExpectedSubRecords;
}

function numbered(entries: [number, string][]): Map<number, DataBlob> {
  return new Map(entries.map(([k, v]) => [k, textBlob(v)]));
}

const SUB_RECORD_KINDS: readonly SubRecordKind[] = [
  {
    name: 'activity infos',
    initial: { activityInfos: numbered([[1, 'a1'], [2, 'a2']]) },
    upsert: { upsertActivityInfos: numbered([[2, 'a2 retried'], [3, 'a3']]) },
    remove: { deleteActivityInfos: new Set([1, 3]) },
    afterUpsert: { activityInfos: numbered([[1, 'a1'], [2, 'a2 retried'], [3, 'a3']]) },
    afterRemove: { activityInfos: numbered([[2, 'a2 retried']]) },
  },
  {
    name: 'timer infos',
    initial: { timerInfos: new Map([['t1', textBlob('t1')], ['t2', textBlob('t2')]]) },
    upsert: { upsertTimerInfos: new Map([['t2', textBlob('t2 reset')], ['t3', textBlob('t3')]]) },
    remove: { deleteTimerInfos: new Set(['t1', 't3']) },
    afterUpsert: { timerInfos: new Map([['t1', textBlob('t1')], ['t2', textBlob('t2 reset')], ['t3', textBlob('t3')]]) },
    afterRemove: { timerInfos: new Map([['t2', textBlob('t2 reset')]]) },
  },
  {
    name: 'child execution infos',
    initial: { childExecutionInfos: numbered([[11, 'c11'], [12, 'c12']]) },
    upsert: { upsertChildExecutionInfos: numbered([[12, 'c12 started'], [13, 'c13']]) },
    remove: { deleteChildExecutionInfos: new Set([11, 13]) },
    afterUpsert: { childExecutionInfos: numbered([[11, 'c11'], [12, 'c12 started'], [13, 'c13']]) },
    afterRemove: { childExecutionInfos: numbered([[12, 'c12 started']]) },
  },
  {
    name: 'request-cancel infos',
    initial: { requestCancelInfos: numbered([[21, 'r21'], [22, 'r22']]) },
    upsert: { upsertRequestCancelInfos: numbered([[22, 'r22 sent'], [23, 'r23']]) },
    remove: { deleteRequestCancelInfos: new Set([21, 23]) },
    afterUpsert: { requestCancelInfos: numbered([[21, 'r21'], [22, 'r22 sent'], [23, 'r23']]) },
    afterRemove: { requestCancelInfos: numbered([[22, 'r22 sent']]) },
  },
  {
    name: 'signal infos',
    initial: { signalInfos: numbered([[31, 's31'], [32, 's32']]) },
    upsert: { upsertSignalInfos: numbered([[32, 's32 sent'], [33, 's33']]) },
    remove: { deleteSignalInfos: new Set([31, 33]) },
    afterUpsert: { signalInfos: numbered([[31, 's31'], [32, 's32 sent'], [33, 's33']]) },
    afterRemove: { signalInfos: numbered([[32, 's32 sent']]) },
  },
  {
    name: 'signal-requested ids',
    initial: { signalRequestedIds: new Set(['req-1', 'req-2']) },
    upsert: { upsertSignalRequestedIds: new Set(['req-2', 'req-3']) },
    remove: { deleteSignalRequestedIds: new Set(['req-1', 'req-3']) },
    afterUpsert: { signalRequestedIds: new Set(['req-1', 'req-2', 'req-3']) },
    afterRemove: { signalRequestedIds: new Set(['req-2']) },
  },
];

async function update(s: PersistenceStores, shard: { shardId: number; rangeId: number }, mutation: WorkflowMutation, mode: 'update-current' | 'bypass-current' | 'ignore-current' = 'update-current', newRun?: WorkflowSnapshot): Promise<void> {
  await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode, mutation, ...(newRun === undefined ? {} : { newSnapshot: newRun }) });
}

export function executionUpdateSuite(cell: Cell): void {
  cell.test('execution update: a matching dbRecordVersion writes the new row columns and version', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const mutation = mutationOf(run, {
      executionInfo: textBlob('info v2'),
      executionState: textBlob('state v2'),
      nextEventId: 9,
      lastWriteVersion: 7,
      checksum: textBlob('sum v2'),
    });
    await update(s, shard, mutation);
    const state = await s.executions.getWorkflowExecution(shard.shardId, run);
    expectRow(state, mutation);
    expect(state.dbRecordVersion).toBe(2);
  });

  cell.test('execution update: a stale dbRecordVersion fails with WorkflowConditionFailed and writes nothing', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const first = mutationOf(run, { nextEventId: 5 });
    await update(s, shard, first);
    const stale = mutationOf(run, { nextEventId: 99, upsertActivityInfos: new Map([[1, textBlob('lost')]]), tasks: [transferTask(run, 500)] });
    const err = await rejectsWith(s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: stale }), WorkflowConditionFailedError);
    expect(err.expectedDbRecordVersion).toBe(1);
    const state = await s.executions.getWorkflowExecution(shard.shardId, run);
    expectRow(state, first);
    expectSubRecords(state, {});
    const tasks = await s.executions.getHistoryTasks({ shardId: shard.shardId, category: TaskCategories.Transfer, inclusiveMin: { fireTime: 0, taskId: 0 }, exclusiveMax: { fireTime: 0, taskId: 10_000 }, pageSize: 10 });
    expect(tasks.items).toEqual([]);
  });

  cell.test('execution update: a stale rangeId fails with ShardOwnershipLost and writes neither state nor tasks', async (s) => {
    const shard = await ownedShard(s, 3);
    const run = await createRun(s, shard);
    await s.shards.updateShard({ shardId: shard.shardId, rangeId: 4, shardInfo: textBlob('moved'), previousRangeId: 3 });
    const mutation = mutationOf(run, { nextEventId: 50, upsertTimerInfos: new Map([['t', textBlob('t')]]), tasks: [transferTask(run, 77)] });
    await rejectsWith(s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: 3, mode: 'update-current', mutation }), ShardOwnershipLostError);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
    const tasks = await s.executions.getHistoryTasks({ shardId: shard.shardId, category: TaskCategories.Transfer, inclusiveMin: { fireTime: 0, taskId: 0 }, exclusiveMax: { fireTime: 0, taskId: 10_000 }, pageSize: 10 });
    expect(tasks.items).toEqual([]);
  });

  cell.test('execution update: updating a run that does not exist fails with WorkflowConditionFailed and creates nothing', async (s) => {
    const shard = await ownedShard(s);
    const ghost = newSnapshot({ namespaceId: uid(), workflowId: `wf-${uid()}`, runId: uid() });
    await rejectsWith(s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'ignore-current', mutation: mutationOf(ghost) }), WorkflowConditionFailedError);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, ghost), NotFoundError);
  });

  for (const kind of SUB_RECORD_KINDS) {
    cell.test(`execution update: ${kind.name} are upserted and deleted by id`, async (s) => {
      const shard = await ownedShard(s);
      const run = await createRun(s, shard, undefined, kind.initial);
      const upsert = mutationOf(run, kind.upsert);
      await update(s, shard, upsert);
      expectSubRecords(await s.executions.getWorkflowExecution(shard.shardId, run), kind.afterUpsert);
      await update(s, shard, mutationOf(upsert, kind.remove));
      const state = await s.executions.getWorkflowExecution(shard.shardId, run);
      expectSubRecords(state, kind.afterRemove);
      expect(state.dbRecordVersion).toBe(3);
    });
  }

  cell.test('execution update: sub-records of one run are invisible to another run of the same workflow', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard, undefined, { activityInfos: numbered([[1, 'mine']]), timerInfos: new Map([['t', textBlob('mine')]]) });
    const other = newSnapshot({ ...run, runId: uid() }, { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: other });
    expectSubRecords(await s.executions.getWorkflowExecution(shard.shardId, other), {});
  });

  cell.test('execution update: buffered events append in order and clear drops them', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const m1 = mutationOf(run, { newBufferedEvents: textBlob('batch 1') });
    await update(s, shard, m1);
    const m2 = mutationOf(m1, { newBufferedEvents: textBlob('batch 2') });
    await update(s, shard, m2);
    expectSubRecords(await s.executions.getWorkflowExecution(shard.shardId, run), { bufferedEvents: [textBlob('batch 1'), textBlob('batch 2')] });
    const m3 = mutationOf(m2, { clearBufferedEvents: true });
    await update(s, shard, m3);
    expectSubRecords(await s.executions.getWorkflowExecution(shard.shardId, run), {});
  });

  cell.test('execution update: clear and append in one mutation leaves only the new batch', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const m1 = mutationOf(run, { newBufferedEvents: textBlob('old') });
    await update(s, shard, m1);
    await update(s, shard, mutationOf(m1, { clearBufferedEvents: true, newBufferedEvents: textBlob('new') }));
    expectSubRecords(await s.executions.getWorkflowExecution(shard.shardId, run), { bufferedEvents: [textBlob('new')] });
  });

  cell.test('execution update: update-current refreshes the current row from the mutation', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    await update(s, shard, mutationOf(run, { ...CLOSED, lastWriteVersion: 9 }));
    const current = await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId);
    expect(current).toMatchObject({ runId: run.runId, state: WorkflowState.Completed, status: WorkflowExecutionStatus.Completed, lastWriteVersion: 9, createRequestId: run.createRequestId });
  });

  cell.test('execution update: update-current on a run that is not current fails and writes nothing', async (s) => {
    const shard = await ownedShard(s);
    const current = await createRun(s, shard);
    const zombie = newSnapshot({ ...current, runId: uid() }, { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: zombie });
    const err = await rejectsWith(
      s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: mutationOf(zombie, { nextEventId: 40 }) }),
      CurrentWorkflowConditionFailedError,
    );
    expect(err.runId).toBe(current.runId);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, zombie), zombie);
  });

  cell.test('execution update: bypass-current on a run that is not current succeeds and leaves the current row', async (s) => {
    const shard = await ownedShard(s);
    const current = await createRun(s, shard);
    const zombie = newSnapshot({ ...current, runId: uid() }, { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: zombie });
    const mutation = mutationOf(zombie, { nextEventId: 40, lastWriteVersion: 8 });
    await update(s, shard, mutation, 'bypass-current');
    expectRow(await s.executions.getWorkflowExecution(shard.shardId, zombie), mutation);
    const row = await s.executions.getCurrentExecution(shard.shardId, current.namespaceId, current.workflowId);
    expect({ runId: row.runId, lastWriteVersion: row.lastWriteVersion }).toEqual({ runId: current.runId, lastWriteVersion: current.lastWriteVersion });
  });

  cell.test('execution update: bypass-current on the current run fails with CurrentWorkflowConditionFailed', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    await rejectsWith(
      s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', mutation: mutationOf(run, { nextEventId: 11 }) }),
      CurrentWorkflowConditionFailedError,
    );
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
  });

  cell.test('execution update: ignore-current updates current and non-current runs without touching the current row', async (s) => {
    const shard = await ownedShard(s);
    const current = await createRun(s, shard);
    const zombie = newSnapshot({ ...current, runId: uid() }, { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: zombie });
    const onZombie = mutationOf(zombie, { nextEventId: 21 });
    const onCurrent = mutationOf(current, { nextEventId: 22, lastWriteVersion: 6, ...CLOSED });
    await update(s, shard, onZombie, 'ignore-current');
    await update(s, shard, onCurrent, 'ignore-current');
    expectRow(await s.executions.getWorkflowExecution(shard.shardId, zombie), onZombie);
    expectRow(await s.executions.getWorkflowExecution(shard.shardId, current), onCurrent);
    const row = await s.executions.getCurrentExecution(shard.shardId, current.namespaceId, current.workflowId);
    expect({ runId: row.runId, status: row.status, lastWriteVersion: row.lastWriteVersion }).toEqual({ runId: current.runId, status: WorkflowExecutionStatus.Running, lastWriteVersion: 0 });
  });

  cell.test('execution update: continue-as-new closes the run, creates the new run and moves the current row to it', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const closing = mutationOf(run, { state: WorkflowState.Completed, status: WorkflowExecutionStatus.ContinuedAsNew, tasks: [transferTask(run, 10)] });
    const next = newSnapshot({ ...run, runId: uid() }, { activityInfos: numbered([[1, 'next a1']]), tasks: [transferTask(run, 11)] });
    await update(s, shard, closing, 'update-current', next);
    expect((await s.executions.getWorkflowExecution(shard.shardId, run)).status).toBe(WorkflowExecutionStatus.ContinuedAsNew);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, next), next);
    const current = await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId);
    expect({ runId: current.runId, createRequestId: current.createRequestId, status: current.status }).toEqual({ runId: next.runId, createRequestId: next.createRequestId, status: WorkflowExecutionStatus.Running });
    const tasks = await s.executions.getHistoryTasks({ shardId: shard.shardId, category: TaskCategories.Transfer, inclusiveMin: { fireTime: 0, taskId: 0 }, exclusiveMax: { fireTime: 0, taskId: 100 }, pageSize: 10 });
    expect(tasks.items.map((t) => t.taskId)).toEqual([10, 11]);
  });

  cell.test('execution update: a failed continue-as-new writes neither the closing mutation nor the new run', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    await update(s, shard, mutationOf(run, { nextEventId: 4 }));
    const staleClose = mutationOf(run, { ...CLOSED });
    const next = newSnapshot({ ...run, runId: uid() });
    await rejectsWith(s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: staleClose, newSnapshot: next }), WorkflowConditionFailedError);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, next), NotFoundError);
    expect((await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId)).runId).toBe(run.runId);
    expect((await s.executions.getWorkflowExecution(shard.shardId, run)).status).toBe(WorkflowExecutionStatus.Running);
  });

  cell.test('execution update: history tasks of every category are written with the mutation', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const fire = 1_764_050_400_000_001;
    const tasks = Object.values(TaskCategories).map((category, i) => ({
      category,
      taskId: 1_000 + i,
      fireTime: category.kind === 'scheduled' ? fire + i : 0,
      namespaceId: run.namespaceId,
      workflowId: run.workflowId,
      data: textBlob(`${category.name} task`),
    }));
    await update(s, shard, mutationOf(run, { tasks }));
    for (const task of tasks) {
      const page = await s.executions.getHistoryTasks({
        shardId: shard.shardId,
        category: task.category,
        inclusiveMin: { fireTime: 0, taskId: 0 },
        exclusiveMax: { fireTime: Number.MAX_SAFE_INTEGER, taskId: Number.MAX_SAFE_INTEGER },
        pageSize: 10,
      });
      expect(page.items.map((t) => ({ category: t.category.id, taskId: t.taskId, fireTime: t.fireTime }))).toEqual([{ category: task.category.id, taskId: task.taskId, fireTime: task.fireTime }]);
    }
  });
}
