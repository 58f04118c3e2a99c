import { expect } from 'vitest';
import { TaskCategories, TaskQueueType } from '@hourglass/core';
import type { DataBlob, PageRequest } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { createRun, expectState, mutationOf, newKey } from '../execution-fixtures.js';
import { MICROS_INSTANT, expectBlob, randomBlob, randomShardId, textBlob, uid } from '../fixtures.js';
import { createTestNamespace } from './namespace.js';
import { ownedShard } from './shard.js';
import { createQueue, newQueueKey } from './task-queue.js';

const FOUR_MB = 4 * 1024 * 1024;
const BIG_BLOB_TIMEOUT_MS = 120_000;

/**
 * Reads pages one at a time and inserts new items between pages: every item present before
 * the scan must be returned exactly once, whatever the inserts do to the positions.
 */
async function scanWhileInserting<T>(fetchPage: (request: PageRequest) => Promise<{ items: T[]; nextPageToken?: Uint8Array }>, insert: (round: number) => Promise<void>, pageSize: number): Promise<T[]> {
  const seen: T[] = [];
  let token: Uint8Array | undefined;
  for (let round = 0; round < 1_000; round++) {
    const page = await fetchPage(token === undefined ? { pageSize } : { pageSize, nextPageToken: token });
    seen.push(...page.items);
    if (page.nextPageToken === undefined || page.nextPageToken.byteLength === 0) return seen;
    token = page.nextPageToken;
    await insert(round);
  }
  throw new Error('scan did not end');
}

function expectEachOnce(seen: readonly string[], required: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  expect(repeated, 'items returned more than once').toEqual([]);
  const missing = required.filter((id) => !counts.has(id));
  expect(missing, 'items present before the scan but never returned').toEqual([]);
}

const UNICODE_IDS = ['工作流-🚀', 'Ünïcödé—ワークフロー', 'emoji 👩‍👩‍👧‍👦 family', 'rtl مرحبا', 'nul-free \u00a0 nbsp', 'combining e\u0301'];

