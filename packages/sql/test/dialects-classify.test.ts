import { describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import type { DialectBehaviour } from '../src/dialects/dialect.js';
import { classifyPostgresError, postgresBehaviour } from '../src/dialects/postgres.js';
import { classifyMysqlError, mysqlBehaviour } from '../src/dialects/mysql.js';
import { InvalidPersistenceRequestError, TimeoutError, UnavailableError } from '@hourglass/core';
import { openFailure, resolveServerOptions } from '../src/dialects/server-options.js';
import type { Database } from '../src/tables.js';

/** What pg raises for a server error: a DatabaseError carrying the SQLSTATE in `code`. */
function pgError(code: string, message = 'server error'): Error {
  const err = new pg.DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

/** What mysql2 raises for a server error: an Error with the symbolic code, errno and SQLSTATE. */
function mysqlError(code: string, errno: number, sqlState = 'HY000'): Error {
  return Object.assign(new Error(`${code}: server error`), { code, errno, sqlState, sqlMessage: 'server error', fatal: false });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, errno: -111, syscall: 'connect' });
}

describe('PostgreSQL error classification', () => {
  it.each([
    ['23505', 'duplicate-key'],
    ['40001', 'transient'],
    ['40P01', 'transient'],
    ['55P03', 'transient'],
    ['57014', 'timeout'],
    ['57P01', 'unavailable'],
    ['57P03', 'unavailable'],
    ['53300', 'unavailable'],
    ['08006', 'unavailable'],
    ['08001', 'unavailable'],
    ['22001', 'invalid-value'],
    ['22003', 'invalid-value'],
    ['22021', 'invalid-value'],
    ['54000', 'invalid-value'],
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(classifyPostgresError(pgError(code))).toBe(kind);
  });

  it('leaves bugs (syntax errors, missing tables, not-null violations) unclassified', () => {
    for (const code of ['42601', '42P01', '23502', '23503', '42703']) expect(classifyPostgresError(pgError(code))).toBeUndefined();
  });

  it('treats refused, reset and timed-out sockets as unavailable, EPIPE included', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND']) expect(classifyPostgresError(socketError(code))).toBe('unavailable');
  });

  it('looks inside the AggregateError Node raises when every address of a host refuses', () => {
    const err = new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')], 'connect failed');
    expect(classifyPostgresError(err)).toBe('unavailable');
  });

  it('recognises pg client messages that carry no code', () => {
    expect(classifyPostgresError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(classifyPostgresError(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
    expect(classifyPostgresError(new Error('Query read timeout'))).toBe('timeout');
  });

  it('leaves non-errors and unknown failures alone', () => {
    expect(classifyPostgresError(undefined)).toBeUndefined();
    expect(classifyPostgresError('boom')).toBeUndefined();
    expect(classifyPostgresError(new Error('something else'))).toBeUndefined();
  });
});

describe('MySQL / MariaDB error classification', () => {
  it.each([
    ['ER_DUP_ENTRY', 1062, 'duplicate-key'],
    ['ER_LOCK_DEADLOCK', 1213, 'transient'],
    ['ER_LOCK_WAIT_TIMEOUT', 1205, 'transient'],
    ['ER_QUERY_TIMEOUT', 3024, 'timeout'],
    ['ER_STATEMENT_TIMEOUT', 1969, 'timeout'],
    ['ER_CON_COUNT_ERROR', 1040, 'unavailable'],
    ['ER_SERVER_SHUTDOWN', 1053, 'unavailable'],
    ['ER_CONNECTION_KILLED', 1927, 'unavailable'],
    ['ER_DATA_TOO_LONG', 1406, 'invalid-value'],
    ['ER_WARN_DATA_OUT_OF_RANGE', 1264, 'invalid-value'],
    ['ER_NET_PACKET_TOO_LARGE', 1153, 'invalid-value'],
    ['ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 1366, 'invalid-value'],
  ] as const)('%s (%i) is %s', (code, errno, kind) => {
    expect(classifyMysqlError(mysqlError(code, errno))).toBe(kind);
  });

  it('leaves bugs (syntax errors, unknown columns, null into NOT NULL) unclassified', () => {
    expect(classifyMysqlError(mysqlError('ER_PARSE_ERROR', 1064, '42000'))).toBeUndefined();
    expect(classifyMysqlError(mysqlError('ER_BAD_FIELD_ERROR', 1054, '42S22'))).toBeUndefined();
    expect(classifyMysqlError(mysqlError('ER_BAD_NULL_ERROR', 1048, '23000'))).toBeUndefined();
  });

  it('treats lost connections, closed pools and socket failures as unavailable', () => {
    expect(classifyMysqlError(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe('unavailable');
    expect(classifyMysqlError(Object.assign(new Error('Pool is closed.'), { code: 'POOL_CLOSED' }))).toBe('unavailable');
    expect(classifyMysqlError(new Error('Pool is closed.'))).toBe('unavailable');
    expect(classifyMysqlError(socketError('ECONNREFUSED'))).toBe('unavailable');
    expect(classifyMysqlError(socketError('ETIMEDOUT'))).toBe('unavailable');
  });

  it('does not mistake a socket errno for a server error number', () => {
    // Node sets a negative errno on socket errors; only the code decides there.
    expect(classifyMysqlError(Object.assign(new Error('x'), { code: 'EWHATEVER', errno: -4 }))).toBeUndefined();
  });
});

function compilerFor(behaviour: DialectBehaviour): Kysely<Database> {
  const postgres = behaviour.name === 'postgres';
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (postgres ? new PostgresAdapter() : new MysqlAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (postgres ? new PostgresIntrospector(db) : new MysqlIntrospector(db)),
      createQueryCompiler: () => (postgres ? new PostgresQueryCompiler() : new MysqlQueryCompiler()),
    },
  });
}

function lockedSelect(behaviour: DialectBehaviour, lock: 'share' | 'update'): string {
  const db = compilerFor(behaviour);
  return behaviour.lockRows(db.selectFrom('shards').select('range_id').where('shard_id', '=', 1), lock).compile().sql;
}

function upsert(behaviour: DialectBehaviour, updates: readonly string[]): string {
  const db = compilerFor(behaviour);
  return db
    .insertInto('shards')
    .values({ shard_id: 1, range_id: 1, data: Buffer.alloc(0), data_encoding: 'x' })
    .modifyEnd(behaviour.upsertClause(['shard_id'], updates))
    .compile().sql;
}

describe('row locks and upserts', () => {
  it('PostgreSQL locks with FOR SHARE / FOR UPDATE', () => {
    expect(lockedSelect(postgresBehaviour, 'share')).toMatch(/ for share$/);
    expect(lockedSelect(postgresBehaviour, 'update')).toMatch(/ for update$/);
  });

  it('MySQL locks with LOCK IN SHARE MODE (MariaDB has no FOR SHARE) / FOR UPDATE', () => {
    expect(lockedSelect(mysqlBehaviour, 'share')).toMatch(/ lock in share mode$/);
    expect(lockedSelect(mysqlBehaviour, 'update')).toMatch(/ for update$/);
  });

  it('PostgreSQL upserts with ON CONFLICT … DO UPDATE and ignores with DO NOTHING', () => {
    expect(upsert(postgresBehaviour, ['range_id', 'data'])).toMatch(/on conflict \("shard_id"\) do update set "range_id" = excluded\."range_id", "data" = excluded\."data"$/);
    const db = compilerFor(postgresBehaviour);
    const ignore = db.insertInto('shards').values({ shard_id: 1, range_id: 1, data: Buffer.alloc(0), data_encoding: 'x' }).modifyEnd(postgresBehaviour.insertIgnoreClause(['shard_id'])).compile().sql;
    expect(ignore).toMatch(/on conflict \("shard_id"\) do nothing$/);
  });

  it('MySQL upserts with VALUES(col), never the 8.0.19+ row alias MariaDB rejects', () => {
    const text = upsert(mysqlBehaviour, ['range_id', 'data']);
    expect(text).toMatch(/on duplicate key update `range_id` = values\(`range_id`\), `data` = values\(`data`\)$/);
    expect(text).not.toMatch(/ as new/i);
  });

  it('MySQL keeps an existing row with a no-op assignment rather than INSERT IGNORE', () => {
    expect(upsert(mysqlBehaviour, [])).toMatch(/on duplicate key update `shard_id` = `shard_id`$/);
    const db = compilerFor(mysqlBehaviour);
    const ignore = db.insertInto('shards').values({ shard_id: 1, range_id: 1, data: Buffer.alloc(0), data_encoding: 'x' }).modifyEnd(mysqlBehaviour.insertIgnoreClause(['shard_id'])).compile().sql;
    expect(ignore).toMatch(/^insert into `shards`/);
    expect(ignore).toMatch(/on duplicate key update `shard_id` = `shard_id`$/);
  });
});

describe('server connection options', () => {
  const base = { host: '127.0.0.1', port: 5432, user: 'u', database: 'd' };

  it('fills in pool and timeout defaults', () => {
    expect(resolveServerOptions(base)).toMatchObject({ maxConnections: 10, connectTimeoutMs: 10_000, idleTimeoutMs: 30_000, statementTimeoutMs: undefined, tls: undefined });
  });

  it.each([
    [{ port: 0 }, /port/],
    [{ port: 70_000 }, /port/],
    [{ host: '' }, /host/],
    [{ maxConnections: 0 }, /maxConnections/],
    [{ connectTimeoutMs: 1.5 }, /connectTimeoutMs/],
    [{ statementTimeoutMs: -1 }, /statementTimeoutMs/],
    [{ password: 7 }, /password/],
    [{ tls: 'yes' }, /tls/],
    [{ tls: { cert: 'c' } }, /together/],
    [{ tls: { rejectUnauthorized: 'no' } }, /rejectUnauthorized/],
    [{ tls: { verify: true } }, /unknown settings: verify/],
  ])('rejects %j with a typed invalid-request error', (override, message) => {
    const attempt = () => resolveServerOptions({ ...base, ...(override as object) } as never);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (err) {
      expect((err as { code?: string }).code).toBe('INVALID_PERSISTENCE_REQUEST');
    }
  });

  it('accepts TLS settings as PEM text or buffers', () => {
    const tls = { ca: 'CA', cert: Buffer.from('C'), key: 'K', serverName: 'db.example', rejectUnauthorized: false };
    expect(resolveServerOptions({ ...base, tls }).tls).toEqual(tls);
  });
});

describe('failures while opening a connection', () => {
  const where = 'db at 127.0.0.1:1/x';

  it('makes an unreachable server a retryable UnavailableError and a slow one a TimeoutError', () => {
    const refused = socketError('ECONNREFUSED');
    const unavailable = openFailure(refused, classifyPostgresError(refused), false, where);
    expect(unavailable).toBeInstanceOf(UnavailableError);
    expect((unavailable as UnavailableError).retryable).toBe(true);
    expect((unavailable as Error).cause).toBe(refused);
    expect(openFailure(pgError('57014'), 'timeout', false, where)).toBeInstanceOf(TimeoutError);
  });

  it('makes refused settings and unverifiable certificates an InvalidPersistenceRequestError', () => {
    expect(openFailure(pgError('28P01'), undefined, true, where)).toBeInstanceOf(InvalidPersistenceRequestError);
    const selfSigned = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(openFailure(selfSigned, undefined, false, where)).toBeInstanceOf(InvalidPersistenceRequestError);
    const mysql2Tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'HANDSHAKE_SSL_ERROR', fatal: true });
    expect(openFailure(mysql2Tls, classifyMysqlError(mysql2Tls), false, where)).toBeInstanceOf(InvalidPersistenceRequestError);
    expect(openFailure(new Error('The server does not support SSL connections'), undefined, false, where)).toBeInstanceOf(InvalidPersistenceRequestError);
  });

  it('passes other failures through unchanged', () => {
    const bug = pgError('42601');
    expect(openFailure(bug, undefined, false, where)).toBe(bug);
  });
});
