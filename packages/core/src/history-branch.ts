import { InvalidPersistenceRequestError } from './errors.js';
import type { HistoryBranch, HistoryBranchRange } from './stores/history.js';

/**
 * Branch geometry shared by every HistoryStore: which stored branch holds which node ids,
 * how a fork inherits ranges, and which nodes a delete may remove.
 */
export interface BranchSegment {
  readonly branchId: string;
  readonly beginNodeId: number;
  /** Exclusive; Number.MAX_SAFE_INTEGER for the branch's own open-ended segment. */
  readonly endNodeId: number;
}

export const OPEN_END = Number.MAX_SAFE_INTEGER;

/** The stored branches to read, in node-id order, for a branch and its ancestors. */
export function branchSegments(branch: HistoryBranch): BranchSegment[] {
  const segments: BranchSegment[] = branch.ancestors.map((a) => ({ ...a }));
  const ownBegin = branch.ancestors.length > 0 ? branch.ancestors[branch.ancestors.length - 1]!.endNodeId : 1;
  segments.push({ branchId: branch.branchId, beginNodeId: ownBegin, endNodeId: OPEN_END });
  return segments;
}

/** Segments intersected with [minNodeId, maxNodeId); empty intersections are dropped. */
export function clipSegments(segments: readonly BranchSegment[], minNodeId: number, maxNodeId: number): BranchSegment[] {
  const out: BranchSegment[] = [];
  for (const s of segments) {
    const begin = Math.max(s.beginNodeId, minNodeId);
    const end = Math.min(s.endNodeId, maxNodeId);
    if (begin < end) out.push({ branchId: s.branchId, beginNodeId: begin, endNodeId: end });
  }
  return out;
}

/** The branch that a fork at `forkNodeId` creates: it shares nodes [1, forkNodeId) with `from`. */
export function forkedBranch(from: HistoryBranch, forkNodeId: number, newBranchId: string): HistoryBranch {
  if (!Number.isSafeInteger(forkNodeId) || forkNodeId < 2) {
    throw new InvalidPersistenceRequestError(`forkNodeId must be an integer >= 2, got ${forkNodeId}`);
  }
  if (newBranchId === from.branchId) {
    throw new InvalidPersistenceRequestError('newBranchId must differ from the forked branch id');
  }
  const ancestors: HistoryBranchRange[] = [];
  for (const s of branchSegments(from)) {
    if (s.beginNodeId >= forkNodeId) break;
    ancestors.push({ branchId: s.branchId, beginNodeId: s.beginNodeId, endNodeId: Math.min(s.endNodeId, forkNodeId) });
  }
  return { treeId: from.treeId, branchId: newBranchId, ancestors };
}

/** Nodes of `branchId` with nodeId >= `fromNodeId` may be deleted. */
export interface NodeDeletion {
  readonly branchId: string;
  readonly fromNodeId: number;
}

/**
 * What deleting `branch` may remove, given the other branches still recorded in the tree:
 * a stored branch's nodes stay while any remaining branch reads them (as itself or as an ancestor).
 */
export function nodesToDelete(branch: HistoryBranch, remaining: readonly HistoryBranch[]): NodeDeletion[] {
  const deletions: NodeDeletion[] = [];
  for (const segment of branchSegments(branch)) {
    let stillUsedUpTo = 0;
    let liveItself = false;
    for (const other of remaining) {
      if (other.branchId === branch.branchId) continue;
      if (other.branchId === segment.branchId) {
        liveItself = true;
        break;
      }
      for (const a of other.ancestors) {
        if (a.branchId === segment.branchId) stillUsedUpTo = Math.max(stillUsedUpTo, a.endNodeId);
      }
    }
    if (liveItself) continue;
    deletions.push({ branchId: segment.branchId, fromNodeId: Math.max(stillUsedUpTo, segment.beginNodeId) });
  }
  return deletions;
}
