import { createHash } from 'node:crypto';
import type { SchemaVersion } from '../manifest.js';
import type { StoreName } from '../paths.js';
import { dialectFor, tableExists } from './dialect.js';
import type { SqlExecutor } from './executor.js';

/** The row of `schema_version` for one store. */
export interface StoreVersion {
  readonly currentVersion: string;
  readonly minCompatibleVersion: string;
  readonly updateTime: string;
}

/** How far an interrupted non-transactional version got. */
export interface UpdateProgress {
  readonly version: string;
  readonly statementsApplied: number;
  readonly appliedChecksum: string;
}

export async function ensureBookkeeping(executor: SqlExecutor): Promise<void> {
  for (const ddl of dialectFor(executor.dialect).bookkeepingDdl) await executor.execute(ddl);
}

/** Undefined when the store was never set up (no bookkeeping table, or no row for the store). */
export async function readStoreVersion(executor: SqlExecutor, store: StoreName): Promise<StoreVersion | undefined> {
  if (!(await tableExists(executor, 'schema_version'))) return undefined;
  const dialect = dialectFor(executor.dialect);
  const rows = await executor.query<{ curr_version: string; min_compatible_version: string; update_time: unknown }>(
    dialect.sql('SELECT curr_version, min_compatible_version, update_time FROM schema_version WHERE store = ?'),
    [store],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    currentVersion: row.curr_version,
    minCompatibleVersion: row.min_compatible_version,
    updateTime: formatTime(row.update_time),
  };
}

export async function recordVersion(
  executor: SqlExecutor,
  store: StoreName,
  previous: string | undefined,
  applied: Pick<SchemaVersion, 'version' | 'minCompatibleVersion' | 'checksum' | 'description'>,
): Promise<void> {
  const dialect = dialectFor(executor.dialect);
  await executor.execute(dialect.sql(dialect.upsertVersionSql), [store, applied.version, applied.minCompatibleVersion]);
  await executor.execute(
    dialect.sql(
      `INSERT INTO schema_update_history (store, update_time, old_version, new_version, manifest_checksum, description)
VALUES (?, ${dialect.now}, ?, ?, ?, ?)`,
    ),
    [store, previous ?? null, applied.version, applied.checksum, applied.description],
  );
}

export interface HistoryEntry {
  readonly updateTime: string;
  readonly oldVersion: string | null;
  readonly newVersion: string;
  readonly manifestChecksum: string;
  readonly description: string;
}

export async function readHistory(executor: SqlExecutor, store: StoreName): Promise<HistoryEntry[]> {
  if (!(await tableExists(executor, 'schema_update_history'))) return [];
  const dialect = dialectFor(executor.dialect);
  const rows = await executor.query<{ update_time: unknown; old_version: string | null; new_version: string; manifest_checksum: string; description: string }>(
    dialect.sql(
      'SELECT update_time, old_version, new_version, manifest_checksum, description FROM schema_update_history WHERE store = ? ORDER BY update_time, new_version',
    ),
    [store],
  );
  return rows.map((row) => ({
    updateTime: formatTime(row.update_time),
    oldVersion: row.old_version,
    newVersion: row.new_version,
    manifestChecksum: row.manifest_checksum,
    description: row.description,
  }));
}

export async function readProgress(executor: SqlExecutor, store: StoreName): Promise<UpdateProgress | undefined> {
  if (!(await tableExists(executor, 'schema_update_progress'))) return undefined;
  const rows = await executor.query<{ version: string; statements_applied: number; applied_checksum: string }>(
    'SELECT version, statements_applied, applied_checksum FROM schema_update_progress WHERE store = ?',
    [store],
  );
  const row = rows[0];
  return row ? { version: row.version, statementsApplied: Number(row.statements_applied), appliedChecksum: row.applied_checksum } : undefined;
}

export async function writeProgress(executor: SqlExecutor, store: StoreName, progress: UpdateProgress): Promise<void> {
  await executor.execute(
    `INSERT INTO schema_update_progress (store, version, statements_applied, applied_checksum, update_time)
VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE version = VALUES(version), statements_applied = VALUES(statements_applied),
  applied_checksum = VALUES(applied_checksum), update_time = VALUES(update_time)`,
    [store, progress.version, progress.statementsApplied, progress.appliedChecksum],
  );
}

export async function clearProgress(executor: SqlExecutor, store: StoreName): Promise<void> {
  await executor.execute('DELETE FROM schema_update_progress WHERE store = ?', [store]);
}

/** Identifies the exact statements already applied, so a resume refuses if they were edited since. */
export function checksumStatements(statements: readonly string[]): string {
  const hash = createHash('sha256');
  for (const sql of statements) hash.update(sql).update('\0');
  return hash.digest('hex');
}

/** Renders a bookkeeping timestamp as ISO-8601 UTC whichever way the driver returned it. */
function formatTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  // MySQL DATETIME(6) as a string: "2024-01-02 03:04:05.123456", written as UTC.
  const mysql = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(text);
  return mysql ? `${mysql[1]}T${mysql[2]}Z` : text;
}