export function dataSuite(cell: Cell): void {
  cell.test('data: namespace paging stays stable while namespaces are created between pages', async (s) => {
    const before = await Promise.all(Array.from({ length: 6 }, () => createTestNamespace(s)));
    const seen = await scanWhileInserting((p) => s.namespaces.listNamespaces(p), async () => void (await createTestNamespace(s)), 2);
    expectEachOnce(seen.map((n) => n.id), before.map((n) => n.id));
  });

  cell.test('data: execution paging stays stable while runs are created between pages', async (s) => {
    const shard = await ownedShard(s);
    const before = [];
    for (let i = 0; i < 6; i++) before.push(await createRun(s, shard));
    const seen = await scanWhileInserting((p) => s.executions.listConcreteExecutions(shard.shardId, p), async () => void (await createRun(s, shard)), 2);
    expectEachOnce(seen.map((r) => r.runId), before.map((r) => r.runId));
  });

  cell.test('data: matching-task paging stays stable while higher and lower tasks are added between pages', async (s) => {
    const key = await createQueue(s);
    await s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: [10, 20, 30, 40, 50, 60].map((taskId) => ({ taskId, data: textBlob(`${taskId}`) })) });
    const seen = await scanWhileInserting(
      (p) => s.taskQueues.getTasks({ ...key, ...p, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 1_000 }),
      (round) => s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: [{ taskId: 100 + round, data: textBlob('late') }, { taskId: 1 + round, data: textBlob('early') }] }),
      2,
    );
    expectEachOnce(seen.map((t) => String(t.taskId)), ['10', '20', '30', '40', '50', '60']);
    const ids = seen.map((t) => t.taskId);
    expect(ids, 'task pages out of order').toEqual([...ids].sort((a, b) => a - b));
  });

  cell.test('data: history-task paging stays stable while tasks are added between pages', async (s) => {
    const shard = await ownedShard(s);
    const task = (taskId: number) => ({ category: TaskCategories.Transfer, taskId, fireTime: 0, namespaceId: uid(), workflowId: 'wf', data: textBlob(`${taskId}`) });
    await s.executions.addHistoryTasks({ ...shard, tasks: [10, 20, 30, 40, 50].map(task) });
    const seen = await scanWhileInserting(
      (p) => s.executions.getHistoryTasks({ ...p, shardId: shard.shardId, category: TaskCategories.Transfer, inclusiveMin: { fireTime: 0, taskId: 0 }, exclusiveMax: { fireTime: 0, taskId: 1_000 } }),
      (round) => s.executions.addHistoryTasks({ ...shard, tasks: [task(500 + round), task(1 + round)] }),
      2,
    );
    expectEachOnce(seen.map((t) => String(t.taskId)), ['10', '20', '30', '40', '50']);
  });

  cell.test(
    'data: a 4 MB execution blob round-trips byte for byte',
    async (s) => {
      const shard = await ownedShard(s);
      const big = randomBlob(FOUR_MB);
      const run = await createRun(s, shard, newKey(), { executionInfo: big, activityInfos: new Map([[1, randomBlob(FOUR_MB)]]) });
      expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
    },
    BIG_BLOB_TIMEOUT_MS,
  );

  cell.test(
    'data: a 4 MB buffered-event batch round-trips byte for byte',
    async (s) => {
      const shard = await ownedShard(s);
      const run = await createRun(s, shard);
      const big = randomBlob(FOUR_MB);
      await s.executions.updateWorkflowExecution({ shardId: shard.shardId, rangeId: shard.rangeId, mode: 'update-current', mutation: mutationOf(run, { newBufferedEvents: big }) });
      expectBlob((await s.executions.getWorkflowExecution(shard.shardId, run)).bufferedEvents[0], big);
    },
    BIG_BLOB_TIMEOUT_MS,
  );

  cell.test(
    'data: a 4 MB history node round-trips byte for byte',
    async (s) => {
      const shardId = randomShardId();
      const branch = { treeId: uid(), branchId: uid(), ancestors: [] };
      const big = randomBlob(FOUR_MB);
      await s.history.appendHistoryNodes({ shardId, branch, nodeId: 1, txnId: 1, prevTxnId: 0, events: big, isNewBranch: true });
      const page = await s.history.readHistoryBranch({ shardId, branch, minNodeId: 1, maxNodeId: 2, pageSize: 1 });
      expectBlob(page.items[0]?.events, big);
    },
    BIG_BLOB_TIMEOUT_MS,
  );

  cell.test(
    'data: 4 MB namespace, shard, task-queue and matching-task blobs round-trip byte for byte',
    async (s) => {
      const blobs: DataBlob[] = [0, 1, 2, 3].map(() => randomBlob(FOUR_MB));
      const ns = await s.namespaces.createNamespace({ id: uid(), name: `ns-${uid()}`, data: blobs[0]!, isGlobal: false });
      expectBlob((await s.namespaces.getNamespace({ id: ns.id })).data, blobs[0]!);
      const shardId = randomShardId();
      await s.shards.getOrCreateShard({ shardId, initialRangeId: 1, initialShardInfo: blobs[1]! });
      expectBlob((await s.shards.getOrCreateShard({ shardId, initialRangeId: 1, initialShardInfo: textBlob('x') })).shardInfo, blobs[1]!);
      const key = newQueueKey();
      await s.taskQueues.createTaskQueue({ ...key, rangeId: 1, info: blobs[2]! });
      expectBlob((await s.taskQueues.getTaskQueue(key)).info, blobs[2]!);
      await s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: [{ taskId: 1, data: blobs[3]! }] });
      expectBlob((await s.taskQueues.getTasks({ ...key, inclusiveMinTaskId: 1, exclusiveMaxTaskId: 2, pageSize: 1 })).items[0]?.data, blobs[3]!);
    },
    BIG_BLOB_TIMEOUT_MS,
  );

  cell.test('data: empty blobs and unusual encodings round-trip', async (s) => {
    const empty: DataBlob = { encoding: 'proto3/ünïcode+encoding', data: new Uint8Array(0) };
    const shard = await ownedShard(s);
    const run = await createRun(s, shard, newKey(), { executionState: empty, timerInfos: new Map([['t', empty]]) });
    expectState(await s.executions.getWorkflowExecution(shard.shardId, run), run);
  });

  cell.test('data: microsecond timestamps round-trip through membership rows', async (s) => {
    const role = `role-${uid()}`;
    const member = { hostId: uid(), rpcAddress: '::1', rpcPort: 1, role, sessionStart: MICROS_INSTANT + 1, lastHeartbeat: MICROS_INSTANT + 999_999, recordExpiry: MICROS_INSTANT + 86_400_000_001 * 3650 };
    await s.clusterMetadata.upsertClusterMembership(member);
    const page = await s.clusterMetadata.getClusterMembers({ pageSize: 10, role });
    expect(page.items).toEqual([member]);
  });

  cell.test('data: microsecond timestamps round-trip through task expiry and timer fire times', async (s) => {
    const key = await createQueue(s);
    const expiries = [MICROS_INSTANT + 1, MICROS_INSTANT + 999, MICROS_INSTANT + 1_000_001];
    await s.taskQueues.createTasks({ ...key, rangeId: 1, tasks: expiries.map((expiryTime, i) => ({ taskId: i + 1, expiryTime, data: textBlob('t') })) });
    const tasks = await s.taskQueues.getTasks({ ...key, inclusiveMinTaskId: 0, exclusiveMaxTaskId: 10, pageSize: 10 });
    expect(tasks.items.map((t) => t.expiryTime)).toEqual(expiries);
    const shard = await ownedShard(s);
    const fireTimes = [MICROS_INSTANT + 7, MICROS_INSTANT + 8, MICROS_INSTANT + 1_000_009];
    await s.executions.addHistoryTasks({ ...shard, tasks: fireTimes.map((fireTime, i) => ({ category: TaskCategories.Timer, taskId: i + 1, fireTime, namespaceId: uid(), workflowId: 'wf', data: textBlob('t') })) });
    const timers = await s.executions.getHistoryTasks({ shardId: shard.shardId, category: TaskCategories.Timer, inclusiveMin: { fireTime: MICROS_INSTANT + 8, taskId: 0 }, exclusiveMax: { fireTime: MICROS_INSTANT + 1_000_009, taskId: 3 }, pageSize: 10 });
    expect(timers.items.map((t) => t.fireTime)).toEqual([MICROS_INSTANT + 8]);
  });

  for (const text of UNICODE_IDS) {
    cell.test(`data: Unicode workflow id and task queue name round-trip (${JSON.stringify(text)})`, async (s) => {
      const shard = await ownedShard(s);
      const run = await createRun(s, shard, newKey(uid(), `${text}-${uid()}`));
      expect((await s.executions.getCurrentExecution(shard.shardId, run.namespaceId, run.workflowId)).runId).toBe(run.runId);
      const listed = await s.executions.listConcreteExecutions(shard.shardId, { pageSize: 10 });
      expect(listed.items.map((r) => r.workflowId)).toEqual([run.workflowId]);
      const key = await createQueue(s, newQueueKey(TaskQueueType.Activity, `${text}/${uid()}`));
      expect((await s.taskQueues.getTaskQueue(key)).name).toBe(key.name);
    });
  }
}
