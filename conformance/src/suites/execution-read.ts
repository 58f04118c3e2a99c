import { expect } from 'vitest';
import { NotFoundError, WorkflowState } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { createRun, expectRow, newKey, newSnapshot } from '../execution-fixtures.js';
import { readAllPages, rejectsWith, textBlob, uid } from '../fixtures.js';
import { ownedShard } from './shard.js';

export function executionReadSuite(cell: Cell): void {
  cell.test('execution read: get of an unknown run fails with NotFound', async (s) => {
    const shard = await ownedShard(s);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, newKey()), NotFoundError);
  });

  cell.test('execution read: get current of an unknown workflow fails with NotFound', async (s) => {
    const shard = await ownedShard(s);
    await rejectsWith(s.executions.getCurrentExecution(shard.shardId, uid(), `wf-${uid()}`), NotFoundError);
  });

  cell.test('execution read: a run is only found on the shard it was written to', async (s) => {
    const shard = await ownedShard(s);
    const other = await ownedShard(s);
    const run = await createRun(s, shard);
    await rejectsWith(s.executions.getWorkflowExecution(other.shardId, run), NotFoundError);
    await rejectsWith(s.executions.getCurrentExecution(other.shardId, run.namespaceId, run.workflowId), NotFoundError);
  });

  cell.test('execution delete: removes the run with its sub-records, keeps the current row, and is idempotent', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard, undefined, { activityInfos: new Map([[1, textBlob('a')]]), signalRequestedIds: new Set(['x']) });
    await s.executions.deleteWorkflowExecution(shard.shardId, run);
    await rejectsWith(s.executions.getWorkflowExecution(shard.shardId, run), NotFoundError);
    expect((await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId)).runId).toBe(run.runId);
    await s.executions.deleteWorkflowExecution(shard.shardId, run);
  });

  cell.test('execution delete: a run re-created under a deleted run id starts without the old sub-records', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard, undefined, { timerInfos: new Map([['old', textBlob('old timer')]]) });
    await s.executions.deleteWorkflowExecution(shard.shardId, run);
    const again = newSnapshot(run, { state: WorkflowState.Zombie });
    await s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'bypass-current', snapshot: again });
    expect([...(await s.executions.getWorkflowExecution(shard.shardId, run)).timerInfos.keys()]).toEqual([]);
  });

  cell.test('execution delete current: only removes the current row while it points at the given run', async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    await s.executions.deleteCurrentWorkflowExecution(shard.shardId, { ...run, runId: uid() });
    expect((await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId)).runId).toBe(run.runId);
    await s.executions.deleteCurrentWorkflowExecution(shard.shardId, run);
    await rejectsWith(s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId), NotFoundError);
    expectRow(await s.executions.getWorkflowExecution(shard.shardId, run), run);
    await s.executions.deleteCurrentWorkflowExecution(shard.shardId, run);
  });

  cell.test('execution list: listConcreteExecutions pages through every run of the shard exactly once', async (s) => {
    const shard = await ownedShard(s);
    const runs = [];
    for (let i = 0; i < 7; i++) runs.push(await createRun(s, shard));
    const { items, pages } = await readAllPages((p) => s.executions.listConcreteExecutions(shard.shardId, p), 3);
    expect(items.map((r) => r.runId).sort()).toEqual(runs.map((r) => r.runId).sort());
    expect(pages).toBeGreaterThanOrEqual(3);
    for (const run of runs) expectRow(items.find((r) => r.runId === run.runId)!, run);
  });

  cell.test('execution list: listConcreteExecutions of an empty shard is one empty page', async (s) => {
    const shard = await ownedShard(s);
    const page = await s.executions.listConcreteExecutions(shard.shardId, { pageSize: 10 });
    expect(page.items).toEqual([]);
    expect(page.nextPageToken === undefined || page.nextPageToken.byteLength === 0).toBe(true);
  });
}
