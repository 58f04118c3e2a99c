import { randomUUID } from 'node:crypto';
import type cassandra from 'cassandra-driver';
import { SchemaToolError } from '../errors.js';
import type { StoreName } from '../paths.js';
import type { ProgressEvent } from '../progress.js';

/** A lease, not a lock held forever: an updater that dies stops renewing and the row expires. */
const LEASE_SECONDS = 120;
const WAIT_LIMIT_MS = 15 * 60_000;
const POLL_MS = 1_000;

export interface UpdateLease {
  /** Re-arms the TTL; throws when another updater took the lease meanwhile. */
  renew(): Promise<void>;
}

function applied(rs: cassandra.types.ResultSet): boolean {
  return rs.first()?.get('[applied]') === true;
}

/**
 * Runs `work` while holding the store's update lease, claimed with a lightweight transaction
 * (INSERT … IF NOT EXISTS USING TTL), so concurrent schema updaters run one after the other.
 */
export async function withUpdateLease<T>(
  client: cassandra.Client,
  store: StoreName,
  onProgress: ((event: ProgressEvent) => void) | undefined,
  work: (lease: UpdateLease) => Promise<T>,
): Promise<T> {
  const owner = randomUUID();
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let reportedWait = false;
  for (;;) {
    const rs = await client.execute(
      `INSERT INTO schema_update_lock (store, owner, acquired_at) VALUES (?, ?, toTimestamp(now())) IF NOT EXISTS USING TTL ${LEASE_SECONDS}`,
      [store, owner],
      { prepare: true },
    );
    if (applied(rs)) break;
    if (Date.now() > deadline) {
      throw new SchemaToolError(`another schema update of store ${store} held the lock for over ${WAIT_LIMIT_MS / 60_000} minutes; giving up`);
    }
    if (!reportedWait) {
      onProgress?.({ type: 'lock-wait', store });
      reportedWait = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const lease: UpdateLease = {
    async renew() {
      const rs = await client.execute(
        `UPDATE schema_update_lock USING TTL ${LEASE_SECONDS} SET owner = ?, acquired_at = toTimestamp(now()) WHERE store = ? IF owner = ?`,
        [owner, store, owner],
        { prepare: true },
      );
      if (!applied(rs)) throw new SchemaToolError(`lost the schema update lock of store ${store} (it expired and another updater took it)`);
    },
  };
  try {
    return await work(lease);
  } finally {
    await client.execute('DELETE FROM schema_update_lock WHERE store = ? IF owner = ?', [store, owner], { prepare: true }).catch(() => undefined);
  }
}
