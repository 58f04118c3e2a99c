import { expect } from 'vitest';
import { forkedBranch } from '@hourglass/core';
import type { HistoryBranch, HistoryNode, PersistenceStores } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { expectBlob, randomShardId, readAllPages, textBlob, uid } from '../fixtures.js';

function newBranch(): HistoryBranch {
  return { treeId: uid(), branchId: uid(), ancestors: [] };
}

/** Appends one node per id with txnId = 10 * nodeId; the first append records the branch. */
async function appendNodes(s: PersistenceStores, shardId: number, branch: HistoryBranch, nodeIds: readonly number[], label: string, recordBranch: boolean): Promise<void> {
  let first = recordBranch;
  for (const nodeId of nodeIds) {
    await s.history.appendHistoryNodes({ shardId, branch, nodeId, txnId: nodeId * 10, prevTxnId: nodeId * 10 - 10, events: textBlob(`${label} node ${nodeId}`), isNewBranch: first, info: `info ${label}` });
    first = false;
  }
}

async function readNodes(s: PersistenceStores, shardId: number, branch: HistoryBranch, min = 1, max = 1_000, reverse = false, pageSize = 100): Promise<HistoryNode[]> {
  return (await readAllPages((p) => s.history.readHistoryBranch({ ...p, shardId, branch, minNodeId: min, maxNodeId: max, reverse }), pageSize)).items;
}

function labels(nodes: readonly HistoryNode[]): string[] {
  return nodes.map((n) => new TextDecoder().decode(n.events.data));
}

