import cassandra from 'cassandra-driver';
import { InvalidPersistenceRequestError, branchSegments, clipSegments, forkedBranch, nodesToDelete, requireBlob, requireNonEmpty, requirePageSize, requireSafeInteger, requireShardId } from '@hourglass/core';
import type {
  AppendHistoryNodesRequest,
  ForkHistoryBranchRequest,
  HistoryBranch,
  HistoryBranchRange,
  HistoryNode,
  HistoryStore,
  HistoryTreeBranchRecord,
  Page,
  PageRequest,
  ReadHistoryBranchRequest,
} from '@hourglass/core';
import { pageOf, readCursor } from '../paging.js';
import type { CqlSession, CqlStatement, Row } from '../session.js';
import { bytes, long, num, requiredBlob } from '../values.js';

/** Node rows are large (event batches); a small driver page keeps memory flat while reading. */
const NODE_FETCH_SIZE = 50;

function validateBranch(branch: HistoryBranch): void {
  if (typeof branch !== 'object' || branch === null) throw new InvalidPersistenceRequestError('branch must be a HistoryBranch');
  requireNonEmpty(branch.treeId, 'treeId');
  requireNonEmpty(branch.branchId, 'branchId');
  if (!Array.isArray(branch.ancestors)) throw new InvalidPersistenceRequestError('branch.ancestors must be an array');
  for (const a of branch.ancestors) {
    requireNonEmpty(a.branchId, 'ancestors[].branchId');
    requireSafeInteger(a.beginNodeId, 'ancestors[].beginNodeId', 1);
    requireSafeInteger(a.endNodeId, 'ancestors[].endNodeId', 1);
  }
}

function ancestorTuples(ancestors: readonly HistoryBranchRange[]): cassandra.types.Tuple[] {
  return ancestors.map((a) => new cassandra.types.Tuple(a.branchId, long(a.beginNodeId), long(a.endNodeId)));
}

function branchOf(row: Row): HistoryBranch {
  const ancestors = (row.get('ancestors') as cassandra.types.Tuple[] | null) ?? [];
  return {
    treeId: row.get('tree_id') as string,
    branchId: row.get('branch_id') as string,
    ancestors: ancestors.map((t) => ({ branchId: t.get(0) as string, beginNodeId: num(t.get(1)), endNodeId: num(t.get(2)) })),
  };
}

function recordBranch(shardId: number, branch: HistoryBranch, info: string): CqlStatement {
  return {
    query: 'INSERT INTO history_tree (shard_id, tree_id, branch_id, ancestors, info) VALUES (?, ?, ?, ?, ?)',
    params: [shardId, branch.treeId, branch.branchId, ancestorTuples(branch.ancestors), info],
  };
}

const TREE_COLUMNS = 'shard_id, tree_id, branch_id, ancestors, info';

export class CassandraHistoryStore implements HistoryStore {
  constructor(private readonly session: CqlSession) {}

  async appendHistoryNodes(request: AppendHistoryNodesRequest): Promise<void> {
    requireShardId(request.shardId);
    validateBranch(request.branch);
    requireSafeInteger(request.nodeId, 'nodeId', 1);
    requireSafeInteger(request.txnId, 'txnId', 0);
    requireSafeInteger(request.prevTxnId, 'prevTxnId');
    requireBlob(request.events, 'events');
    const node: CqlStatement = {
      query: 'INSERT INTO history_node (tree_id, branch_id, node_id, txn_id, prev_txn_id, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)',
      params: [request.branch.treeId, request.branch.branchId, request.nodeId, request.txnId, request.prevTxnId, bytes(request.events.data), request.events.encoding],
    };
    // The tree row goes first and on its own: a multi-partition batch holding a large event
    // blob would trip Cassandra's batch size limit. A failure in between leaves a recorded,
    // still-empty branch (the state before any append), never nodes no tree row points to.
    if (request.isNewBranch) {
      const tree = recordBranch(request.shardId, request.branch, request.info ?? '');
      await this.session.execute(tree.query, tree.params, 'appendHistoryNodes');
    }
    await this.session.execute(node.query, node.params, 'appendHistoryNodes');
  }

  async readHistoryBranch(request: ReadHistoryBranchRequest): Promise<Page<HistoryNode>> {
    requireShardId(request.shardId);
    validateBranch(request.branch);
    requirePageSize(request.pageSize);
    requireSafeInteger(request.minNodeId, 'minNodeId', 1);
    requireSafeInteger(request.maxNodeId, 'maxNodeId', 1);
    if (request.minNodeId >= request.maxNodeId) throw new InvalidPersistenceRequestError('minNodeId must be below maxNodeId');
    const reverse = request.reverse === true;
    const cursor = readCursor<[number]>(request, ['number']);
    // The cursor is the last node id returned; the next page starts beyond it in the read direction.
    const min = !reverse && cursor !== undefined ? Math.max(request.minNodeId, cursor[0] + 1) : request.minNodeId;
    const max = reverse && cursor !== undefined ? Math.min(request.maxNodeId, cursor[0]) : request.maxNodeId;
    const segments = min < max ? clipSegments(branchSegments(request.branch), min, max) : [];
    if (reverse) segments.reverse();
    const found: HistoryNode[] = [];
    for (const segment of segments) {
      for await (const node of this.segmentNodes(request.branch.treeId, segment.branchId, segment.beginNodeId, segment.endNodeId, reverse)) {
        found.push(node);
        if (found.length > request.pageSize) break;
      }
      if (found.length > request.pageSize) break;
    }
    return pageOf(found, request.pageSize, (n) => [n.nodeId]);
  }

