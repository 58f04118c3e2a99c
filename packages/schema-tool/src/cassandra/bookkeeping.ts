import type cassandra from 'cassandra-driver';
import type { SchemaVersion } from '../manifest.js';
import type { StoreName } from '../paths.js';

/** The tables the tool itself keeps in the store's keyspace; validate ignores them. */
export const BOOKKEEPING_TABLES: readonly string[] = ['schema_version', 'schema_update_history', 'schema_update_lock'];

const DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS schema_version (
    store text PRIMARY KEY,
    current_version text,
    min_compatible_version text,
    update_time timestamp,
    pending_version text,
    pending_applied int
  )`,
  `CREATE TABLE IF NOT EXISTS schema_update_history (
    store text,
    update_time timeuuid,
    old_version text,
    new_version text,
    description text,
    checksum text,
    PRIMARY KEY (store, update_time)
  ) WITH CLUSTERING ORDER BY (update_time DESC)`,
  `CREATE TABLE IF NOT EXISTS schema_update_lock (
    store text PRIMARY KEY,
    owner text,
    acquired_at timestamp
  )`,
];

export interface StoreVersion {
  readonly currentVersion: string;
  readonly minCompatibleVersion: string;
  readonly updateTime: string;
}

/** A version an interrupted update started, and how many of its statements already ran. */
export interface PendingProgress {
  readonly version: string;
  readonly applied: number;
}

export interface StoreState {
  /** Undefined until the first version completed. */
  readonly current: StoreVersion | undefined;
  readonly pending: PendingProgress | undefined;
}

export async function ensureBookkeeping(client: cassandra.Client): Promise<void> {
  for (const ddl of DDL) await client.execute(ddl);
}

export async function bookkeepingExists(client: cassandra.Client, keyspace: string): Promise<boolean> {
  const rs = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [keyspace, 'schema_version'], { prepare: true });
  return rs.rowLength > 0;
}

export async function readStoreState(client: cassandra.Client, keyspace: string, store: StoreName): Promise<StoreState> {
  if (!(await bookkeepingExists(client, keyspace))) return { current: undefined, pending: undefined };
  const rs = await client.execute(
    'SELECT current_version, min_compatible_version, update_time, pending_version, pending_applied FROM schema_version WHERE store = ?',
    [store],
    { prepare: true },
  );
  const row = rs.first();
  if (row === null) return { current: undefined, pending: undefined };
  const pendingVersion = row.get('pending_version') as string | null;
  const pendingApplied = row.get('pending_applied') as number | null;
  const currentVersion = row.get('current_version') as string | null;
  const updateTime = row.get('update_time') as Date | null;
  return {
    current:
      currentVersion === null
        ? undefined
        : { currentVersion, minCompatibleVersion: (row.get('min_compatible_version') as string | null) ?? currentVersion, updateTime: updateTime?.toISOString() ?? '' },
    pending: pendingVersion !== null && pendingApplied !== null ? { version: pendingVersion, applied: pendingApplied } : undefined,
  };
}

export async function recordProgress(client: cassandra.Client, store: StoreName, version: string, applied: number): Promise<void> {
  await client.execute('UPDATE schema_version SET pending_version = ?, pending_applied = ? WHERE store = ?', [version, applied, store], { prepare: true });
}

export async function recordVersion(client: cassandra.Client, store: StoreName, previous: string | undefined, version: SchemaVersion): Promise<void> {
  await client.execute(
    'UPDATE schema_version SET current_version = ?, min_compatible_version = ?, update_time = toTimestamp(now()), pending_version = null, pending_applied = null WHERE store = ?',
    [version.version, version.minCompatibleVersion, store],
    { prepare: true },
  );
  await client.execute(
    'INSERT INTO schema_update_history (store, update_time, old_version, new_version, description, checksum) VALUES (?, now(), ?, ?, ?, ?)',
    [store, previous ?? null, version.version, version.description, version.checksum],
    { prepare: true },
  );
}

export interface HistoryEntry {
  readonly updateTime: string;
  readonly oldVersion: string | null;
  readonly newVersion: string;
  readonly description: string;
  readonly checksum: string;
}

export async function readHistory(client: cassandra.Client, keyspace: string, store: StoreName): Promise<HistoryEntry[]> {
  if (!(await bookkeepingExists(client, keyspace))) return [];
  const rs = await client.execute(
    'SELECT update_time, old_version, new_version, description, checksum FROM schema_update_history WHERE store = ?',
    [store],
    { prepare: true },
  );
  return rs.rows
    .map((row) => ({
      updateTime: (row.get('update_time') as { getDate(): Date }).getDate().toISOString(),
      oldVersion: row.get('old_version') as string | null,
      newVersion: row.get('new_version') as string,
      description: (row.get('description') as string | null) ?? '',
      checksum: (row.get('checksum') as string | null) ?? '',
    }))
    .reverse();
}
