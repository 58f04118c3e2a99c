import { sql } from 'kysely';
import type { RawBuilder, Selectable, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError, branchSegments, clipSegments, forkedBranch, nodesToDelete, requireBlob, requireSafeInteger, requireShardId } from '@hourglass/core';
import type {
  AppendHistoryNodesRequest,
  BranchSegment,
  ForkHistoryBranchRequest,
  HistoryBranch,
  HistoryNode,
  HistoryStore,
  HistoryTreeBranchRecord,
  Page,
  PageRequest,
  ReadHistoryBranchRequest,
} from '@hourglass/core';
import { decodeCursor, fetchSize, keysetAfter, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import type { HistoryTreeTable } from '../tables.js';
import { optionalText, requireBoolean, requireId, requireObject } from '../validate.js';
import { bindBytes, int, readBlob } from '../values.js';
import { decodeAncestors, encodeAncestors, validateBranch } from './history-branch-codec.js';

/** history_tree.info is free text; the bound keeps every dialect's column able to hold it. */
export const MAX_TREE_INFO_LENGTH = 4096;

/**
 * History trees. Nodes are stored per (branch, node id, txn id) and a read takes the highest
 * txn id of each node id; a branch's ancestors (kept as JSON in its tree row) say which stored
 * branch holds which node ids, using core's branch geometry.
 */
export class SqlHistoryStore implements HistoryStore {
  constructor(private readonly runner: SqlRunner) {}

  async appendHistoryNodes(request: AppendHistoryNodesRequest): Promise<void> {
    requireObject(request, 'request');
    requireShardId(request.shardId);
    validateBranch(request.branch);
    requireSafeInteger(request.nodeId, 'nodeId', 1);
    requireSafeInteger(request.txnId, 'txnId', 0);
    requireSafeInteger(request.prevTxnId, 'prevTxnId', 0);
    requireBlob(request.events, 'events');
    requireBoolean(request.isNewBranch, 'isNewBranch');
    optionalText(request.info, 'info', MAX_TREE_INFO_LENGTH);
    const { shardId, branch } = request;
    const insertNode = (db: Db) =>
      db
        .insertInto('history_node')
        .values({
          shard_id: shardId,
          tree_id: branch.treeId,
          branch_id: branch.branchId,
          node_id: request.nodeId,
          txn_id: request.txnId,
          prev_txn_id: request.prevTxnId,
          data: bindBytes(request.events.data),
          data_encoding: request.events.encoding,
        })
        // The same (node, txn) written again is a retry of the same batch: keep the latest bytes.
        .modifyEnd(this.runner.dialect.upsertClause(['shard_id', 'tree_id', 'branch_id', 'node_id', 'txn_id'], ['prev_txn_id', 'data', 'data_encoding']))
        .execute();
    if (!request.isNewBranch) {
      await this.runner.run(insertNode);
      return;
    }
    await this.runner.write(async (tx) => {
      await insertNode(tx);
      await this.recordBranch(tx, shardId, branch, request.info ?? '', 'upsert');
    });
  }

  async readHistoryBranch(request: ReadHistoryBranchRequest): Promise<Page<HistoryNode>> {
    requireObject(request, 'request');
    requireShardId(request.shardId);
    validateBranch(request.branch);
    requireSafeInteger(request.minNodeId, 'minNodeId', 0);
    requireSafeInteger(request.maxNodeId, 'maxNodeId', 0);
    if (request.minNodeId >= request.maxNodeId) {
      throw new InvalidPersistenceRequestError(`minNodeId (${request.minNodeId}) must be below maxNodeId (${request.maxNodeId})`);
    }
    if (request.reverse !== undefined) requireBoolean(request.reverse, 'reverse');
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['number']);
    const reverse = request.reverse === true;
    const segments = clipSegments(branchSegments(request.branch), request.minNodeId, request.maxNodeId);
    const { shardId, branch } = request;
    const rows = await this.runner.run((db) => {
      let q = db
        .selectFrom('history_node as n')
        .select(['n.node_id', 'n.txn_id', 'n.prev_txn_id', 'n.data', 'n.data_encoding'])
        .where('n.shard_id', '=', shardId)
        .where('n.tree_id', '=', branch.treeId)
        .where(inAnySegment(segments))
        .where(latestTxnOfNode())
        .orderBy('n.node_id', reverse ? 'desc' : 'asc')
        .limit(limit);
      if (cursor) q = q.where('n.node_id', reverse ? '<' : '>', cursor[0]);
      return q.execute();
    });
    return toPage(
      rows,
      request.pageSize,
      (r) => ({
        nodeId: int(r.node_id, 'node_id'),
        txnId: int(r.txn_id, 'txn_id'),
        prevTxnId: int(r.prev_txn_id, 'prev_txn_id'),
        events: readBlob(r.data, r.data_encoding, 'data'),
      }),
      (r) => [int(r.node_id, 'node_id')],
    );
  }

  async forkHistoryBranch(request: ForkHistoryBranchRequest): Promise<HistoryBranch> {
    requireObject(request, 'request');
    requireShardId(request.shardId);
    validateBranch(request.forkBranch, 'forkBranch');
    requireId(request.newBranchId, 'newBranchId');
    optionalText(request.info, 'info', MAX_TREE_INFO_LENGTH);
    const branch = forkedBranch(request.forkBranch, request.forkNodeId, request.newBranchId);
    // A plain insert: a branch id already recorded in the tree surfaces as AlreadyExistsError.
    await this.runner.write((tx) => this.recordBranch(tx, request.shardId, branch, request.info ?? '', 'insert'));
    return branch;
  }

  async deleteHistoryBranch(shardId: number, branch: HistoryBranch): Promise<void> {
    requireShardId(shardId);
    validateBranch(branch);
    await this.runner.write(async (tx) => {
      const recorded = await this.treeBranches(tx, shardId, branch.treeId);
      // The recorded ancestors are authoritative; the caller's copy only matters for an unrecorded branch.
      const target = recorded.find((b) => b.branchId === branch.branchId) ?? branch;
      const remaining = recorded.filter((b) => b.branchId !== branch.branchId);
      for (const deletion of nodesToDelete(target, remaining)) {
        await tx
          .deleteFrom('history_node')
          .where('shard_id', '=', shardId)
          .where('tree_id', '=', branch.treeId)
          .where('branch_id', '=', deletion.branchId)
          .where('node_id', '>=', deletion.fromNodeId)
          .execute();
      }
      await tx.deleteFrom('history_tree').where('shard_id', '=', shardId).where('tree_id', '=', branch.treeId).where('branch_id', '=', branch.branchId).execute();
    });
  }

  async getHistoryTree(shardId: number, treeId: string): Promise<HistoryBranch[]> {
    requireShardId(shardId);
    requireId(treeId, 'treeId');
    return this.runner.run((db) => this.treeBranches(db, shardId, treeId));
  }

  async listHistoryBranches(request: PageRequest): Promise<Page<HistoryTreeBranchRecord>> {
    requireObject(request, 'request');
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['number', 'string', 'string']);
    const rows = await this.runner.run((db) => {
      let q = db.selectFrom('history_tree').selectAll().orderBy('shard_id').orderBy('tree_id').orderBy('branch_id').limit(limit);
      if (cursor) q = q.where(keysetAfter([{ column: 'shard_id' }, { column: 'tree_id' }, { column: 'branch_id' }], cursor));
      return q.execute();
    });
    return toPage(
      rows,
      request.pageSize,
      (r) => ({ shardId: int(r.shard_id, 'shard_id'), branch: toBranch(r), info: r.info }),
      (r) => [int(r.shard_id, 'shard_id'), r.tree_id, r.branch_id],
    );
  }

  private async treeBranches(db: Db, shardId: number, treeId: string): Promise<HistoryBranch[]> {
    const rows = await db.selectFrom('history_tree').selectAll().where('shard_id', '=', shardId).where('tree_id', '=', treeId).orderBy('branch_id').execute();
    return rows.map(toBranch);
  }

  private async recordBranch(tx: Db, shardId: number, branch: HistoryBranch, info: string, how: 'insert' | 'upsert'): Promise<void> {
    const insert = tx
      .insertInto('history_tree')
      .values({ shard_id: shardId, tree_id: branch.treeId, branch_id: branch.branchId, ancestors: encodeAncestors(branch.ancestors), info });
    if (how === 'insert') await insert.execute();
    else await insert.modifyEnd(this.runner.dialect.upsertClause(['shard_id', 'tree_id', 'branch_id'], ['ancestors', 'info'])).execute();
  }
}

/** Each segment names the stored branch that holds one node-id range of the branch being read. */
function inAnySegment(segments: readonly BranchSegment[]): RawBuilder<SqlBool> {
  if (segments.length === 0) return sql<SqlBool>`1 = 0`;
  const alternatives = segments.map((s) => sql`(n.branch_id = ${s.branchId} and n.node_id >= ${s.beginNodeId} and n.node_id < ${s.endNodeId})`);
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}

/** Several transactions may have written one node id; only the highest txn id counts. */
function latestTxnOfNode(): RawBuilder<SqlBool> {
  return sql<SqlBool>`n.txn_id = (select max(m.txn_id) from history_node m
    where m.shard_id = n.shard_id and m.tree_id = n.tree_id and m.branch_id = n.branch_id and m.node_id = n.node_id)`;
}

function toBranch(row: Selectable<HistoryTreeTable>): HistoryBranch {
  const where = `history_tree ${row.tree_id}/${row.branch_id}`;
  return { treeId: row.tree_id, branchId: row.branch_id, ancestors: decodeAncestors(row.ancestors, where) };
}
