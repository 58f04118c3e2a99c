import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { InvalidPersistenceRequestError, UnavailableError } from '@hourglass/core';
import type { SqlConnection } from '../src/dialects/dialect.js';
import { openPostgresConnection } from '../src/dialects/postgres.js';
import { openMysqlConnection } from '../src/dialects/mysql.js';
import type { ServerDialectOptions } from '../src/dialects/server-options.js';

/**
 * Drives the real servers that `bash conformance/servers/start.sh <target>` starts, so the
 * classification is checked against errors the servers actually raise. A target whose run
 * file is absent is skipped (and reported as skipped), never passed.
 */
const RUN_DIR = fileURLToPath(new URL('../../../conformance/servers/.run/', import.meta.url));

interface RunFile {
  host: string;
  port: number;
  user: string;
  password: string;
  tlsCaFile: string | null;
}

function runFile(target: string): RunFile | undefined {
  const file = `${RUN_DIR}${target}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunFile) : undefined;
}

const TARGETS = [
  { target: 'postgres-10.18', open: openPostgresConnection, dialect: 'postgres' },
  { target: 'postgres-15', open: openPostgresConnection, dialect: 'postgres' },
  { target: 'mariadb-10.11', open: openMysqlConnection, dialect: 'mysql' },
] as const;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

for (const { target, open, dialect } of TARGETS) {
  const run = runFile(target);
  describe.skipIf(run === undefined)(`${target} (live server)`, () => {
    let admin: SqlConnection;
    let conn: SqlConnection;
    const database = `hg_dialect_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const options = (): ServerDialectOptions => ({ host: run!.host, port: run!.port, user: run!.user, password: run!.password, database: dialect === 'postgres' ? 'postgres' : 'mysql' });

    beforeAll(async () => {
      admin = await open({ ...options(), database: dialect === 'postgres' ? 'postgres' : 'information_schema' });
      await sql.raw(`create database ${database}`).execute(admin.db);
      conn = await open({ ...options(), database, maxConnections: 4 });
      const blob = dialect === 'postgres' ? 'bytea' : 'mediumblob';
      const tail = dialect === 'postgres' ? '' : ' engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin';
      await sql.raw(`create table t (id varchar(8) not null primary key, n bigint not null, b ${blob})${tail}`).execute(conn.db);
      await sql.raw(`insert into t (id, n) values ('a', 1), ('b', 2)`).execute(conn.db);
    });

    afterAll(async () => {
      await conn?.close();
      if (admin) {
        if (dialect === 'postgres') {
          await sql.raw(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}' and pid <> pg_backend_pid()`).execute(admin.db);
        }
        await sql.raw(`drop database if exists ${database}`).execute(admin.db);
        await admin.close();
      }
    });

    it('reports the server version', async () => {
      const version = await conn.serverVersion();
      expect(version).toMatch(dialect === 'postgres' ? /^\d+\.\d+/ : /MariaDB/);
    });

    it('classifies a duplicate primary key', async () => {
      const err = await failure(sql.raw(`insert into t (id, n) values ('a', 3)`).execute(conn.db));
      expect(conn.dialect.classifyError(err)).toBe('duplicate-key');
    });

    it('classifies a value longer than its column as invalid (strict mode on MySQL)', async () => {
      const err = await failure(sql.raw(`insert into t (id, n) values ('much-too-long', 3)`).execute(conn.db));
      expect(conn.dialect.classifyError(err)).toBe('invalid-value');
    });

    it('classifies an out-of-range integer as invalid', async () => {
      const err = await failure(sql.raw(`insert into t (id, n) values ('c', 99999999999999999999)`).execute(conn.db));
      expect(conn.dialect.classifyError(err)).toBe('invalid-value');
    });

    it('classifies a statement that outlives statementTimeoutMs as a timeout', async () => {
      const sleep = dialect === 'postgres' ? 'select pg_sleep(5)' : 'select sleep(5)';
      const timed = await open({ ...options(), database, maxConnections: 1, statementTimeoutMs: 1_000 });
      try {
        const started = Date.now();
        const err = await failure(sql.raw(sleep).execute(timed.db));
        expect(Date.now() - started).toBeLessThan(4_500);
        expect(timed.dialect.classifyError(err)).toBe('timeout');
      } finally {
        await timed.close();
      }
    });

    it('classifies a deadlock between two transactions as transient', async () => {
      let release!: () => void;
      const bothHoldOneRow = new Promise<void>((resolve) => (release = resolve));
      const lockInOrder = (first: string, second: string) =>
        conn.db.connection().execute(async (c) => {
          for (const statement of conn.dialect.beginWrite) await sql.raw(statement).execute(c);
          try {
            await sql.raw(`select n from t where id = '${first}' for update`).execute(c);
            await bothHoldOneRow;
            await sql.raw(`select n from t where id = '${second}' for update`).execute(c);
          } finally {
            await sql`rollback`.execute(c);
          }
        });
      const results = await Promise.allSettled([lockInOrder('a', 'b'), lockInOrder('b', 'a'), new Promise<void>((r) => setTimeout(r, 300)).then(release)]);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(conn.dialect.classifyError(rejected[0]!.reason)).toBe('transient');
    });

    it('returns BIGINT as a number when safe and as a string beyond 2^53', async () => {
      await sql.raw(`insert into t (id, n) values ('safe', 9007199254740991), ('big', 9007199254740993)`).execute(conn.db);
      const rows = await sql<{ id: string; n: unknown }>`select id, n from t where id in ('safe', 'big') order by id`.execute(conn.db);
      expect(rows.rows).toEqual([
        { id: 'big', n: '9007199254740993' },
        { id: 'safe', n: 9007199254740991 },
      ]);
    });

    it('round-trips a 4 MB blob byte for byte', async () => {
      const data = Buffer.alloc(4 * 1024 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
      await sql`insert into t (id, n, b) values ('blob', 0, ${data})`.execute(conn.db);
      const rows = await sql<{ b: Buffer }>`select b from t where id = 'blob'`.execute(conn.db);
      expect(Buffer.compare(rows.rows[0]!.b, data)).toBe(0);
    });

    it.skipIf(!run?.tlsCaFile)('connects over TLS, verifying the server certificate against the test CA', async () => {
      const ca = readFileSync(run!.tlsCaFile!);
      const secure = await open({ ...options(), database, tls: { ca, ...(dialect === 'postgres' ? { serverName: 'localhost' } : {}) } });
      try {
        const probe = dialect === 'postgres' ? sql<{ enc: unknown }>`select ssl as enc from pg_stat_ssl where pid = pg_backend_pid()` : sql<{ enc: unknown }>`select variable_value as enc from information_schema.session_status where variable_name = 'Ssl_cipher'`;
        const row = (await probe.execute(secure.db)).rows[0];
        expect(dialect === 'postgres' ? row?.enc : String(row?.enc ?? '').length > 0).toBe(true);
      } finally {
        await secure.close();
      }
    });

    it.skipIf(!run?.tlsCaFile)('refuses a server certificate it cannot verify, as an invalid request', async () => {
      expect(await failure(open({ ...options(), database, tls: {} }))).toBeInstanceOf(InvalidPersistenceRequestError);
      if (dialect === 'postgres') {
        const ca = readFileSync(run!.tlsCaFile!);
        expect(await failure(open({ ...options(), database, tls: { ca, serverName: 'not-this-server.example' } }))).toBeInstanceOf(InvalidPersistenceRequestError);
      }
      const lax = await open({ ...options(), database, tls: { rejectUnauthorized: false } });
      await lax.close();
    });

    it('fails to open with a wrong password or an unknown database as an invalid request', async () => {
      expect(await failure(open({ ...options(), database, password: 'wrong' }))).toBeInstanceOf(InvalidPersistenceRequestError);
      expect(await failure(open({ ...options(), database: 'hg_no_such_database' }))).toBeInstanceOf(InvalidPersistenceRequestError);
    });

    it('fails to open on a refused connection with a retryable UnavailableError', async () => {
      const err = await failure(open({ ...options(), port: 1, connectTimeoutMs: 2_000 }));
      expect(err).toBeInstanceOf(UnavailableError);
      expect(conn.dialect.classifyError((err as Error).cause)).toBe('unavailable');
    });
  });
}
