import { ShardOwnershipLostError, requireBlob, requireSafeInteger, requireShardId } from '@hourglass/core';
import type { GetOrCreateShardRequest, ShardRecord, ShardStore, UpdateShardRequest } from '@hourglass/core';

export class MemoryShardStore implements ShardStore {
  private readonly shards = new Map<number, ShardRecord>();

  async getOrCreateShard(request: GetOrCreateShardRequest): Promise<ShardRecord> {
    requireShardId(request.shardId);
    requireSafeInteger(request.initialRangeId, 'initialRangeId', 0);
    requireBlob(request.initialShardInfo, 'initialShardInfo');
    let record = this.shards.get(request.shardId);
    if (record === undefined) {
      record = { shardId: request.shardId, rangeId: request.initialRangeId, shardInfo: structuredClone(request.initialShardInfo) };
      this.shards.set(request.shardId, record);
    }
    return structuredClone(record);
  }

  async updateShard(request: UpdateShardRequest): Promise<void> {
    requireShardId(request.shardId);
    requireSafeInteger(request.rangeId, 'rangeId', 0);
    requireBlob(request.shardInfo, 'shardInfo');
    this.fence(request.shardId, request.previousRangeId);
    this.shards.set(request.shardId, { shardId: request.shardId, rangeId: request.rangeId, shardInfo: structuredClone(request.shardInfo) });
  }

  async assertShardOwnership(shardId: number, rangeId: number): Promise<void> {
    requireShardId(shardId);
    this.fence(shardId, rangeId);
  }

  /** Throws unless the shard exists at exactly `rangeId`; other stores call it before any fenced write. */
  fence(shardId: number, rangeId: number): void {
    const actual = this.shards.get(shardId)?.rangeId;
    if (actual !== rangeId) throw new ShardOwnershipLostError(shardId, rangeId, actual);
  }
}