export function historySuite(cell: Cell): void {
  cell.test('history: appended nodes read back in node order with txn ids and events', async (s) => {
    const shardId = randomShardId();
    const branch = newBranch();
    await appendNodes(s, shardId, branch, [1, 3, 6, 9], 'main', true);
    const nodes = await readNodes(s, shardId, branch);
    expect(nodes.map((n) => [n.nodeId, n.txnId, n.prevTxnId])).toEqual([[1, 10, 0], [3, 30, 20], [6, 60, 50], [9, 90, 80]]);
    expectBlob(nodes[2]!.events, textBlob('main node 6'));
  });

  cell.test('history: for one node id the highest txnId wins, whatever the write order', async (s) => {
    const shardId = randomShardId();
    const branch = newBranch();
    await appendNodes(s, shardId, branch, [1], 'main', true);
    await s.history.appendHistoryNodes({ shardId, branch, nodeId: 5, txnId: 70, prevTxnId: 10, events: textBlob('txn 70'), isNewBranch: false });
    await s.history.appendHistoryNodes({ shardId, branch, nodeId: 5, txnId: 50, prevTxnId: 10, events: textBlob('txn 50'), isNewBranch: false });
    await s.history.appendHistoryNodes({ shardId, branch, nodeId: 5, txnId: 60, prevTxnId: 10, events: textBlob('txn 60'), isNewBranch: false });
    const nodes = await readNodes(s, shardId, branch);
    expect(nodes.map((n) => [n.nodeId, n.txnId])).toEqual([[1, 10], [5, 70]]);
    expect(labels(nodes)[1]).toBe('txn 70');
  });

  cell.test('history: reads [minNodeId, maxNodeId) forward and in reverse', async (s) => {
    const shardId = randomShardId();
    const branch = newBranch();
    await appendNodes(s, shardId, branch, [1, 2, 4, 7, 8, 11], 'main', true);
    expect((await readNodes(s, shardId, branch, 2, 8)).map((n) => n.nodeId)).toEqual([2, 4, 7]);
    expect((await readNodes(s, shardId, branch, 2, 8, true)).map((n) => n.nodeId)).toEqual([7, 4, 2]);
  });

  cell.test('history: paging forward and reverse returns each node once, in order', async (s) => {
    const shardId = randomShardId();
    const branch = newBranch();
    const ids = Array.from({ length: 13 }, (_, i) => 1 + i * 2);
    await appendNodes(s, shardId, branch, ids, 'main', true);
    const forward = await readAllPages((p) => s.history.readHistoryBranch({ ...p, shardId, branch, minNodeId: 1, maxNodeId: 100 }), 4);
    expect(forward.items.map((n) => n.nodeId)).toEqual(ids);
    expect(forward.pages).toBeGreaterThanOrEqual(4);
    const reverse = await readAllPages((p) => s.history.readHistoryBranch({ ...p, shardId, branch, minNodeId: 1, maxNodeId: 100, reverse: true }), 4);
    expect(reverse.items.map((n) => n.nodeId)).toEqual([...ids].reverse());
  });

  cell.test('history: fork records a branch whose ancestors cover [1, forkNodeId) of the forked branch', async (s) => {
    const shardId = randomShardId();
    const main = newBranch();
    await appendNodes(s, shardId, main, [1, 3, 5, 7], 'main', true);
    const newBranchId = uid();
    const fork = await s.history.forkHistoryBranch({ shardId, forkBranch: main, forkNodeId: 5, newBranchId, info: 'fork info' });
    expect(fork).toEqual(forkedBranch(main, 5, newBranchId));
    const tree = await s.history.getHistoryTree(shardId, main.treeId);
    expect(tree.map((b) => b.branchId).sort()).toEqual([main.branchId, newBranchId].sort());
    expect(tree.find((b) => b.branchId === newBranchId)).toEqual(fork);
  });

  cell.test('history: a forked branch reads ancestor nodes below the fork and its own nodes from it', async (s) => {
    const shardId = randomShardId();
    const main = newBranch();
    await appendNodes(s, shardId, main, [1, 3, 5, 7], 'main', true);
    const fork = await s.history.forkHistoryBranch({ shardId, forkBranch: main, forkNodeId: 5, newBranchId: uid() });
    await s.history.appendHistoryNodes({ shardId, branch: fork, nodeId: 5, txnId: 500, prevTxnId: 30, events: textBlob('fork node 5'), isNewBranch: false });
    await s.history.appendHistoryNodes({ shardId, branch: fork, nodeId: 6, txnId: 600, prevTxnId: 500, events: textBlob('fork node 6'), isNewBranch: false });
    expect(labels(await readNodes(s, shardId, fork))).toEqual(['main node 1', 'main node 3', 'fork node 5', 'fork node 6']);
    expect(labels(await readNodes(s, shardId, fork, 1, 1_000, true))).toEqual(['fork node 6', 'fork node 5', 'main node 3', 'main node 1']);
    expect(labels(await readNodes(s, shardId, main))).toEqual(['main node 1', 'main node 3', 'main node 5', 'main node 7']);
  });

  cell.test('history: a fork of a fork reads across two ancestors, paged', async (s) => {
    const shardId = randomShardId();
    const main = newBranch();
    await appendNodes(s, shardId, main, [1, 2, 3, 4], 'main', true);
    const f1 = await s.history.forkHistoryBranch({ shardId, forkBranch: main, forkNodeId: 3, newBranchId: uid() });
    await appendNodes(s, shardId, f1, [3, 4, 5], 'f1', false);
    const f2 = await s.history.forkHistoryBranch({ shardId, forkBranch: f1, forkNodeId: 5, newBranchId: uid() });
    expect(f2.ancestors.map((a) => [a.branchId, a.beginNodeId, a.endNodeId])).toEqual([[main.branchId, 1, 3], [f1.branchId, 3, 5]]);
    await appendNodes(s, shardId, f2, [5, 6], 'f2', false);
    const paged = await readAllPages((p) => s.history.readHistoryBranch({ ...p, shardId, branch: f2, minNodeId: 1, maxNodeId: 100 }), 2);
    expect(labels(paged.items)).toEqual(['main node 1', 'main node 2', 'f1 node 3', 'f1 node 4', 'f2 node 5', 'f2 node 6']);
  });

  cell.test('history: deleting a fork keeps the original branch whole', async (s) => {
    const shardId = randomShardId();
    const main = newBranch();
    await appendNodes(s, shardId, main, [1, 3, 5, 7], 'main', true);
    const fork = await s.history.forkHistoryBranch({ shardId, forkBranch: main, forkNodeId: 5, newBranchId: uid() });
    await appendNodes(s, shardId, fork, [5, 6], 'fork', false);
    await s.history.deleteHistoryBranch(shardId, fork);
    expect(labels(await readNodes(s, shardId, main))).toEqual(['main node 1', 'main node 3', 'main node 5', 'main node 7']);
    expect((await s.history.getHistoryTree(shardId, main.treeId)).map((b) => b.branchId)).toEqual([main.branchId]);
  });

  cell.test('history: deleting the original keeps the nodes a fork still inherits', async (s) => {
    const shardId = randomShardId();
    const main = newBranch();
    await appendNodes(s, shardId, main, [1, 3, 5, 7], 'main', true);
    const fork = await s.history.forkHistoryBranch({ shardId, forkBranch: main, forkNodeId: 5, newBranchId: uid() });
    await appendNodes(s, shardId, fork, [5, 6], 'fork', false);
    await s.history.deleteHistoryBranch(shardId, main);
    expect(labels(await readNodes(s, shardId, fork))).toEqual(['main node 1', 'main node 3', 'fork node 5', 'fork node 6']);
    expect((await s.history.getHistoryTree(shardId, main.treeId)).map((b) => b.branchId)).toEqual([fork.branchId]);
  });

  cell.test('history: deleting every branch empties the tree and its nodes', async (s) => {
    const shardId = randomShardId();
    const main = newBranch();
    await appendNodes(s, shardId, main, [1, 2], 'main', true);
    const fork = await s.history.forkHistoryBranch({ shardId, forkBranch: main, forkNodeId: 2, newBranchId: uid() });
    await s.history.deleteHistoryBranch(shardId, fork);
    await s.history.deleteHistoryBranch(shardId, main);
    expect(await s.history.getHistoryTree(shardId, main.treeId)).toEqual([]);
    expect(await readNodes(s, shardId, main)).toEqual([]);
  });

  cell.test('history: getHistoryTree of an unknown tree is empty', async (s) => {
    expect(await s.history.getHistoryTree(randomShardId(), uid())).toEqual([]);
  });

  cell.test('history: branches of different trees and shards are independent', async (s) => {
    const shardId = randomShardId();
    const a = newBranch();
    const b = { ...newBranch(), branchId: a.branchId };
    await appendNodes(s, shardId, a, [1, 2], 'a', true);
    await appendNodes(s, shardId, b, [1], 'b', true);
    expect(labels(await readNodes(s, shardId, a))).toEqual(['a node 1', 'a node 2']);
    expect(labels(await readNodes(s, shardId, b))).toEqual(['b node 1']);
    expect(await s.history.getHistoryTree(shardId + 1, a.treeId)).toEqual([]);
  });

  cell.test('history: listHistoryBranches pages over every recorded branch with shard, tree and info', async (s) => {
    const shardId = randomShardId();
    const mains = [newBranch(), newBranch(), newBranch()];
    for (const [i, m] of mains.entries()) await appendNodes(s, shardId, m, [1], `tree${i}`, true);
    const fork = await s.history.forkHistoryBranch({ shardId, forkBranch: mains[0]!, forkNodeId: 2, newBranchId: uid(), info: 'forked' });
    const { items } = await readAllPages((p) => s.history.listHistoryBranches(p), 2);
    const mine = items.filter((r) => [...mains.map((m) => m.branchId), fork.branchId].includes(r.branch.branchId));
    expect(mine.length).toBe(4);
    for (const [i, m] of mains.entries()) {
      const record = mine.find((r) => r.branch.branchId === m.branchId)!;
      expect({ shardId: record.shardId, branch: record.branch, info: record.info }).toEqual({ shardId, branch: m, info: `info tree${i}` });
    }
    expect(mine.find((r) => r.branch.branchId === fork.branchId)).toEqual({ shardId, branch: fork, info: 'forked' });
  });
}
