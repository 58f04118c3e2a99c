import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { SelectQueryBuilder } from 'kysely';
import { pgExecutor } from '@hourglass/schema-tool';
import type { Database } from '../tables.js';
import type { DialectBehaviour, DriverErrorKind, RowLock, SqlConnection } from './dialect.js';
import { NETWORK_ERROR_CODES, errorCode, errorMessage } from './dialect.js';
import { onConflictDoNothing, onConflictUpdate } from './sql-clauses.js';
import { openFailure, resolveServerOptions, socketErrorCode } from './server-options.js';
import type { ServerDialectOptions } from './server-options.js';

export const postgresBehaviour: DialectBehaviour = {
  name: 'postgres',
  // READ COMMITTED plus explicit row locks, as Temporal's PostgreSQL plugin does: the stores
  // lock the rows they check, and a duplicate key on a row found absent re-runs the transaction.
  beginWrite: ['begin isolation level read committed'],
  // One snapshot for every statement of the read; read-only snapshots never fail to serialize.
  beginRead: ['begin isolation level repeatable read read only'],
  classifyError: classifyPostgresError,
  lockRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, lock: RowLock): SelectQueryBuilder<DB, TB, O> {
    return lock === 'share' ? query.forShare() : query.forUpdate();
  },
  upsertClause: onConflictUpdate,
  insertIgnoreClause: onConflictDoNothing,
  limitInSubquery: true,
};

/** SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html) by outcome. */
const DUPLICATE_KEY_STATES = new Set(['23505']);
const TRANSIENT_STATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
]);
const TIMEOUT_STATES = new Set(['57014']); // query_canceled, raised by statement_timeout
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '53300', // too_many_connections
  '53100', // disk_full
  '53200', // out_of_memory
  '25006', // read_only_sql_transaction: a hot standby, not the primary
]);
const INVALID_VALUE_STATES = new Set([
  '22001', // string_data_right_truncation: longer than the column
  '22003', // numeric_value_out_of_range
  '22021', // character_not_in_repertoire: e.g. a NUL character in text
  '22P05', // untranslatable_character
  '54000', // program_limit_exceeded: e.g. an index row or value too large
]);

/**
 * pg reports a lost or never-made connection with these messages and no SQLSTATE, and a
 * client-side query timeout with the last one.
 */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /client was closed and is not queryable/i,
];
const TIMEOUT_MESSAGES = [/query read timeout/i];

export function classifyPostgresError(err: unknown): DriverErrorKind | undefined {
  const socketCode = socketErrorCode(err);
  // Checked first: some socket codes (EPIPE) look like a five-character SQLSTATE.
  if (socketCode !== undefined && NETWORK_ERROR_CODES.has(socketCode)) return 'unavailable';
  const code = errorCode(err);
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    if (DUPLICATE_KEY_STATES.has(code)) return 'duplicate-key';
    if (TRANSIENT_STATES.has(code)) return 'transient';
    if (TIMEOUT_STATES.has(code)) return 'timeout';
    // Class 08 is every connection exception (connection failure, protocol violation, ...).
    if (UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return 'unavailable';
    if (INVALID_VALUE_STATES.has(code)) return 'invalid-value';
    return undefined;
  }
  if (!(err instanceof Error)) return undefined;
  const message = errorMessage(err);
  if (TIMEOUT_MESSAGES.some((re) => re.test(message))) return 'timeout';
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return 'unavailable';
  return undefined;
}

/** Refusals of the connection settings themselves, seen only while connecting. */
const LOGIN_REJECTED_STATES = new Set([
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification (no pg_hba entry, unknown user)
  '3D000', // invalid_catalog_name: no such database
]);

const INT8_OID = 20;

/**
 * int8 columns come back as JS numbers, like SQLite integers; a value beyond 2^53 stays a
 * string so the row reader reports it instead of silently losing digits.
 */
const hourglassTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string): number | string => {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value;
      };
    }
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens a pooled connection to a PostgreSQL 10+ server. One query at open makes an unreachable
 * server or a refused login fail here, as a typed error, rather than in the first store call.
 */
export async function openPostgresConnection(options: ServerDialectOptions): Promise<SqlConnection> {
  const o = resolveServerOptions(options);
  const tls = o.tls;
  const pool = new pg.Pool({
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    max: o.maxConnections,
    connectionTimeoutMillis: o.connectTimeoutMs,
    idleTimeoutMillis: o.idleTimeoutMs,
    statement_timeout: o.statementTimeoutMs,
    keepAlive: true,
    application_name: 'hourglass',
    types: hourglassTypes,
    ssl:
      tls === undefined
        ? undefined
        : { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, rejectUnauthorized: tls.rejectUnauthorized ?? true },
  });
  // An idle pooled client whose server went away emits 'error'; unhandled, it would crash the
  // process. The next query on a fresh client reports the outage instead.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw openFailure(err, classifyPostgresError(err), LOGIN_REJECTED_STATES.has(errorCode(err) ?? ''), `PostgreSQL at ${o.host}:${o.port}/${o.database}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: postgresBehaviour,
    db,
    executor: pgExecutor(pool),
    async serverVersion() {
      const result = await sql<{ server_version: string }>`show server_version`.execute(db);
      return result.rows[0]?.server_version ?? 'unknown';
    },
    async close() {
      // Kysely ends the pool on destroy.
      await db.destroy();
    },
  };
}
