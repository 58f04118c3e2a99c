import { describe, expect, it } from 'vitest';
import { branchSegments, clipSegments, forkedBranch, nodesToDelete, OPEN_END } from '@hourglass/core';

describe('history branch geometry', () => {
  const root = { treeId: 't', branchId: 'a', ancestors: [] };

  it('a root branch owns every node from 1', () => {
    expect(branchSegments(root)).toEqual([{ branchId: 'a', beginNodeId: 1, endNodeId: OPEN_END }]);
  });

  it('a fork inherits [1, forkNodeId) and a fork of a fork clips the chain', () => {
    const b = forkedBranch(root, 10, 'b');
    expect(b.ancestors).toEqual([{ branchId: 'a', beginNodeId: 1, endNodeId: 10 }]);
    const c = forkedBranch(b, 5, 'c');
    expect(c.ancestors).toEqual([{ branchId: 'a', beginNodeId: 1, endNodeId: 5 }]);
    const d = forkedBranch(b, 15, 'd');
    expect(branchSegments(d)).toEqual([
      { branchId: 'a', beginNodeId: 1, endNodeId: 10 },
      { branchId: 'b', beginNodeId: 10, endNodeId: 15 },
      { branchId: 'd', beginNodeId: 15, endNodeId: OPEN_END },
    ]);
    expect(clipSegments(branchSegments(d), 12, 20)).toEqual([
      { branchId: 'b', beginNodeId: 12, endNodeId: 15 },
      { branchId: 'd', beginNodeId: 15, endNodeId: 20 },
    ]);
  });

  it('deleting a fork keeps nodes that the original branch still owns', () => {
    const b = forkedBranch(root, 10, 'b');
    expect(nodesToDelete(b, [root])).toEqual([{ branchId: 'b', fromNodeId: 10 }]);
    expect(nodesToDelete(root, [b])).toEqual([{ branchId: 'a', fromNodeId: 10 }]);
  });

  it('rejects a fork at the first node', () => {
    expect(() => forkedBranch(root, 1, 'x')).toThrow(/forkNodeId/);
  });
});
