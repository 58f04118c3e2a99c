import { SchemaToolError } from '../errors.js';
import type { SqlDialectName, SqlExecutor } from './executor.js';
import type { SplitOptions } from './split.js';

/** Names of the tables the schema tool itself owns; validation ignores them. */
export const BOOKKEEPING_TABLES = ['schema_version', 'schema_update_history', 'schema_update_progress'] as const;

/**
 * What differs between SQL databases as far as schema bookkeeping goes: DDL types, placeholder
 * style, whether DDL can be rolled back, and how two updaters are kept apart.
 */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** PostgreSQL and SQLite roll back DDL with the transaction; MySQL/MariaDB commit each DDL at once. */
  readonly transactionalDdl: boolean;
  readonly splitOptions: SplitOptions;
  /** Statement that opens a version's transaction (SQLite takes the write lock here). */
  readonly beginTransaction: string;
  readonly bookkeepingDdl: readonly string[];
  /** SQL expression for the current UTC time, stored in bookkeeping rows. */
  readonly now: string;
  /** Rewrites `?` placeholders of the tool's own statements into the dialect's style. */
  sql(text: string): string;
  upsertVersionSql: string;
  /** Waits for the database-wide updater lock; resolves to its release function. */
  acquireUpdateLock(session: SqlExecutor, options: LockOptions): Promise<() => Promise<void>>;
}

export interface LockOptions {
  readonly timeoutMs: number;
  readonly onWait: () => void;
}

const LOCK_POLL_MS = 200;

const sqlite: SqlDialect = {
  name: 'sqlite',
  transactionalDdl: true,
  splitOptions: {},
  beginTransaction: 'BEGIN EXCLUSIVE',
  bookkeepingDdl: [
    `CREATE TABLE IF NOT EXISTS schema_version (
  store TEXT NOT NULL PRIMARY KEY,
  curr_version TEXT NOT NULL,
  min_compatible_version TEXT NOT NULL,
  update_time TEXT NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS schema_update_history (
  store TEXT NOT NULL,
  update_time TEXT NOT NULL,
  old_version TEXT,
  new_version TEXT NOT NULL,
  manifest_checksum TEXT NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (store, update_time, new_version)
)`,
  ],
  now: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  sql: (text) => text,
  upsertVersionSql: `INSERT INTO schema_version (store, curr_version, min_compatible_version, update_time)
VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
ON CONFLICT (store) DO UPDATE SET curr_version = excluded.curr_version,
  min_compatible_version = excluded.min_compatible_version, update_time = excluded.update_time`,
  // Each version runs in its own BEGIN EXCLUSIVE transaction, which is SQLite's writer lock;
  // the version is re-read inside it, so no separate lock is needed.
  acquireUpdateLock: async () => async () => {},
};

/** Arbitrary fixed key so every Hourglass updater contends for the same PostgreSQL advisory lock. */
const PG_LOCK_CLASS = 0x48475354; // "HGST"

