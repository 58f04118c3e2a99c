import { InvalidPersistenceRequestError, branchSegments, clipSegments, forkedBranch, nodesToDelete, requireBlob, requireNonEmpty, requireSafeInteger, requireShardId } from '@hourglass/core';
import type {
  AppendHistoryNodesRequest,
  ForkHistoryBranchRequest,
  HistoryBranch,
  HistoryNode,
  HistoryStore,
  HistoryTreeBranchRecord,
  Page,
  PageRequest,
  ReadHistoryBranchRequest,
} from '@hourglass/core';
import { pageByKey } from './paging.js';

const branchKey = (shardId: number, treeId: string, branchId: string) => JSON.stringify([shardId, treeId, branchId]);
const treeKey = (shardId: number, treeId: string) => JSON.stringify([shardId, treeId]);

function validateBranch(branch: HistoryBranch): void {
  requireNonEmpty(branch.treeId, 'treeId');
  requireNonEmpty(branch.branchId, 'branchId');
}

export class MemoryHistoryStore implements HistoryStore {
  /** Per stored branch: node id → txn id → node. */
  private readonly nodes = new Map<string, Map<number, Map<number, HistoryNode>>>();
  private readonly trees = new Map<string, Map<string, HistoryTreeBranchRecord>>();

  private record(shardId: number, branch: HistoryBranch, info: string): void {
    const key = treeKey(shardId, branch.treeId);
    const tree = this.trees.get(key) ?? new Map<string, HistoryTreeBranchRecord>();
    tree.set(branch.branchId, structuredClone({ shardId, branch, info }));
    this.trees.set(key, tree);
  }

  async appendHistoryNodes(request: AppendHistoryNodesRequest): Promise<void> {
    requireShardId(request.shardId);
    validateBranch(request.branch);
    requireSafeInteger(request.nodeId, 'nodeId', 1);
    requireSafeInteger(request.txnId, 'txnId', 0);
    requireBlob(request.events, 'events');
    const key = branchKey(request.shardId, request.branch.treeId, request.branch.branchId);
    const branchNodes = this.nodes.get(key) ?? new Map<number, Map<number, HistoryNode>>();
    const txns = branchNodes.get(request.nodeId) ?? new Map<number, HistoryNode>();
    txns.set(request.txnId, structuredClone({ nodeId: request.nodeId, txnId: request.txnId, prevTxnId: request.prevTxnId, events: request.events }));
    branchNodes.set(request.nodeId, txns);
    this.nodes.set(key, branchNodes);
    if (request.isNewBranch) this.record(request.shardId, request.branch, request.info ?? '');
  }

  async readHistoryBranch(request: ReadHistoryBranchRequest): Promise<Page<HistoryNode>> {
    requireShardId(request.shardId);
    validateBranch(request.branch);
    if (request.minNodeId >= request.maxNodeId) throw new InvalidPersistenceRequestError('minNodeId must be below maxNodeId');
    const found: HistoryNode[] = [];
    for (const segment of clipSegments(branchSegments(request.branch), request.minNodeId, request.maxNodeId)) {
      const stored = this.nodes.get(branchKey(request.shardId, request.branch.treeId, segment.branchId));
      for (const [nodeId, txns] of stored ?? []) {
        if (nodeId < segment.beginNodeId || nodeId >= segment.endNodeId) continue;
        const best = [...txns.values()].reduce((a, b) => (b.txnId > a.txnId ? b : a));
        found.push(best);
      }
    }
    const sign = request.reverse === true ? -1 : 1;
    return structuredClone(pageByKey(found, (n) => [sign * n.nodeId], request));
  }

  async forkHistoryBranch(request: ForkHistoryBranchRequest): Promise<HistoryBranch> {
    requireShardId(request.shardId);
    validateBranch(request.forkBranch);
    requireNonEmpty(request.newBranchId, 'newBranchId');
    const branch = forkedBranch(request.forkBranch, request.forkNodeId, request.newBranchId);
    this.record(request.shardId, branch, request.info ?? '');
    return structuredClone(branch);
  }

  async deleteHistoryBranch(shardId: number, branch: HistoryBranch): Promise<void> {
    requireShardId(shardId);
    validateBranch(branch);
    const tree = this.trees.get(treeKey(shardId, branch.treeId));
    const remaining = [...(tree?.values() ?? [])].map((r) => r.branch).filter((b) => b.branchId !== branch.branchId);
    for (const deletion of nodesToDelete(branch, remaining)) {
      const stored = this.nodes.get(branchKey(shardId, branch.treeId, deletion.branchId));
      for (const nodeId of [...(stored?.keys() ?? [])]) if (nodeId >= deletion.fromNodeId) stored!.delete(nodeId);
    }
    tree?.delete(branch.branchId);
  }

  async getHistoryTree(shardId: number, treeId: string): Promise<HistoryBranch[]> {
    requireShardId(shardId);
    requireNonEmpty(treeId, 'treeId');
    return structuredClone([...(this.trees.get(treeKey(shardId, treeId))?.values() ?? [])].map((r) => r.branch));
  }

  async listHistoryBranches(request: PageRequest): Promise<Page<HistoryTreeBranchRecord>> {
    const all = [...this.trees.values()].flatMap((tree) => [...tree.values()]);
    return structuredClone(pageByKey(all, (r) => [r.shardId, r.branch.treeId, r.branch.branchId], request));
  }
}
