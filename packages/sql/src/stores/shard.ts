import { ShardOwnershipLostError, requireBlob, requireSafeInteger, requireShardId } from '@hourglass/core';
import type { GetOrCreateShardRequest, ShardRecord, ShardStore, UpdateShardRequest } from '@hourglass/core';
import type { Db, SqlRunner } from '../runner.js';
import type { RowLock } from '../dialects/dialect.js';
import { requireObject } from '../validate.js';
import { bindBytes, int, readBlob } from '../values.js';

export class SqlShardStore implements ShardStore {
  constructor(private readonly runner: SqlRunner) {}

  async getOrCreateShard(request: GetOrCreateShardRequest): Promise<ShardRecord> {
    requireObject(request, 'request');
    requireShardId(request.shardId);
    requireSafeInteger(request.initialRangeId, 'initialRangeId', 0);
    requireBlob(request.initialShardInfo, 'initialShardInfo');
    const { shardId, initialRangeId, initialShardInfo } = request;
    return this.runner.write(async (tx) => {
      await tx
        .insertInto('shards')
        .values({ shard_id: shardId, range_id: initialRangeId, data: bindBytes(initialShardInfo.data), data_encoding: initialShardInfo.encoding })
        .modifyEnd(this.runner.dialect.insertIgnoreClause(['shard_id']))
        .execute();
      const row = await tx.selectFrom('shards').selectAll().where('shard_id', '=', shardId).executeTakeFirstOrThrow();
      return { shardId, rangeId: int(row.range_id, 'range_id'), shardInfo: readBlob(row.data, row.data_encoding, 'data') };
    });
  }

  async updateShard(request: UpdateShardRequest): Promise<void> {
    requireObject(request, 'request');
    requireShardId(request.shardId);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireSafeInteger(request.previousRangeId, 'previousRangeId', 0);
    requireBlob(request.shardInfo, 'shardInfo');
    const { shardId, rangeId, previousRangeId, shardInfo } = request;
    await this.runner.write(async (tx) => {
      await assertShardLease(this.runner, tx, shardId, previousRangeId, 'update');
      await tx
        .updateTable('shards')
        .set({ range_id: rangeId, data: bindBytes(shardInfo.data), data_encoding: shardInfo.encoding })
        .where('shard_id', '=', shardId)
        .execute();
    });
  }

  async assertShardOwnership(shardId: number, rangeId: number): Promise<void> {
    requireShardId(shardId);
    requireSafeInteger(rangeId, 'rangeId', 0);
    await this.runner.run((db) => assertShardLease(this.runner, db, shardId, rangeId, undefined));
  }
}

/**
 * The fence of every shard-scoped write: reads the shard row (locked, inside the caller's
 * transaction) and fails unless the caller still holds `rangeId`. A concurrent range bump
 * either waits for this transaction or makes it fail here.
 */
export async function assertShardLease(runner: SqlRunner, db: Db, shardId: number, rangeId: number, lock: RowLock | undefined): Promise<void> {
  const query = db.selectFrom('shards').select('range_id').where('shard_id', '=', shardId);
  const row = await (lock ? runner.dialect.lockRows(query, lock) : query).executeTakeFirst();
  const actual = row ? int(row.range_id, 'range_id') : undefined;
  if (actual !== rangeId) throw new ShardOwnershipLostError(shardId, rangeId, actual);
}