const postgres: SqlDialect = {
  name: 'postgres',
  transactionalDdl: true,
  splitOptions: { postgresSyntax: true },
  beginTransaction: 'BEGIN',
  bookkeepingDdl: [
    `CREATE TABLE IF NOT EXISTS schema_version (
  store VARCHAR(64) NOT NULL PRIMARY KEY,
  curr_version VARCHAR(64) NOT NULL,
  min_compatible_version VARCHAR(64) NOT NULL,
  update_time TIMESTAMP(6) WITH TIME ZONE NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS schema_update_history (
  store VARCHAR(64) NOT NULL,
  update_time TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  old_version VARCHAR(64),
  new_version VARCHAR(64) NOT NULL,
  manifest_checksum VARCHAR(64) NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (store, update_time, new_version)
)`,
  ],
  now: 'clock_timestamp()',
  sql: (text) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  },
  upsertVersionSql: `INSERT INTO schema_version (store, curr_version, min_compatible_version, update_time)
VALUES (?, ?, ?, clock_timestamp())
ON CONFLICT (store) DO UPDATE SET curr_version = excluded.curr_version,
  min_compatible_version = excluded.min_compatible_version, update_time = excluded.update_time`,
  acquireUpdateLock: (session, options) =>
    pollLock(
      async () => {
        const rows = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${PG_LOCK_CLASS}, 0) AS ok`);
        return rows[0]?.ok === true;
      },
      async () => {
        await session.query(`SELECT pg_advisory_unlock(${PG_LOCK_CLASS}, 0)`);
      },
      options,
    ),
};

// GET_LOCK names are server-wide, so the database name is folded in; SHA1 keeps it under 64 chars.
const MYSQL_LOCK_NAME = `CONCAT('hourglass-schema:', SHA1(DATABASE()))`;

const mysql: SqlDialect = {
  name: 'mysql',
  transactionalDdl: false,
  splitOptions: { mysqlSyntax: true },
  beginTransaction: 'START TRANSACTION',
  bookkeepingDdl: [
    `CREATE TABLE IF NOT EXISTS schema_version (
  store VARCHAR(64) NOT NULL PRIMARY KEY,
  curr_version VARCHAR(64) NOT NULL,
  min_compatible_version VARCHAR(64) NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS schema_update_history (
  store VARCHAR(64) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  old_version VARCHAR(64),
  new_version VARCHAR(64) NOT NULL,
  manifest_checksum VARCHAR(64) NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (store, update_time, new_version)
) ENGINE=InnoDB`,
    // DDL commits on its own here, so an interrupted version records how far it got.
    `CREATE TABLE IF NOT EXISTS schema_update_progress (
  store VARCHAR(64) NOT NULL PRIMARY KEY,
  version VARCHAR(64) NOT NULL,
  statements_applied INT NOT NULL,
  applied_checksum CHAR(64) NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB`,
  ],
  now: 'UTC_TIMESTAMP(6)',
  sql: (text) => text,
  upsertVersionSql: `INSERT INTO schema_version (store, curr_version, min_compatible_version, update_time)
VALUES (?, ?, ?, UTC_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE curr_version = VALUES(curr_version),
  min_compatible_version = VALUES(min_compatible_version), update_time = VALUES(update_time)`,
  acquireUpdateLock: (session, options) =>
    pollLock(
      async () => {
        const rows = await session.query<{ ok: number | null }>(`SELECT GET_LOCK(${MYSQL_LOCK_NAME}, 0) AS ok`);
        return Number(rows[0]?.ok) === 1;
      },
      async () => {
        await session.query(`SELECT RELEASE_LOCK(${MYSQL_LOCK_NAME})`);
      },
      options,
    ),
};

const DIALECTS: Record<SqlDialectName, SqlDialect> = { sqlite, postgres, mysql };

export function dialectFor(name: SqlDialectName): SqlDialect {
  return DIALECTS[name];
}

async function pollLock(
  tryAcquire: () => Promise<boolean>,
  release: () => Promise<void>,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let warned = false;
  while (!(await tryAcquire())) {
    if (!warned) {
      options.onWait();
      warned = true;
    }
    if (Date.now() >= deadline) {
      throw new SchemaToolError(`another schema update holds the lock on this database; gave up after ${Math.round(options.timeoutMs / 1000)}s`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  return release;
}

/** Whether a table exists in the connection's current database/schema. */
export async function tableExists(executor: SqlExecutor, table: string): Promise<boolean> {
  const dialect = dialectFor(executor.dialect);
  let sql: string;
  switch (executor.dialect) {
    case 'sqlite':
      sql = `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`;
      break;
    case 'postgres':
      sql = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`;
      break;
    case 'mysql':
      sql = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?`;
      break;
  }
  const rows = await executor.query(dialect.sql(sql), [table]);
  return rows.length > 0;
}
