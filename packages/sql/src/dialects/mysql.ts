import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { Kysely, MysqlDialect, sql } from 'kysely';
import type { RawBuilder, SelectQueryBuilder } from 'kysely';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import { mysqlExecutor } from '@hourglass/schema-tool';
import type { Database } from '../tables.js';
import type { DialectBehaviour, DriverErrorKind, RowLock, SqlConnection } from './dialect.js';
import { NETWORK_ERROR_CODES, errorMessage } from './dialect.js';
import { openFailure, resolveServerOptions, socketErrorCode } from './server-options.js';
import type { ResolvedServerOptions, ServerDialectOptions } from './server-options.js';

/**
 * MySQL 5.7+ and MariaDB 10.11+ (same protocol, same error numbers). Syntax is limited to
 * what both accept: `LOCK IN SHARE MODE` (MariaDB has no `FOR SHARE`) and `VALUES(col)` in
 * upserts (MariaDB has no `INSERT … AS alias`).
 */
export const mysqlBehaviour: DialectBehaviour = {
  name: 'mysql',
  // READ COMMITTED plus explicit row locks, as Temporal's MySQL plugin does; InnoDB's default
  // REPEATABLE READ would add gap locks (more deadlocks) and stale non-locking reads.
  // SET TRANSACTION without SESSION applies to the next transaction only.
  beginWrite: ['set transaction isolation level read committed', 'start transaction'],
  beginRead: ['set transaction isolation level repeatable read', 'start transaction with consistent snapshot, read only'],
  classifyError: classifyMysqlError,
  lockRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, lock: RowLock): SelectQueryBuilder<DB, TB, O> {
    return lock === 'share' ? query.modifyEnd(sql`lock in share mode`) : query.forUpdate();
  },
  upsertClause: onDuplicateKeyUpdate,
  insertIgnoreClause: onDuplicateKeyKeep,
  // Both refuse `IN (SELECT … LIMIT n)` ("doesn't yet support 'LIMIT & IN/ALL/ANY/SOME subquery'").
  limitInSubquery: false,
};

/** `ON DUPLICATE KEY UPDATE c = VALUES(c)`; with nothing to update, the row is kept as it is. */
export function onDuplicateKeyUpdate(keys: readonly string[], updates: readonly string[]): RawBuilder<unknown> {
  if (updates.length === 0) return onDuplicateKeyKeep(keys);
  return sql`on duplicate key update ${sql.join(updates.map((c) => sql`${sql.ref(c)} = values(${sql.ref(c)})`))}`;
}

/**
 * A no-op assignment keeps the existing row. Unlike `INSERT IGNORE` it does not also turn
 * other errors (too-long values, bad data) into warnings.
 */
export function onDuplicateKeyKeep(keys: readonly string[]): RawBuilder<unknown> {
  const key = keys[0];
  if (key === undefined) throw new InvalidPersistenceRequestError('an insert-ignore clause needs at least one key column');
  return sql`on duplicate key update ${sql.ref(key)} = ${sql.ref(key)}`;
}

/** Server error numbers (identical on MySQL and MariaDB unless noted) by outcome. */
const DUPLICATE_KEY_ERRNOS = new Set([
  1062, // ER_DUP_ENTRY
  1586, // ER_DUP_ENTRY_WITH_KEY_NAME
]);
const TRANSIENT_ERRNOS = new Set([
  1213, // ER_LOCK_DEADLOCK
  1205, // ER_LOCK_WAIT_TIMEOUT
  1020, // ER_CHECKREAD: record changed since last read
  3572, // ER_LOCK_NOWAIT (MySQL 8)
]);
const TIMEOUT_ERRNOS = new Set([
  3024, // ER_QUERY_TIMEOUT: max_execution_time (MySQL)
  1969, // ER_STATEMENT_TIMEOUT: max_statement_time (MariaDB)
  1317, // ER_QUERY_INTERRUPTED
]);
const UNAVAILABLE_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1077, // ER_NORMAL_SHUTDOWN
  1152, // ER_ABORTING_CONNECTION
  1159, // ER_NET_READ_INTERRUPTED
  1161, // ER_NET_WRITE_INTERRUPTED
  1290, // ER_OPTION_PREVENTS_STATEMENT: read-only replica
  1836, // ER_READ_ONLY_MODE
  1927, // ER_CONNECTION_KILLED (MariaDB)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8): idle connection closed by the server
]);
const INVALID_VALUE_ERRNOS = new Set([
  1406, // ER_DATA_TOO_LONG
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1690, // ER_DATA_OUT_OF_RANGE
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: e.g. text the column charset cannot hold
  1153, // ER_NET_PACKET_TOO_BIG: statement larger than max_allowed_packet
  1301, // ER_WARN_ALLOWED_PACKET_OVERFLOWED
  1118, // ER_TOO_BIG_ROWSIZE
]);
/** Client-side mysql2 codes for a connection that is gone or cannot be made. */
const UNAVAILABLE_CLIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'POOL_CLOSED',
  'POOL_ENQUEUELIMIT',
]);

/** Refusals of the connection settings themselves, seen only while connecting. */
const LOGIN_REJECTED_ERRNOS = new Set([
  1045, // ER_ACCESS_DENIED_ERROR: wrong user or password
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1044, // ER_DBACCESS_DENIED_ERROR: no access to the database
  1049, // ER_BAD_DB_ERROR: no such database
]);

