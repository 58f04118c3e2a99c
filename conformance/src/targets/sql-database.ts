import pg from 'pg';
import mysql from 'mysql2/promise';
import { TargetUnavailableError } from '../target.js';
import { isServerUnreachable } from './unreachable.js';

export interface SqlServerAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  /** A database the user may connect to while creating and dropping others. */
  readonly adminDatabase?: string;
}

export type SqlServerDialect = 'postgres' | 'mysql';

function unavailableOr(err: unknown, address: SqlServerAddress): unknown {
  return isServerUnreachable(err)
    ? new TargetUnavailableError(`server not reachable at ${address.host}:${address.port}: ${String(err)}`, { cause: err })
    : err;
}

async function withPostgres<T>(address: SqlServerAddress, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    host: address.host,
    port: address.port,
    user: address.user,
    password: address.password,
    database: address.adminDatabase ?? 'postgres',
  });
  try {
    await client.connect();
  } catch (err) {
    throw unavailableOr(err, address);
  }
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

async function withMysql<T>(address: SqlServerAddress, body: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ host: address.host, port: address.port, user: address.user, password: address.password });
  } catch (err) {
    throw unavailableOr(err, address);
  }
  try {
    return await body(conn);
  } finally {
    await conn.end();
  }
}

/** Names come from randomResourceName, so quoting is only a guard, not an escaping scheme. */
function assertPlainIdentifier(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
}

export async function createSqlDatabase(dialect: SqlServerDialect, address: SqlServerAddress, name: string): Promise<void> {
  assertPlainIdentifier(name);
  if (dialect === 'postgres') {
    await withPostgres(address, (c) => c.query(`CREATE DATABASE "${name}"`));
  } else {
    await withMysql(address, (c) => c.query(`CREATE DATABASE \`${name}\``));
  }
}

/** Returns the server's own version string, e.g. "15.4" or "10.11.6-MariaDB-0+deb12u1". */
export async function sqlServerVersion(dialect: SqlServerDialect, address: SqlServerAddress): Promise<string> {
  if (dialect === 'postgres') {
    return withPostgres(address, async (c) => String((await c.query('SHOW server_version')).rows[0].server_version));
  }
  return withMysql(address, async (c) => {
    const [rows] = await c.query('SELECT VERSION() AS v');
    return String((rows as { v: string }[])[0]!.v);
  });
}

export async function dropSqlDatabase(dialect: SqlServerDialect, address: SqlServerAddress, name: string): Promise<void> {
  assertPlainIdentifier(name);
  if (dialect === 'postgres') {
    await withPostgres(address, async (c) => {
      // PostgreSQL 10 has no DROP DATABASE ... WITH (FORCE); end stray sessions of a store pool first.
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await c.query(`DROP DATABASE IF EXISTS "${name}"`);
    });
  } else {
    await withMysql(address, (c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
  }
}
