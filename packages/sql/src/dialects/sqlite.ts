import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { SelectQueryBuilder } from 'kysely';
import { sqliteExecutor } from '@hourglass/schema-tool';
import type { Database } from '../tables.js';
import type { DialectBehaviour, DriverErrorKind, SqlConnection } from './dialect.js';
import { errorCode } from './dialect.js';
import { onConflictDoNothing, onConflictUpdate } from './sql-clauses.js';
import { registerTextMatch, sqliteSearchAttributes } from './sqlite-search-attributes.js';

export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** The stores issue a few hundred distinct statements; beyond that the least recently used are re-prepared. */
const STATEMENT_CACHE_SIZE = 512;

export const sqliteBehaviour: DialectBehaviour = {
  name: 'sqlite',
  // IMMEDIATE takes the write lock up front, so two writers never both read and then
  // deadlock trying to upgrade; the second one waits on busy_timeout instead.
  beginWrite: ['begin immediate'],
  beginRead: ['begin'],
  classifyError: classifySqliteError,
  lockRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
    return query;
  },
  upsertClause: onConflictUpdate,
  insertIgnoreClause: onConflictDoNothing,
  searchAttributes: sqliteSearchAttributes,
};

export function classifySqliteError(err: unknown): DriverErrorKind | undefined {
  const code = errorCode(err);
  if (code === undefined || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return 'duplicate-key';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'transient';
  if (code === 'SQLITE_INTERRUPT') return 'timeout';
  if (code === 'SQLITE_TOOBIG') return 'invalid-value';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY')) {
    return 'unavailable';
  }
  return undefined;
}

export interface SqliteOpenOptions {
  readonly filename: string;
  readonly busyTimeoutMs?: number;
}

export function openSqlite(options: SqliteOpenOptions): SqlConnection {
  const handle = new BetterSqlite3(options.filename);
  try {
    configureSqlite(handle, options.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS);
  } catch (err) {
    handle.close();
    throw err;
  }
  return sqliteConnection(handle, { ownsHandle: true });
}

/** WAL lets readers run beside the single writer; busy_timeout makes a second process wait rather than fail. */
export function configureSqlite(handle: BetterSqlite3.Database, busyTimeoutMs: number): void {
  handle.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  if (!handle.memory) handle.pragma('journal_mode = WAL');
  handle.pragma('foreign_keys = ON');
}

/** Wraps an already-open better-sqlite3 handle; `ownsHandle` decides whether close() closes it. */
export function sqliteConnection(handle: BetterSqlite3.Database, options: { ownsHandle: boolean }): SqlConnection {
  registerTextMatch(handle);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(handle, STATEMENT_CACHE_SIZE) }) });
  return {
    dialect: sqliteBehaviour,
    db,
    executor: sqliteExecutor(handle),
    async serverVersion() {
      const row = await sql<{ v: string }>`select sqlite_version() as v`.execute(db);
      return row.rows[0]?.v ?? 'unknown';
    },
    async close() {
      // Kysely's SQLite driver closes the handle on destroy; a borrowed handle must stay open.
      if (options.ownsHandle) await db.destroy();
    },
  };
}

/**
 * Kysely prepares every statement anew, and parsing SQL costs more than running most of these
 * small statements. Reusing prepared statements is safe here because Kysely's SQLite driver
 * runs one statement at a time on the connection and the stores never stream results.
 */
export function withStatementCache(handle: BetterSqlite3.Database, capacity: number): { prepare(sql: string): BetterSqlite3.Statement; close(): void } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached !== undefined) {
        // Re-insert to mark it most recently used (a Map iterates in insertion order).
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = handle.prepare(text);
      cache.set(text, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close() {
      cache.clear();
      handle.close();
    },
  };
}
