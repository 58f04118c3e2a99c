import { expect } from 'vitest';
import {
  CurrentWorkflowConditionFailedError,
  NotFoundError,
  ShardOwnershipLostError,
  WorkflowConditionFailedError,
  WorkflowExecutionStatus,
  WorkflowState,
} from '@hourglass/core';
import type { ConflictResolveWorkflowExecutionRequest, PersistenceStores, WorkflowSnapshot } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { CLOSED, createRun, expectRow, expectState, mutationOf, newSnapshot } from '../execution-fixtures.js';
import { rejectsWith, textBlob, uid } from '../fixtures.js';
import { ownedShard } from './shard.js';

/** A reset image of `base`: new sub-records, next dbRecordVersion, conditioned on base's version. */
function resetOf(base: WorkflowSnapshot, overrides: Partial<WorkflowSnapshot> = {}): ConflictResolveWorkflowExecutionRequest['resetSnapshot'] {
  return {
    ...newSnapshot(base, {
      createRequestId: base.createRequestId,
      executionInfo: textBlob(`reset info ${base.runId}`),
      lastWriteVersion: base.lastWriteVersion + 10,
      dbRecordVersion: base.dbRecordVersion + 1,
      activityInfos: new Map([[100, textBlob('reset activity')]]),
      ...overrides,
    }),
    expectedDbRecordVersion: base.dbRecordVersion,
  };
}

/** Workflow with a closed run A and a running current run B (both on one shard). */
async function twoRuns(s: PersistenceStores, shard: { shardId: number; rangeId: number }): Promise<{ a: WorkflowSnapshot; b: WorkflowSnapshot }> {
  const first = await createRun(s, shard);
  const closing = mutationOf(first, CLOSED);
  await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: closing });
  const a: WorkflowSnapshot = { ...first, ...CLOSED, dbRecordVersion: closing.dbRecordVersion };
  const b = newSnapshot({ ...first, runId: uid() });
  await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', previousRunId: a.runId, previousLastWriteVersion: a.lastWriteVersion, snapshot: b });
  return { a, b };
}

