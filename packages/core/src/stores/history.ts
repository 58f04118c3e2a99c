import type { DataBlob } from '../blob.js';
import type { Page, PageRequest } from '../page-token.js';

/** A half-open node-id range [beginNodeId, endNodeId) that a branch inherits from an ancestor branch. */
export interface HistoryBranchRange {
  readonly branchId: string;
  readonly beginNodeId: number;
  readonly endNodeId: number;
}

/**
 * A branch of a history tree. Nodes below the last ancestor's endNodeId are read from the
 * ancestors; nodes from there on belong to `branchId` itself.
 */
export interface HistoryBranch {
  readonly treeId: string;
  readonly branchId: string;
  readonly ancestors: readonly HistoryBranchRange[];
}

export interface HistoryNode {
  readonly nodeId: number;
  readonly txnId: number;
  readonly prevTxnId: number;
  readonly events: DataBlob;
}

export interface AppendHistoryNodesRequest {
  readonly shardId: number;
  readonly branch: HistoryBranch;
  /** The first event id of the batch. */
  readonly nodeId: number;
  readonly txnId: number;
  readonly prevTxnId: number;
  readonly events: DataBlob;
  /** Also records the branch in its tree, in the same write. */
  readonly isNewBranch: boolean;
  /** Free-form note stored with the tree row (e.g. which workflow created the branch). */
  readonly info?: string;
}

export interface ReadHistoryBranchRequest extends PageRequest {
  readonly shardId: number;
  readonly branch: HistoryBranch;
  readonly minNodeId: number;
  /** Exclusive. */
  readonly maxNodeId: number;
  /** Newest node first. */
  readonly reverse?: boolean;
}

export interface ForkHistoryBranchRequest {
  readonly shardId: number;
  readonly forkBranch: HistoryBranch;
  /** The new branch shares nodes [1, forkNodeId) with `forkBranch`. */
  readonly forkNodeId: number;
  readonly newBranchId: string;
  readonly info?: string;
}

export interface HistoryTreeBranchRecord {
  readonly shardId: number;
  readonly branch: HistoryBranch;
  readonly info: string;
}

export interface HistoryStore {
  /** For one node id, the node with the highest txnId wins on read. */
  appendHistoryNodes(request: AppendHistoryNodesRequest): Promise<void>;
  /** Nodes in [minNodeId, maxNodeId), one per node id, paged. */
  readHistoryBranch(request: ReadHistoryBranchRequest): Promise<Page<HistoryNode>>;
  forkHistoryBranch(request: ForkHistoryBranchRequest): Promise<HistoryBranch>;
  /** Deletes the branch and every node no other branch of the tree still uses. */
  deleteHistoryBranch(shardId: number, branch: HistoryBranch): Promise<void>;
  /** The branches recorded for a tree (empty when the tree is unknown). */
  getHistoryTree(shardId: number, treeId: string): Promise<HistoryBranch[]>;
  /** Every branch of every tree, for scavengers. */
  listHistoryBranches(request: PageRequest): Promise<Page<HistoryTreeBranchRecord>>;
}
