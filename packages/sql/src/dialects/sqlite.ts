import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { SelectQueryBuilder } from 'kysely';
import { sqliteExecutor } from '@hourglass/schema-tool';
import type { SqlExecutor } from '@hourglass/schema-tool';
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
  limitInSubquery: true,
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

/**
 * Opens a SQLite database. Opens of the same file within one process share one connection:
 * better-sqlite3 is synchronous, so a second connection waiting on the first one's write lock
 * would block the very thread the first one needs to finish (for up to busy_timeout per try).
 * Sharing makes them queue on the connection's lock instead. The first open's settings apply.
 * Other processes still coordinate through SQLite's file locks and busy_timeout.
 */
export function openSqlite(options: SqliteOpenOptions): SqlConnection {
  if (isPrivateDatabase(options.filename)) return openHandle(options);
  const key = fileKey(options.filename);
  let shared = sharedFiles.get(key);
  if (shared === undefined) {
    shared = { connection: openHandle(options), users: 0 };
    sharedFiles.set(key, shared);
  }
  shared.users++;
  const file = shared;
  let closing: Promise<void> | undefined;
  return {
    ...file.connection,
    close: () =>
      (closing ??= (async () => {
        file.users--;
        if (file.users > 0) return;
        sharedFiles.delete(key);
        await file.connection.close();
      })()),
  };
}

const sharedFiles = new Map<string, { readonly connection: SqlConnection; users: number }>();

/** ':memory:' and '' (a temporary file) give every open its own database, so they are never shared. */
function isPrivateDatabase(filename: string): boolean {
  return filename === ':memory:' || filename === '';
}

/** The same file reached through different paths (relative, symlinked) must map to one key. */
function fileKey(filename: string): string {
  return existsSync(filename) ? realpathSync(filename) : resolve(filename);
}

function openHandle(options: SqliteOpenOptions): SqlConnection {
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
    executor: lockedExecutor(sqliteExecutor(handle), db),
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

/**
 * Schema-tool calls take the same lock as the stores' queries, so setting up or checking the
 * schema through a shared connection never runs inside another user's open transaction.
 */
function lockedExecutor(raw: SqlExecutor, db: Kysely<Database>): SqlExecutor {
  const locked = <T>(work: () => Promise<T>): Promise<T> => db.connection().execute(() => work());
  return {
    dialect: raw.dialect,
    connectionFlags: raw.connectionFlags,
    execute: (text, params) => locked(() => raw.execute(text, params)),
    query: <T>(text: string, params?: readonly unknown[]) => locked(() => raw.query<T>(text, params)),
    withSession: <T>(work: (session: SqlExecutor) => Promise<T>) => locked(() => work(raw)),
  };
}
