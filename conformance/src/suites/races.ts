import { expect } from 'vitest';
import {
  AlreadyExistsError,
  ConditionFailedError,
  CurrentWorkflowConditionFailedError,
  ShardOwnershipLostError,
  WorkflowConditionFailedError,
} from '@hourglass/core';
import type { PersistenceError } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { createRun, mutationOf, newKey, newSnapshot } from '../execution-fixtures.js';
import { RACERS, expectBlob, race, textBlob, uid } from '../fixtures.js';
import { ownedShard } from './shard.js';
import { createTestNamespace } from './namespace.js';
import { createQueue } from './task-queue.js';

type ErrorClass = abstract new (...args: never[]) => PersistenceError;

/** Exactly one call won and every other call lost with the typed condition error. */
function expectOneWinner(outcome: Awaited<ReturnType<typeof race>>, loserClass: ErrorClass): number {
  for (const { index, error } of outcome.losers) {
    expect(error, `racer ${index} failed with ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`).toBeInstanceOf(loserClass);
  }
  expect(outcome.winners.length, 'number of winners').toBe(1);
  return outcome.winners[0]!;
}

const indices = Array.from({ length: RACERS }, (_, i) => i);

export function racesSuite(cell: Cell): void {
  cell.test(`races: ${RACERS} namespace updates with one notification version have one winner`, async (s) => {
    const ns = await createTestNamespace(s);
    const version = (await s.namespaces.getMetadata()).notificationVersion;
    const outcome = await race(indices.map((i) => () => s.namespaces.updateNamespace({ id: ns.id, data: textBlob(`writer ${i}`), isGlobal: false, notificationVersion: version })));
    const winner = expectOneWinner(outcome, ConditionFailedError);
    expectBlob((await s.namespaces.getNamespace({ id: ns.id })).data, textBlob(`writer ${winner}`));
    expect((await s.namespaces.getMetadata()).notificationVersion).toBe(version + 1);
  });

  cell.test(`races: ${RACERS} creates of one namespace name have one winner`, async (s) => {
    const name = `ns-${uid()}`;
    const ids = indices.map(() => uid());
    const outcome = await race(ids.map((id) => () => s.namespaces.createNamespace({ id, name, data: textBlob(id), isGlobal: false })));
    const winner = expectOneWinner(outcome, AlreadyExistsError);
    expect((await s.namespaces.getNamespace({ name })).id).toBe(ids[winner]);
  });

  cell.test(`races: ${RACERS} shard takeovers from one rangeId have one winner`, async (s) => {
    const shard = await ownedShard(s, 100);
    const outcome = await race(indices.map((i) => () => s.shards.updateShard({ shardId: shard.shardId, rangeId: 101 + i, shardInfo: textBlob(`owner ${i}`), previousRangeId: 100 })));
    const winner = expectOneWinner(outcome, ShardOwnershipLostError);
    const stored = await s.shards.getOrCreateShard({ shardId: shard.shardId, initialRangeId: 1, initialShardInfo: textBlob('unused') });
    expect(stored.rangeId).toBe(101 + winner);
    expectBlob(stored.shardInfo, textBlob(`owner ${winner}`));
  });

  cell.test(`races: ${RACERS} execution updates with one dbRecordVersion have one winner and nothing else is written`, async (s) => {
    const shard = await ownedShard(s);
    const run = await createRun(s, shard);
    const outcome = await race(
      indices.map((i) => () =>
        s.executions.updateWorkflowExecution({
          shardId: shard.shardId,
          rangeId: shard.rangeId,
          mode: 'update-current',
          mutation: mutationOf(run, { nextEventId: 100 + i, upsertActivityInfos: new Map([[i, textBlob(`activity of ${i}`)]]), newBufferedEvents: textBlob(`events of ${i}`) }),
        }),
      ),
    );
    const winner = expectOneWinner(outcome, WorkflowConditionFailedError);
    const state = await s.executions.getWorkflowExecution(shard.shardId, run);
    expect(state.nextEventId).toBe(100 + winner);
    expect([...state.activityInfos.keys()]).toEqual([winner]);
    expect(state.bufferedEvents.length).toBe(1);
    expectBlob(state.bufferedEvents[0], textBlob(`events of ${winner}`));
  });

  cell.test(`races: ${RACERS} brand-new creates of one workflow id have one winner`, async (s) => {
    const shard = await ownedShard(s);
    const key = newKey();
    const snapshots = indices.map(() => newSnapshot({ ...key, runId: uid() }));
    const outcome = await race(snapshots.map((snapshot) => () => s.executions.createWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'brand-new', snapshot })));
    const winner = expectOneWinner(outcome, CurrentWorkflowConditionFailedError);
    expect((await s.executions.getCurrentExecution(shard.shardId, key.namespaceId, key.workflowId)).runId).toBe(snapshots[winner]!.runId);
    const listed = await s.executions.listConcreteExecutions(shard.shardId, { pageSize: 100 });
    expect(listed.items.map((r) => r.runId)).toEqual([snapshots[winner]!.runId]);
  });

  cell.test(`races: ${RACERS} task-queue lease takeovers from one rangeId have one winner`, async (s) => {
    const key = await createQueue(s, undefined, 10);
    const outcome = await race(indices.map((i) => () => s.taskQueues.updateTaskQueue({ ...key, rangeId: 11 + i, info: textBlob(`owner ${i}`), previousRangeId: 10 })));
    const winner = expectOneWinner(outcome, ConditionFailedError);
    const stored = await s.taskQueues.getTaskQueue(key);
    expect(stored.rangeId).toBe(11 + winner);
    expectBlob(stored.info, textBlob(`owner ${winner}`));
  });

  cell.test(`races: ${RACERS} task-queue creates have one winner`, async (s) => {
    const key = { namespaceId: uid(), name: `tq-${uid()}`, taskType: 1 as const };
    const outcome = await race(indices.map((i) => () => s.taskQueues.createTaskQueue({ ...key, rangeId: 1 + i, info: textBlob(`creator ${i}`) })));
    const winner = expectOneWinner(outcome, AlreadyExistsError);
    expect((await s.taskQueues.getTaskQueue(key)).rangeId).toBe(1 + winner);
  });

  cell.test(`races: ${RACERS} first saves of cluster metadata have one winner, then ${RACERS} CAS saves have one winner`, async (s) => {
    const clusterName = `cluster-${uid()}`;
    const creates = await race(indices.map((i) => () => s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 4, data: textBlob(`creator ${i}`), expectedVersion: 0 })));
    const creator = expectOneWinner(creates, ConditionFailedError);
    expectBlob((await s.clusterMetadata.getClusterMetadata(clusterName)).data, textBlob(`creator ${creator}`));
    const updates = await race(indices.map((i) => () => s.clusterMetadata.saveClusterMetadata({ clusterName, numHistoryShards: 4, data: textBlob(`updater ${i}`), expectedVersion: 1 })));
    const updater = expectOneWinner(updates, ConditionFailedError);
    const stored = await s.clusterMetadata.getClusterMetadata(clusterName);
    expect(stored.version).toBe(2);
    expectBlob(stored.data, textBlob(`updater ${updater}`));
  });

  cell.test(`races: ${RACERS} concurrent createTasks on one lease are all written exactly once`, async (s) => {
    const key = await createQueue(s, undefined, 3);
    const outcome = await race(indices.map((i) => () => s.taskQueues.createTasks({ ...key, rangeId: 3, tasks: [{ taskId: 2 * i + 1, data: textBlob(`t${i}a`) }, { taskId: 2 * i + 2, data: textBlob(`t${i}b`) }] })));
    expect(outcome.losers.map((l) => String(l.error))).toEqual([]);
    const page = await s.taskQueues.getTasks({ ...key, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 1_000, pageSize: 1_000 });
    expect(page.items.map((t) => t.taskId)).toEqual(Array.from({ length: 2 * RACERS }, (_, i) => i + 1));
  });
}