  /** One node per node id (its highest txn id), in the read direction. */
  private async *segmentNodes(treeId: string, branchId: string, begin: number, end: number, reverse: boolean): AsyncGenerator<HistoryNode> {
    const query = `SELECT node_id, txn_id, prev_txn_id, data, data_encoding FROM history_node WHERE tree_id = ? AND branch_id = ? AND node_id >= ? AND node_id < ?${reverse ? ' ORDER BY node_id DESC' : ''}`;
    let best: HistoryNode | undefined;
    for await (const row of this.session.rows(query, [treeId, branchId, begin, end], 'readHistoryBranch', NODE_FETCH_SIZE)) {
      const node: HistoryNode = {
        nodeId: num(row.get('node_id')),
        txnId: num(row.get('txn_id')),
        prevTxnId: num(row.get('prev_txn_id')),
        events: requiredBlob(row, 'data', 'data_encoding'),
      };
      if (best !== undefined && best.nodeId !== node.nodeId) {
        yield best;
        best = undefined;
      }
      if (best === undefined || node.txnId > best.txnId) best = node;
    }
    if (best !== undefined) yield best;
  }

  async forkHistoryBranch(request: ForkHistoryBranchRequest): Promise<HistoryBranch> {
    requireShardId(request.shardId);
    validateBranch(request.forkBranch);
    requireNonEmpty(request.newBranchId, 'newBranchId');
    const branch = forkedBranch(request.forkBranch, request.forkNodeId, request.newBranchId);
    const statement = recordBranch(request.shardId, branch, request.info ?? '');
    await this.session.execute(statement.query, statement.params, 'forkHistoryBranch');
    return branch;
  }

  async deleteHistoryBranch(shardId: number, branch: HistoryBranch): Promise<void> {
    requireShardId(shardId);
    validateBranch(branch);
    const remaining = (await this.getHistoryTree(shardId, branch.treeId)).filter((b) => b.branchId !== branch.branchId);
    for (const deletion of nodesToDelete(branch, remaining)) {
      await this.session.execute(
        'DELETE FROM history_node WHERE tree_id = ? AND branch_id = ? AND node_id >= ?',
        [branch.treeId, deletion.branchId, deletion.fromNodeId],
        'deleteHistoryBranch',
      );
    }
    await this.session.execute('DELETE FROM history_tree WHERE shard_id = ? AND tree_id = ? AND branch_id = ?', [shardId, branch.treeId, branch.branchId], 'deleteHistoryBranch');
  }

  async getHistoryTree(shardId: number, treeId: string): Promise<HistoryBranch[]> {
    requireShardId(shardId);
    requireNonEmpty(treeId, 'treeId');
    const rs = await this.session.execute(`SELECT ${TREE_COLUMNS} FROM history_tree WHERE shard_id = ? AND tree_id = ?`, [shardId, treeId], 'getHistoryTree');
    return rs.rows.map(branchOf);
  }

  /** Every branch in token order of its tree partition, then branch id: the order a full scan returns. */
  async listHistoryBranches(request: PageRequest): Promise<Page<HistoryTreeBranchRecord>> {
    const cursor = readCursor<[number, string, string]>(request, ['number', 'string', 'string']);
    const limit = request.pageSize + 1;
    const fetched: HistoryTreeBranchRecord[] = [];
    const take = (rows: readonly Row[]) => {
      for (const row of rows) if (fetched.length < limit) fetched.push({ shardId: row.get('shard_id') as number, branch: branchOf(row), info: (row.get('info') as string | null) ?? '' });
    };
    if (cursor === undefined) {
      take((await this.session.execute(`SELECT ${TREE_COLUMNS} FROM history_tree LIMIT ?`, [limit], 'listHistoryBranches')).rows);
    } else {
      const [shardId, treeId, branchId] = cursor;
      take((await this.session.execute(`SELECT ${TREE_COLUMNS} FROM history_tree WHERE shard_id = ? AND tree_id = ? AND branch_id > ? LIMIT ?`, [shardId, treeId, branchId, limit], 'listHistoryBranches')).rows);
      if (fetched.length < limit) {
        take(
          (await this.session.execute(`SELECT ${TREE_COLUMNS} FROM history_tree WHERE token(shard_id, tree_id) > token(?, ?) LIMIT ?`, [shardId, treeId, limit - fetched.length], 'listHistoryBranches')).rows,
        );
      }
    }
    return pageOf(fetched, request.pageSize, (r) => [r.shardId, r.branch.treeId, r.branch.branchId]);
  }
}
