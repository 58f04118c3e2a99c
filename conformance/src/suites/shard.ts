import { expect } from 'vitest';
import { ShardOwnershipLostError } from '@hourglass/core';
import type { PersistenceStores } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { expectBlob, randomShardId, rejectsWith, textBlob } from '../fixtures.js';

/** A shard no other test uses, owned at the returned rangeId. */
export async function ownedShard(s: PersistenceStores, rangeId = 1): Promise<{ shardId: number; rangeId: number }> {
  const shardId = randomShardId();
  const record = await s.shards.getOrCreateShard({ shardId, initialRangeId: rangeId, initialShardInfo: textBlob(`shard ${shardId}`) });
  return { shardId, rangeId: record.rangeId };
}

export function shardSuite(cell: Cell): void {
  cell.test('shard: get-or-create creates the row from the initial values', async (s) => {
    const shardId = randomShardId();
    const created = await s.shards.getOrCreateShard({ shardId, initialRangeId: 7, initialShardInfo: textBlob('initial') });
    expect({ shardId: created.shardId, rangeId: created.rangeId }).toEqual({ shardId, rangeId: 7 });
    expectBlob(created.shardInfo, textBlob('initial'));
  });

  cell.test('shard: a second get-or-create returns the stored row, not the new initial values', async (s) => {
    const shardId = randomShardId();
    await s.shards.getOrCreateShard({ shardId, initialRangeId: 3, initialShardInfo: textBlob('first') });
    const again = await s.shards.getOrCreateShard({ shardId, initialRangeId: 99, initialShardInfo: textBlob('second') });
    expect(again.rangeId).toBe(3);
    expectBlob(again.shardInfo, textBlob('first'));
  });

  cell.test('shard: update with the previous rangeId stores the new rangeId and info', async (s) => {
    const { shardId, rangeId } = await ownedShard(s, 5);
    await s.shards.updateShard({ shardId, rangeId: rangeId + 1, shardInfo: textBlob('taken over'), previousRangeId: rangeId });
    const read = await s.shards.getOrCreateShard({ shardId, initialRangeId: 1, initialShardInfo: textBlob('unused') });
    expect(read.rangeId).toBe(rangeId + 1);
    expectBlob(read.shardInfo, textBlob('taken over'));
  });

  cell.test('shard: update may keep the rangeId (info-only write by the owner)', async (s) => {
    const { shardId, rangeId } = await ownedShard(s, 4);
    await s.shards.updateShard({ shardId, rangeId, shardInfo: textBlob('acks moved'), previousRangeId: rangeId });
    const read = await s.shards.getOrCreateShard({ shardId, initialRangeId: 1, initialShardInfo: textBlob('unused') });
    expect(read.rangeId).toBe(rangeId);
    expectBlob(read.shardInfo, textBlob('acks moved'));
  });

  cell.test('shard: update with a stale previousRangeId fails with ShardOwnershipLost and changes nothing', async (s) => {
    const { shardId, rangeId } = await ownedShard(s, 10);
    await s.shards.updateShard({ shardId, rangeId: 11, shardInfo: textBlob('new owner'), previousRangeId: rangeId });
    const err = await rejectsWith(s.shards.updateShard({ shardId, rangeId: 12, shardInfo: textBlob('old owner'), previousRangeId: 10 }), ShardOwnershipLostError);
    expect(err.shardId).toBe(shardId);
    const read = await s.shards.getOrCreateShard({ shardId, initialRangeId: 1, initialShardInfo: textBlob('unused') });
    expect(read.rangeId).toBe(11);
    expectBlob(read.shardInfo, textBlob('new owner'));
  });

  cell.test('shard: update of a shard that was never created fails with ShardOwnershipLost', async (s) => {
    await rejectsWith(s.shards.updateShard({ shardId: randomShardId(), rangeId: 2, shardInfo: textBlob('x'), previousRangeId: 1 }), ShardOwnershipLostError);
  });

  cell.test('shard: assertShardOwnership passes for the current rangeId', async (s) => {
    const { shardId, rangeId } = await ownedShard(s, 21);
    await expect(s.shards.assertShardOwnership(shardId, rangeId)).resolves.toBeUndefined();
  });

  cell.test('shard: assertShardOwnership fails with ShardOwnershipLost for a stale or future rangeId', async (s) => {
    const { shardId, rangeId } = await ownedShard(s, 21);
    await s.shards.updateShard({ shardId, rangeId: rangeId + 1, shardInfo: textBlob('next'), previousRangeId: rangeId });
    const stale = await rejectsWith(s.shards.assertShardOwnership(shardId, rangeId), ShardOwnershipLostError);
    expect({ shardId: stale.shardId, expectedRangeId: stale.expectedRangeId, actualRangeId: stale.actualRangeId }).toEqual({ shardId, expectedRangeId: rangeId, actualRangeId: rangeId + 1 });
    await rejectsWith(s.shards.assertShardOwnership(shardId, rangeId + 2), ShardOwnershipLostError);
  });
}
