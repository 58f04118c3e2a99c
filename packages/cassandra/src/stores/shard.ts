import { ShardOwnershipLostError, requireBlob, requireSafeInteger, requireShardId } from '@hourglass/core';
import type { GetOrCreateShardRequest, ShardRecord, ShardStore, UpdateShardRequest } from '@hourglass/core';
import type { CqlSession, CqlStatement, Row } from '../session.js';
import { bytes, num, requiredBlob } from '../values.js';
import { KEY_COLUMNS, SHARD_KEY } from './shard-rows.js';

/** The fencing statement every shard-owned write carries: it rewrites the rangeId only if it is still the caller's. */
export function fenceStatement(shardId: number, rangeId: number): CqlStatement {
  return { query: `UPDATE executions SET range_id = ? WHERE ${SHARD_KEY} IF range_id = ?`, params: [rangeId, shardId, rangeId] };
}

export function storedRangeId(row: Row | undefined): number | undefined {
  const value = row?.get('range_id') as unknown;
  return value === null || value === undefined ? undefined : num(value);
}

export class CassandraShardStore implements ShardStore {
  constructor(private readonly session: CqlSession) {}

  async getOrCreateShard(request: GetOrCreateShardRequest): Promise<ShardRecord> {
    requireShardId(request.shardId);
    requireSafeInteger(request.initialRangeId, 'initialRangeId', 0);
    requireBlob(request.initialShardInfo, 'initialShardInfo');
    const result = await this.session.conditional(
      `INSERT INTO executions (${KEY_COLUMNS}, range_id, shard_info, shard_info_encoding) VALUES (?, 0, 0, '', '', '', 0, 0, ?, ?, ?) IF NOT EXISTS`,
      [request.shardId, request.initialRangeId, bytes(request.initialShardInfo.data), request.initialShardInfo.encoding],
      'getOrCreateShard',
    );
    if (result.applied) return { shardId: request.shardId, rangeId: request.initialRangeId, shardInfo: request.initialShardInfo };
    const row = result.rows[0]!;
    return { shardId: request.shardId, rangeId: num(row.get('range_id')), shardInfo: requiredBlob(row, 'shard_info', 'shard_info_encoding') };
  }

  async updateShard(request: UpdateShardRequest): Promise<void> {
    requireShardId(request.shardId);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireSafeInteger(request.previousRangeId, 'previousRangeId', 0);
    requireBlob(request.shardInfo, 'shardInfo');
    const result = await this.session.conditional(
      `UPDATE executions SET range_id = ?, shard_info = ?, shard_info_encoding = ? WHERE ${SHARD_KEY} IF range_id = ?`,
      [request.rangeId, bytes(request.shardInfo.data), request.shardInfo.encoding, request.shardId, request.previousRangeId],
      'updateShard',
    );
    if (!result.applied) throw new ShardOwnershipLostError(request.shardId, request.previousRangeId, storedRangeId(result.rows[0]));
  }

  async assertShardOwnership(shardId: number, rangeId: number): Promise<void> {
    requireShardId(shardId);
    requireSafeInteger(rangeId, 'rangeId', 0);
    const rs = await this.session.execute(`SELECT range_id FROM executions WHERE ${SHARD_KEY}`, [shardId], 'assertShardOwnership', { serialRead: true });
    const actual = storedRangeId(rs.first() ?? undefined);
    if (actual !== rangeId) throw new ShardOwnershipLostError(shardId, rangeId, actual);
  }
}
