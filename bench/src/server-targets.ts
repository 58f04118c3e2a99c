import pg from 'pg';
import mysql from 'mysql2/promise';
import { openSqlStores } from '@hourglass/sql';
import type { SqlPersistenceStores } from '@hourglass/sql';
import type { PersistenceStores } from '@hourglass/core';
import { mysqlExecutor, pgExecutor, setupSchema } from '@hourglass/schema-tool';
import { MARIADB_SQL, POSTGRES_SQL } from './baseline-sql.js';
import type { BaselineSql } from './baseline-sql.js';
import { WRITTEN_TABLES } from './databases.js';
import { RawMariadbExecutor } from './raw-mariadb.js';
import { RawPostgresExecutor } from './raw-postgres.js';
import { BENCH_DATABASE_NAMES, ServerNotAvailable, isUnreachable, sqlServerAddress } from './servers.js';
import type { ServerDb, SqlServerAddress } from './servers.js';
import type { ScriptUnit } from './sql-script.js';
import type { OpPosition } from './workload-data.js';
import type { Workload } from './workloads.js';
import { seedBaseline, seedStore } from './workloads.js';

/** On a server database there are two targets: the store, and the raw driver running the baseline. */
export type ServerTargetName = 'hourglass' | 'raw';

export const SERVER_TARGET_NAMES: readonly ServerTargetName[] = ['hourglass', 'raw'];

export interface ServerTarget {
  readonly name: ServerTargetName;
  execute(workload: Workload, p: OpPosition): Promise<void>;
}

export interface OpenedServer {
  readonly db: ServerDb;
  readonly serverVersion: string;
  readonly targets: readonly ServerTarget[];
  /** Rows per written table and target after the run: equal counts show both did the same work. */
  rowCounts(): Promise<Record<ServerTargetName, Record<string, number>>>;
  /** Closes every connection and drops the bench's databases. */
  closeAll(): Promise<void>;
}

export class StoreTarget implements ServerTarget {
  readonly name = 'hourglass';
  constructor(private readonly stores: PersistenceStores) {}

  execute(workload: Workload, p: OpPosition): Promise<void> {
    return workload.store(this.stores, p);
  }
}

interface UnitExecutor {
  execute(units: readonly ScriptUnit[]): Promise<void>;
}

class RawSqlTarget implements ServerTarget {
  readonly name = 'raw';
  constructor(
    private readonly executor: UnitExecutor,
    private readonly sql: BaselineSql,
  ) {}

  execute(workload: Workload, p: OpPosition): Promise<void> {
    return this.executor.execute(workload.baseline(p, this.sql));
  }
}

/** Turns "no server there" into ServerNotAvailable, so the run prints "not run" instead of failing. */
async function reach<T>(what: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    if (isUnreachable(err)) throw new ServerNotAvailable(`${what} not reachable: ${err instanceof Error ? err.message || err.name : String(err)}`, { cause: err });
    throw err;
  }
}

async function countRows(query: (sql: string) => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of WRITTEN_TABLES) counts[table] = Number(await query(`SELECT COUNT(*) AS n FROM ${table}`));
  return counts;
}

export async function openPostgres(): Promise<OpenedServer> {
  const address = sqlServerAddress('postgres');
  const connect = (database: string) => new pg.Client({ host: address.host, port: address.port, user: address.user, password: address.password, database });
  const admin = connect(address.database);
  await reach(`PostgreSQL at ${address.host}:${address.port}`, () => admin.connect());
  const names = Object.values(BENCH_DATABASE_NAMES);
  const dropAll = async () => {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  };
  let stores: SqlPersistenceStores | undefined;
  let raw: pg.Client | undefined;
  try {
    await dropAll();
    for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
    stores = await openSqlStores({ ...storeAddress(address), dialect: 'postgres', database: BENCH_DATABASE_NAMES.hourglass, setupSchema: true });
    await seedStore(stores);
    raw = connect(BENCH_DATABASE_NAMES.raw);
    await raw.connect();
    await setupSchema(pgExecutor(raw), { store: 'main' });
    const executor = new RawPostgresExecutor(raw);
    await executor.execute([seedBaseline()]);
    const serverVersion = String((await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version);
    const [openedStores, rawClient] = [stores, raw];
    return {
      db: 'postgres',
      serverVersion,
      targets: [new StoreTarget(openedStores), new RawSqlTarget(executor, POSTGRES_SQL)],
      async rowCounts() {
        const storeClient = connect(BENCH_DATABASE_NAMES.hourglass);
        await storeClient.connect();
        try {
          const count = (c: pg.Client) => (sql: string) => c.query<{ n: string }>(sql).then((r) => r.rows[0]?.n);
          return { hourglass: await countRows(count(storeClient)), raw: await countRows(count(rawClient)) };
        } finally {
          await storeClient.end();
        }
      },
      async closeAll() {
        try {
          await openedStores.close();
          await rawClient.end();
          await dropAll();
        } finally {
          await admin.end();
        }
      },
    };
  } catch (err) {
    await stores?.close().catch(() => undefined);
    await raw?.end().catch(() => undefined);
    await dropAll().catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw err;
  }
}

export async function openMariadb(): Promise<OpenedServer> {
  const address = sqlServerAddress('mariadb');
  const connect = (database?: string) =>
    mysql.createConnection({ host: address.host, port: address.port, user: address.user, password: address.password, ...(database ? { database } : {}) });
  const admin = await reach(`MariaDB at ${address.host}:${address.port}`, () => connect());
  const names = Object.values(BENCH_DATABASE_NAMES);
  const dropAll = async () => {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  };
  let stores: SqlPersistenceStores | undefined;
  let raw: mysql.Connection | undefined;
  try {
    await dropAll();
    for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
    stores = await openSqlStores({ ...storeAddress(address), dialect: 'mysql', database: BENCH_DATABASE_NAMES.hourglass, setupSchema: true });
    await seedStore(stores);
    raw = await connect(BENCH_DATABASE_NAMES.raw);
    await setupSchema(mysqlExecutor(raw), { store: 'main' });
    await RawMariadbExecutor.prepareSession(raw);
    const executor = new RawMariadbExecutor(raw);
    await executor.execute([seedBaseline()]);
    const [versionRows] = await admin.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    const [openedStores, rawConnection] = [stores, raw];
    return {
      db: 'mariadb',
      serverVersion: String(versionRows[0]?.['v']),
      targets: [new StoreTarget(openedStores), new RawSqlTarget(executor, MARIADB_SQL)],
      async rowCounts() {
        const count = (database: string) => (sql: string) =>
          admin.query<mysql.RowDataPacket[]>(sql.replace(/FROM (\w+)$/, `FROM ${database}.$1`)).then(([rows]) => rows[0]?.['n']);
        return { hourglass: await countRows(count(BENCH_DATABASE_NAMES.hourglass)), raw: await countRows(count(BENCH_DATABASE_NAMES.raw)) };
      },
      async closeAll() {
        try {
          await openedStores.close();
          await rawConnection.end();
          await dropAll();
        } finally {
          await admin.end();
        }
      },
    };
  } catch (err) {
    await stores?.close().catch(() => undefined);
    await raw?.end().catch(() => undefined);
    await dropAll().catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw err;
  }
}

/** The store with its default pool; the benchmark sends one op at a time, so one connection is in use. */
function storeAddress(address: SqlServerAddress): { host: string; port: number; user: string; password?: string } {
  return { host: address.host, port: address.port, user: address.user, ...(address.password === undefined ? {} : { password: address.password }) };
}
