import { encodeJsonBlob } from '@hourglass/core';
import type { ShardStore } from '@hourglass/core';

/** Task ids are `rangeId * RANGE_SIZE + sequence`, so every owner's ids exceed the previous owner's. */
const RANGE_SIZE = 2 ** 20;

/**
 * One history shard owned by this process. Ownership is a lease: acquiring bumps the stored
 * rangeId, and every execution write carries it so a stale owner's writes fail.
 */
export class ShardContext {
  private rangeIdValue = 0;
  private sequence = 0;
  private readonly inFlight = new Set<number>();
  private renewing: Promise<void> | undefined;

  constructor(
    readonly shardId: number,
    private readonly store: ShardStore,
    private readonly owner: string,
  ) {}

  get rangeId(): number {
    return this.rangeIdValue;
  }

  async acquire(): Promise<void> {
    const record = await this.store.getOrCreateShard({
      shardId: this.shardId,
      initialRangeId: 1,
      initialShardInfo: encodeJsonBlob({ owner: this.owner }),
    });
    await this.bumpFrom(record.rangeId);
  }

  private async bumpFrom(previous: number): Promise<void> {
    const next = previous + 1;
    await this.store.updateShard({ shardId: this.shardId, rangeId: next, previousRangeId: previous, shardInfo: encodeJsonBlob({ owner: this.owner }) });
    this.rangeIdValue = next;
    this.sequence = 0;
  }

  /**
   * Reserves `count` increasing task ids. They count as in flight until `release`, which keeps
   * queue readers from passing a write that has not committed yet.
   */
  async allocate(count: number): Promise<number[]> {
    while (this.sequence + count >= RANGE_SIZE) {
      this.renewing ??= this.bumpFrom(this.rangeIdValue).finally(() => (this.renewing = undefined));
      await this.renewing;
    }
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.rangeIdValue * RANGE_SIZE + ++this.sequence;
      ids.push(id);
      this.inFlight.add(id);
    }
    return ids;
  }

  release(ids: readonly number[]): void {
    for (const id of ids) this.inFlight.delete(id);
  }

  /** Highest task id below which every allocated id has committed or failed. */
  readLevel(): number {
    let min = this.rangeIdValue * RANGE_SIZE + this.sequence + 1;
    for (const id of this.inFlight) if (id < min) min = id;
    return min;
  }
}

/** Stable FNV-1a hash of the workflow id onto shards 1..count (Temporal numbers shards from 1). */
export function shardIdFor(namespaceId: string, workflowId: string, count: number): number {
  let hash = 0x811c9dc5;
  const key = `${namespaceId}_${workflowId}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}
