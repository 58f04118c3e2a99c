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
import type { Cell } from '../cell.js';
import { CLOSED, createRun, expectState, mutationOf, newKey, newSnapshot } from '../execution-fixtures.js';
import { rejectsWith, textBlob, uid } from '../fixtures.js';
import { ownedShard } from './shard.js';

export function executionCreateSuite(cell: Cell): void {
  cell.test('execution create: brand-new writes the run with every sub-record kind and makes it current', async (s) => {
    const shard = await ownedShard(s);
    const key = newKey();
    const snapshot = newSnapshot(key, {
      lastWriteVersion: 12,
      startVersion: 11,
      nextEventId: 17,
      checksum: textBlob('checksum'),
      activityInfos: new Map([[5, textBlob('activity 5')], [9, textBlob('activity 9')]]),
      timerInfos: new Map([['timer-a', textBlob('timer a')]]),
      childExecutionInfos: new Map([[7, textBlob('child 7')]]),
      requestCancelInfos: new Map([[8, textBlob('cancel 8')]]),
      signalInfos: new Map([[10, textBlob('signal 10')]]),
      signalRequestedIds: new Set(['sig-1', 'sig-2']),
    });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'brand-new', snapshot });
    const state = await s.executions.getWorkflowExecution(shard.shardId, key);
    expectState(state, snapshot);
    expect(state.bufferedEvents).toEqual([]);
    const current = await s.executions.getCurrentExecution(shard.shardId, key.namespaceId, key.workflowId);
    expect(current).toMatchObject({
      namespaceId: key.namespaceId,
      workflowId: key.workflowId,
      runId: key.runId,
      createRequestId: snapshot.createRequestId,
      state: WorkflowState.Running,
      status: WorkflowExecutionStatus.Running,
      lastWriteVersion: 12,
      startVersion: 11,
    });
  });

  cell.test('execution create: brand-new while a run is current fails with CurrentWorkflowConditionFailed carrying that run', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard, newKey(), { lastWriteVersion: 4, startVersion: 2 });
    const second = newSnapshot({ ...first, runId: uid() });
    const err = await rejectsWith(
      s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'brand-new', snapshot: second }),
      CurrentWorkflowConditionFailedError,
    );
    expect({ runId: err.runId, requestId: err.requestId, state: err.state, status: err.status }).toEqual({
      runId: first.runId,
      requestId: first.createRequestId,
      state: WorkflowState.Running,
      status: WorkflowExecutionStatus.Running,
    });
    expect(err.current).toMatchObject({ lastWriteVersion: 4, startVersion: 2 });
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, second), NotFoundError);
  });

  cell.test('execution create: brand-new while a closed run is current still fails (the current row exists)', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard);
    await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: mutationOf(first, CLOSED) });
    const err = await rejectsWith(
      s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'brand-new', snapshot: newSnapshot({ ...first, runId: uid() }) }),
      CurrentWorkflowConditionFailedError,
    );
    expect({ runId: err.runId, state: err.state, status: err.status }).toEqual({ runId: first.runId, state: WorkflowState.Completed, status: WorkflowExecutionStatus.Completed });
  });

  cell.test('execution create: update-current replaces a closed previous run when runId and lastWriteVersion match', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard, newKey(), { lastWriteVersion: 3 });
    await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: mutationOf(first, CLOSED) });
    const next = newSnapshot({ ...first, runId: uid() }, { lastWriteVersion: 5 });
    await s.executions.createWorkflowExecution({
      shardId: shard.shardId,
      rangeId: shard.rangeId,
      mode: 'update-current',
      previousRunId: first.runId,
      previousLastWriteVersion: 3,
      snapshot: next,
    });
    const current = await s.executions.getCurrentExecution(shard.shardId, first.namespaceId, first.workflowId);
    expect({ runId: current.runId, createRequestId: current.createRequestId, lastWriteVersion: current.lastWriteVersion }).toEqual({
      runId: next.runId,
      createRequestId: next.createRequestId,
      lastWriteVersion: 5,
    });
    expectState(await s.executions.getWorkflowExecution(shard.shardId, next), next);
    expect((await s.executions.getWorkflowExecution(shard.shardId, first)).status).toBe(WorkflowExecutionStatus.Completed);
  });

  cell.test('execution create: update-current naming the wrong previous run fails and writes nothing', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard);
    await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: mutationOf(first, CLOSED) });
    const next = newSnapshot({ ...first, runId: uid() });
    const err = await rejectsWith(
      s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', previousRunId: uid(), previousLastWriteVersion: 0, snapshot: next }),
      CurrentWorkflowConditionFailedError,
    );
    expect(err.runId).toBe(first.runId);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, next), NotFoundError);
    expect((await s.executions.getCurrentExecution(shard.shardId, first.namespaceId, first.workflowId)).runId).toBe(first.runId);
  });

  cell.test('execution create: update-current with a different previous lastWriteVersion fails', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard, newKey(), { lastWriteVersion: 3 });
    await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: mutationOf(first, CLOSED) });
    const next = newSnapshot({ ...first, runId: uid() });
    await rejectsWith(
      s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', previousRunId: first.runId, previousLastWriteVersion: 4, snapshot: next }),
      CurrentWorkflowConditionFailedError,
    );
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, next), NotFoundError);
  });

  cell.test('execution create: update-current while the previous run is still running fails', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard);
    const next = newSnapshot({ ...first, runId: uid() });
    const err = await rejectsWith(
      s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', previousRunId: first.runId, previousLastWriteVersion: 0, snapshot: next }),
      CurrentWorkflowConditionFailedError,
    );
    expect(err.status).toBe(WorkflowExecutionStatus.Running);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, next), NotFoundError);
  });

  cell.test('execution create: update-current without any current row fails with no current run attached', async (s) => {
    const shard = await ownedShard(s);
    const snapshot = newSnapshot(newKey());
    const err = await rejectsWith(
      s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', previousRunId: uid(), previousLastWriteVersion: 0, snapshot }),
      CurrentWorkflowConditionFailedError,
    );
    expect(err.current).toBeUndefined();
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, snapshot), NotFoundError);
  });

  cell.test('execution create: bypass-current writes the run and leaves the current row alone', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard);
    const zombie = newSnapshot({ ...first, runId: uid() }, { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: zombie });
    expectState(await s.executions.getWorkflowExecution(shard.shardId, zombie), zombie);
    expect((await s.executions.getCurrentExecution(shard.shardId, first.namespaceId, first.workflowId)).runId).toBe(first.runId);
  });

  cell.test('execution create: bypass-current with no current row does not create one', async (s) => {
    const shard = await ownedShard(s);
    const zombie = newSnapshot(newKey(), { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: zombie });
    await rejectsWith(s.executions.getCurrentExecution(shard.shardId, zombie.namespaceId, zombie.workflowId), NotFoundError);
  });

  cell.test('execution create: an existing run id fails with WorkflowConditionFailed and keeps the stored run', async (s) => {
    const shard = await ownedShard(s);
    const first = await createRun(s, shard);
    const duplicate = newSnapshot(first, { executionInfo: textBlob('imposter') });
    await rejectsWith(s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: duplicate }), WorkflowConditionFailedError);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, first), first);
  });

  cell.test('execution create: a stale rangeId fails with ShardOwnershipLost and writes neither run, current row nor tasks', async (s) => {
    const shard = await ownedShard(s, 5);
    await s.shards.updateShard({ shardId: shard.shardId, rangeId: 6, shardInfo: textBlob('stolen'), previousRangeId: 5 });
    const key = newKey();
    const snapshot = newSnapshot(key, { tasks: [{ category: TaskCategories.Transfer, taskId: 100, fireTime: 0, namespaceId: key.namespaceId, workflowId: key.workflowId, data: textBlob('t') }] });
    const err = await rejectsWith(s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: 5, mode: 'brand-new', snapshot }), ShardOwnershipLostError);
    expect(err.shardId).toBe(shard.shardId);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, key), NotFoundError);
    await rejectsWith(s.executions.getCurrentExecution(shard.shardId, key.namespaceId, key.workflowId), NotFoundError);
    const tasks = await s.executions.getHistoryTasks({
      shardId: shard.shardId,
      category: TaskCategories.Transfer,
      inclusiveMin: { fireTime: 0, taskId: 0 },
      exclusiveMax: { fireTime: 0, taskId: 1_000 },
      pageSize: 10,
    });
    expect(tasks.items).toEqual([]);
  });

  cell.test('execution create: the same workflow id in two namespaces are independent workflows', async (s) => {
    const shard = await ownedShard(s);
    const workflowId = `wf-${uid()}`;
    const a = await createRun(s, shard, newKey(uid(), workflowId));
    const b = await createRun(s, shard, newKey(uid(), workflowId));
    expect((await s.executions.getCurrentExecution(shard.shardId, a.namespaceId, workflowId)).runId).toBe(a.runId);
    expect((await s.executions.getCurrentExecution(shard.shardId, b.namespaceId, workflowId)).runId).toBe(b.runId);
  });
}
