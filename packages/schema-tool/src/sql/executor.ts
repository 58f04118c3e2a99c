import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Client as PgClient, Pool as PgPool, PoolClient as PgPoolClient } from 'pg';
import type { Connection as MysqlConnection, Pool as MysqlPool } from 'mysql2/promise';

export type SqlDialectName = 'sqlite' | 'postgres' | 'mysql';

/**
 * The narrow database surface the schema tool needs. Parameters use the dialect's own
 * placeholder style (`?` for SQLite and MySQL, `$1` for PostgreSQL).
 */
export interface SqlExecutor {
  readonly dialect: SqlDialectName;
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `work` on one dedicated connection. Transactions and session-scoped advisory locks
   * need this when the executor wraps a pool; executors over a single connection may omit it.
   */
  withSession?<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T>;
  /** Connection flags that reach the same database, for the fix command in error messages. */
  readonly connectionFlags?: string;
}

export function sqliteExecutor(db: SqliteDatabase): SqlExecutor {
  const flags = db.memory ? undefined : `--database ${shellQuote(db.name)}`;
  return {
    dialect: 'sqlite',
    connectionFlags: flags,
    async execute(sql, params) {
      if (params && params.length > 0) db.prepare(sql).run(...params);
      else db.exec(sql);
    },
    async query<T>(sql: string, params?: readonly unknown[]) {
      return db.prepare(sql).all(...(params ?? [])) as T[];
    },
  };
}

export function pgExecutor(client: PgPool | PgClient): SqlExecutor {
  const options = (client as { options?: { host?: string; port?: number; database?: string; user?: string } }).options;
  const connectionFlags = describeConnection(options?.host, options?.port, options?.user, options?.database);
  const over = (target: PgPool | PgClient | PgPoolClient): SqlExecutor => ({
    dialect: 'postgres',
    connectionFlags,
    async execute(sql, params) {
      await target.query(sql, params as unknown[] | undefined);
    },
    async query<T>(sql: string, params?: readonly unknown[]) {
      const result = await target.query(sql, params as unknown[] | undefined);
      return result.rows as T[];
    },
  });
  const executor = over(client);
  if (!isPgPool(client)) return executor;
  return {
    ...executor,
    async withSession<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T> {
      const session = await client.connect();
      try {
        return await work(over(session));
      } finally {
        session.release();
      }
    },
  };
}

export function mysqlExecutor(conn: MysqlPool | MysqlConnection): SqlExecutor {
  const config = (conn as { config?: { host?: string; port?: number; user?: string; database?: string; connectionConfig?: { host?: string; port?: number; user?: string; database?: string } } }).config;
  const settings = config?.connectionConfig ?? config;
  const connectionFlags = describeConnection(settings?.host, settings?.port, settings?.user, settings?.database);
  const over = (target: MysqlPool | MysqlConnection): SqlExecutor => ({
    dialect: 'mysql',
    connectionFlags,
    async execute(sql, params) {
      // `query` (client-side escaping), not `execute`: many DDL statements cannot be prepared.
      await target.query(sql, params as unknown[] | undefined);
    },
    async query<T>(sql: string, params?: readonly unknown[]) {
      const [rows] = await target.query(sql, params as unknown[] | undefined);
      return rows as T[];
    },
  });
  const executor = over(conn);
  if (!isMysqlPool(conn)) return executor;
  return {
    ...executor,
    async withSession<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T> {
      const session = await conn.getConnection();
      try {
        return await work(over(session));
      } finally {
        session.release();
      }
    },
  };
}

/** Runs `work` on one connection, whether or not the executor wraps a pool. */
export function inSession<T>(executor: SqlExecutor, work: (session: SqlExecutor) => Promise<T>): Promise<T> {
  return executor.withSession ? executor.withSession(work) : work(executor);
}

function isPgPool(client: PgPool | PgClient): client is PgPool {
  return 'totalCount' in client && 'idleCount' in client;
}

function isMysqlPool(conn: MysqlPool | MysqlConnection): conn is MysqlPool {
  return typeof (conn as Partial<MysqlPool>).getConnection === 'function' && typeof (conn as Partial<MysqlPool>).releaseConnection === 'function';
}

function describeConnection(host: string | undefined, port: number | undefined, user: string | undefined, database: string | undefined): string | undefined {
  const parts: string[] = [];
  if (host) parts.push(`--endpoint ${shellQuote(host)}`);
  if (port) parts.push(`--port ${port}`);
  if (user) parts.push(`--user ${shellQuote(user)}`);
  if (database) parts.push(`--database ${shellQuote(database)}`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
