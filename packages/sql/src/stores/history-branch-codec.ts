import { InvalidPersistenceRequestError, requireSafeInteger } from '@hourglass/core';
import type { HistoryBranch, HistoryBranchRange } from '@hourglass/core';
import { requireId, requireObject } from '../validate.js';
import { CorruptRowError } from '../values.js';

/**
 * A branch's ancestors are stored as a JSON array in `history_tree.ancestors`. This module
 * checks branches coming in from callers and decodes the column going out.
 */
export function validateBranch(branch: unknown, field = 'branch'): asserts branch is HistoryBranch {
  requireObject(branch, field);
  const b = branch as HistoryBranch;
  requireId(b.treeId, `${field}.treeId`);
  requireId(b.branchId, `${field}.branchId`);
  if (!Array.isArray(b.ancestors)) throw new InvalidPersistenceRequestError(`${field}.ancestors must be an array`);
  let previousEnd = 1;
  b.ancestors.forEach((a: HistoryBranchRange, i) => {
    const at = `${field}.ancestors[${i}]`;
    requireObject(a, at);
    requireId(a.branchId, `${at}.branchId`);
    requireSafeInteger(a.beginNodeId, `${at}.beginNodeId`, 1);
    requireSafeInteger(a.endNodeId, `${at}.endNodeId`, a.beginNodeId + 1);
    // Overlapping or unordered ranges would make a read return some node ids twice.
    if (a.beginNodeId < previousEnd) throw new InvalidPersistenceRequestError(`${at} overlaps the range before it (which ends at node ${previousEnd})`);
    previousEnd = a.endNodeId;
  });
}

export function encodeAncestors(ancestors: readonly HistoryBranchRange[]): string {
  return JSON.stringify(ancestors.map((a) => ({ branchId: a.branchId, beginNodeId: a.beginNodeId, endNodeId: a.endNodeId })));
}

export function decodeAncestors(text: string, where: string): HistoryBranchRange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CorruptRowError(`${where}: ancestors column is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new CorruptRowError(`${where}: ancestors column is not a JSON array`);
  return parsed.map((entry: unknown) => {
    const a = entry as Partial<HistoryBranchRange> | null;
    if (
      typeof a !== 'object' ||
      a === null ||
      typeof a.branchId !== 'string' ||
      !Number.isSafeInteger(a.beginNodeId) ||
      !Number.isSafeInteger(a.endNodeId)
    ) {
      throw new CorruptRowError(`${where}: ancestors entry ${JSON.stringify(entry)} is not a branch range`);
    }
    return { branchId: a.branchId, beginNodeId: a.beginNodeId!, endNodeId: a.endNodeId! };
  });
}
