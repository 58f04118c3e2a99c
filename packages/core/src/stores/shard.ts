import type { DataBlob } from '../blob.js';

export interface ShardRecord {
  readonly shardId: number;
  /** The ownership lease: each new owner bumps it, and every fenced write checks it. */
  readonly rangeId: number;
  /** Ack levels, owner, queue states: encoded by core. */
  readonly shardInfo: DataBlob;
}

export interface GetOrCreateShardRequest {
  readonly shardId: number;
  readonly initialRangeId: number;
  readonly initialShardInfo: DataBlob;
}

export interface UpdateShardRequest {
  readonly shardId: number;
  readonly rangeId: number;
  readonly shardInfo: DataBlob;
  readonly previousRangeId: number;
}

export interface ShardStore {
  getOrCreateShard(request: GetOrCreateShardRequest): Promise<ShardRecord>;
  /** ShardOwnershipLostError when the stored rangeId is not `previousRangeId`. */
  updateShard(request: UpdateShardRequest): Promise<void>;
  /** ShardOwnershipLostError when the stored rangeId is not `rangeId`. */
  assertShardOwnership(shardId: number, rangeId: number): Promise<void>;
}