export function executionResetSuite(cell: Cell): void {
  cell.test('execution reset: replaces the whole state of the current run, sub-records and buffered events included', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard, undefined, {
      activityInfos: new Map([[1, textBlob('a1')], [2, textBlob('a2')]]),
      timerInfos: new Map([['t', textBlob('t')]]),
      signalRequestedIds: new Set(['sig']),
    });
    const buffered = mutationOf(run, { newBufferedEvents: textBlob('buffered') });
    await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: buffered });
    const base = { ...run, dbRecordVersion: buffered.dbRecordVersion };
    const reset = resetOf(base);
    await s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: reset });
    const state = await s.executions.getWorkflowExecution(shard.shardId, run);
    expectState(state, reset);
    expect(state.bufferedEvents).toEqual([]);
    const current = await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId);
    expect({ runId: current.runId, lastWriteVersion: current.lastWriteVersion }).toEqual({ runId: run.runId, lastWriteVersion: reset.lastWriteVersion });
  });

  cell.test('execution reset: a stale expectedDbRecordVersion fails with WorkflowConditionFailed and changes nothing', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard, undefined, { activityInfos: new Map([[1, textBlob('a1')]]) });
    const stale = { ...resetOf(run), expectedDbRecordVersion: run.dbRecordVersion + 5 };
    await rejectsWith(s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: stale }), WorkflowConditionFailedError);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
  });

  cell.test('execution reset: a stale rangeId fails with ShardOwnershipLost and changes nothing', async (s) => {
    const shard = await ownedShard(s, 8);
    const run = await createRun(s, shard);
    await s.shards.updateShard({ shardId: shard.shardId, rangeId: 9, shardInfo: textBlob('moved'), previousRangeId: 8 });
    await rejectsWith(s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: 8, mode: 'update-current', resetSnapshot: resetOf(run) }), ShardOwnershipLostError);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
  });

  cell.test('execution reset: with a new run, the new run is written and becomes current', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const reset = resetOf(run, { ...CLOSED });
    const next = newSnapshot({ ...run, runId: uid() });
    await s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: reset, newSnapshot: next });
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), reset);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, next), next);
    expect((await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId)).runId).toBe(next.runId);
  });

  cell.test('execution reset: with currentMutation and a new run, the current run is closed and the new run becomes current', async (s) => {
    const shard = await ownedShard(s);
    const { a, b } = await twoRuns(s, shard);
    const reset = resetOf(a);
    const closeB = mutationOf(b, { state: WorkflowState.Completed, status: WorkflowExecutionStatus.Terminated });
    const next = newSnapshot({ ...a, runId: uid() });
    await s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: reset, currentMutation: closeB, newSnapshot: next });
    expectState(await s.executions.getWorkflowExecution(shard.shardId, a), reset);
    expectRow(await s.executions.getWorkflowExecution(shard.shardId, b), closeB);
    expect((await s.executions.getCurrentExecution(shard.shardId, a.namespaceId, a.workflowId)).runId).toBe(next.runId);
  });

  cell.test('execution reset: with currentMutation and no new run, the reset run becomes current', async (s) => {
    const shard = await ownedShard(s);
    const { a, b } = await twoRuns(s, shard);
    const reset = resetOf(a, { state: WorkflowState.Running, status: WorkflowExecutionStatus.Running });
    const closeB = mutationOf(b, { state: WorkflowState.Completed, status: WorkflowExecutionStatus.Terminated });
    await s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: reset, currentMutation: closeB });
    const current = await s.executions.getCurrentExecution(shard.shardId, a.namespaceId, a.workflowId);
    expect({ runId: current.runId, status: current.status, lastWriteVersion: current.lastWriteVersion }).toEqual({ runId: a.runId, status: WorkflowExecutionStatus.Running, lastWriteVersion: reset.lastWriteVersion });
    expect((await s.executions.getWorkflowExecution(shard.shardId, b)).status).toBe(WorkflowExecutionStatus.Terminated);
  });

  cell.test('execution reset: a stale currentMutation fails the whole write atomically', async (s) => {
    const shard = await ownedShard(s);
    const { a, b } = await twoRuns(s, shard);
    const staleCloseB = { ...mutationOf(b, CLOSED), expectedDbRecordVersion: b.dbRecordVersion + 3 };
    const next = newSnapshot({ ...a, runId: uid() });
    await rejectsWith(
      s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: resetOf(a), currentMutation: staleCloseB, newSnapshot: next }),
      WorkflowConditionFailedError,
    );
    expectState(await s.executions.getWorkflowExecution(shard.shardId, a), a);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, b), b);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, next), NotFoundError);
    expect((await s.executions.getCurrentExecution(shard.shardId, a.namespaceId, a.workflowId)).runId).toBe(b.runId);
  });

  cell.test('execution reset: update-current fails when neither the reset run nor currentMutation is current', async (s) => {
    const shard = await ownedShard(s);
    const { a, b } = await twoRuns(s, shard);
    const err = await rejectsWith(
      s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', resetSnapshot: resetOf(a) }),
      CurrentWorkflowConditionFailedError,
    );
    expect(err.runId).toBe(b.runId);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, a), a);
  });

  cell.test('execution reset: bypass-current resets a non-current run and leaves the current row alone', async (s) => {
    const shard = await ownedShard(s);
    const { a, b } = await twoRuns(s, shard);
    const reset = resetOf(a);
    await s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', resetSnapshot: reset });
    expectState(await s.executions.getWorkflowExecution(shard.shardId, a), reset);
    const current = await s.executions.getCurrentExecution(shard.shardId, a.namespaceId, a.workflowId);
    expect({ runId: current.runId, lastWriteVersion: current.lastWriteVersion }).toEqual({ runId: b.runId, lastWriteVersion: b.lastWriteVersion });
  });

  cell.test('execution reset: bypass-current on the current run fails with CurrentWorkflowConditionFailed', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    await rejectsWith(s.executions.conflictResolveWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', resetSnapshot: resetOf(run) }), CurrentWorkflowConditionFailedError);
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
  });
}