function errnoOf(err: unknown): number | undefined {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && errno > 0 ? errno : undefined;
}

export function classifyMysqlError(err: unknown): DriverErrorKind | undefined {
  const code = socketErrorCode(err);
  if (code !== undefined && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_CLIENT_CODES.has(code))) return 'unavailable';
  const errno = errnoOf(err);
  if (errno !== undefined && (err as { sqlState?: unknown }).sqlState !== undefined) {
    if (DUPLICATE_KEY_ERRNOS.has(errno)) return 'duplicate-key';
    if (TRANSIENT_ERRNOS.has(errno)) return 'transient';
    if (TIMEOUT_ERRNOS.has(errno)) return 'timeout';
    if (UNAVAILABLE_ERRNOS.has(errno)) return 'unavailable';
    if (INVALID_VALUE_ERRNOS.has(errno)) return 'invalid-value';
    return undefined;
  }
  // mysql2 fails a connect that outlives connectTimeout with this message and code ETIMEDOUT,
  // covered above; a closed pool without a code reports itself in words.
  if (err instanceof Error && /pool is closed/i.test(errorMessage(err))) return 'unavailable';
  return undefined;
}

/**
 * Session settings every pooled connection gets before its first statement. Strict mode makes
 * a too-long or out-of-range value an error instead of a silently truncated row, whatever the
 * server's own default.
 */
function sessionSetup(flavour: ServerFlavour, statementTimeoutMs: number | undefined): string[] {
  const statements = ["set session sql_mode = trim(both ',' from concat(@@session.sql_mode, ',STRICT_TRANS_TABLES'))"];
  if (statementTimeoutMs !== undefined) {
    // MariaDB limits every statement, in seconds; MySQL limits read-only SELECTs, in milliseconds.
    statements.push(
      flavour === 'mariadb'
        ? `set session max_statement_time = ${(statementTimeoutMs / 1000).toFixed(3)}`
        : `set session max_execution_time = ${statementTimeoutMs}`,
    );
  }
  return statements;
}

type ServerFlavour = 'mysql' | 'mariadb';

function connectionOptions(o: ResolvedServerOptions): mysql.ConnectionOptions {
  const tls = o.tls;
  if (tls?.serverName !== undefined) {
    // mysql2 checks the certificate against `host` only and has no separate server name.
    throw new InvalidPersistenceRequestError('tls.serverName is not supported by the mysql dialect; connect to the certificate host name instead');
  }
  return {
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    connectTimeout: o.connectTimeoutMs,
    enableKeepAlive: true,
    // Ids compare and sort by code point, as the utf8mb4_bin columns do.
    charset: 'UTF8MB4_BIN',
    // BIGINTs come back as numbers when they fit in 2^53 and as strings otherwise, which the
    // row reader then reports; DATETIMEs (bookkeeping only) as UTC strings.
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    timezone: 'Z',
    ssl:
      tls === undefined
        ? undefined
        : { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true, verifyIdentity: tls.rejectUnauthorized ?? true },
  };
}

function poolOptions(o: ResolvedServerOptions): mysql.PoolOptions {
  return { ...connectionOptions(o), connectionLimit: o.maxConnections, maxIdle: o.maxConnections, idleTimeout: o.idleTimeoutMs, waitForConnections: true };
}

/**
 * One short-lived connection, before the pool exists: it tells MySQL from MariaDB and runs the
 * session setup once, so a setting the server rejects fails the open instead of being skipped
 * silently on every pooled connection.
 */
async function probeServer(options: mysql.ConnectionOptions, statementTimeoutMs: number | undefined): Promise<string[]> {
  const conn = await mysqlPromise.createConnection(options);
  try {
    const [rows] = await conn.query('select version() as v');
    const flavour: ServerFlavour = /mariadb/i.test(String((rows as { v: unknown }[])[0]?.v)) ? 'mariadb' : 'mysql';
    const setup = sessionSetup(flavour, statementTimeoutMs);
    for (const statement of setup) await conn.query(statement);
    return setup;
  } finally {
    await conn.end();
  }
}

/** Opens a pooled connection to a MySQL 5.7+ or MariaDB 10.11+ server. */
export async function openMysqlConnection(options: ServerDialectOptions): Promise<SqlConnection> {
  const o = resolveServerOptions(options);
  let setup: string[];
  try {
    setup = await probeServer(connectionOptions(o), o.statementTimeoutMs);
  } catch (err) {
    throw openFailure(err, classifyMysqlError(err), LOGIN_REJECTED_ERRNOS.has(errnoOf(err) ?? 0), `MySQL/MariaDB at ${o.host}:${o.port}/${o.database}`);
  }
  const pool = mysql.createPool(poolOptions(o));
  // Queued on the new connection before the query that asked for it, so it always runs first;
  // the probe already proved the server accepts these statements.
  pool.on('connection', (conn) => {
    for (const statement of setup) conn.query(statement, () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
  return {
    dialect: mysqlBehaviour,
    db,
    // The promise wrapper hides the pool's config, from which the executor names the connection
    // (host, port, user, database) in the schema-tool command a schema mismatch suggests.
    executor: mysqlExecutor(Object.assign(pool.promise(), { config: pool.config })),
    async serverVersion() {
      const result = await sql<{ v: string }>`select version() as v`.execute(db);
      return result.rows[0]?.v ?? 'unknown';
    },
    async close() {
      // Kysely ends the pool on destroy.
      await db.destroy();
    },
  };
}
