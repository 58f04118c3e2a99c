import { existsSync, readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { OptionSpec, OptionValues } from '../cli/options.js';
import { SchemaToolError, describeCause } from '../errors.js';
import type { SqlDialectName, SqlExecutor } from './executor.js';
import { mysqlExecutor, pgExecutor, sqliteExecutor } from './executor.js';

export const SQL_CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { name: 'endpoint', type: 'string', env: 'SQL_HOST', valueName: 'host', description: 'server host name or address', default: '127.0.0.1' },
  { name: 'port', type: 'string', env: 'SQL_PORT', valueName: 'port', description: 'server port; 5432 for postgres and 3306 for mysql when omitted' },
  { name: 'user', type: 'string', env: 'SQL_USER', valueName: 'name', description: 'user name' },
  { name: 'password', type: 'string', env: 'SQL_PASSWORD', valueName: 'secret', description: 'password (prefer the env variable)' },
  { name: 'database', type: 'string', env: 'SQL_DATABASE', valueName: 'name', description: 'database name; for sqlite the database file path' },
  { name: 'maintenance-database', type: 'string', env: 'SQL_MAINTENANCE_DATABASE', valueName: 'name', description: 'postgres database to connect to for create-database/drop-database', default: 'postgres' },
  { name: 'tls', type: 'boolean', env: 'SQL_TLS', description: 'connect with TLS' },
  { name: 'tls-ca-file', type: 'string', env: 'SQL_TLS_CA_FILE', valueName: 'path', description: 'CA certificate(s) to trust' },
  { name: 'tls-cert-file', type: 'string', env: 'SQL_TLS_CERT_FILE', valueName: 'path', description: 'client certificate' },
  { name: 'tls-key-file', type: 'string', env: 'SQL_TLS_KEY_FILE', valueName: 'path', description: 'client private key' },
  { name: 'tls-server-name', type: 'string', env: 'SQL_TLS_SERVER_NAME', valueName: 'name', description: 'server name expected in its certificate' },
  { name: 'tls-disable-host-verification', type: 'boolean', env: 'SQL_TLS_DISABLE_HOST_VERIFICATION', description: 'do not verify the server certificate' },
];

const DEFAULT_PORTS: Record<Exclude<SqlDialectName, 'sqlite'>, number> = { postgres: 5432, mysql: 3306 };
const CONNECT_TIMEOUT_MS = 10_000;

export interface SqlTarget {
  readonly dialect: SqlDialectName;
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly maintenanceDatabase: string;
  readonly tls: TlsConnectionOptions | undefined;
}

export function sqlTargetFrom(dialect: SqlDialectName, options: OptionValues): SqlTarget {
  const text = (name: string): string | undefined => {
    const value = options[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const portText = text('port');
  let port = dialect === 'sqlite' ? 0 : DEFAULT_PORTS[dialect];
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new SchemaToolError(`--port must be a TCP port number, got "${portText}"`);
  }
  return {
    dialect,
    host: text('endpoint') ?? '127.0.0.1',
    port,
    user: text('user'),
    password: text('password'),
    database: text('database'),
    maintenanceDatabase: text('maintenance-database') ?? 'postgres',
    tls: options['tls'] === true ? tlsOptions(options, text) : undefined,
  };
}

function tlsOptions(options: OptionValues, text: (name: string) => string | undefined): TlsConnectionOptions {
  const read = (flag: string): string | undefined => {
    const path = text(flag);
    if (path === undefined) return undefined;
    if (!existsSync(path)) throw new SchemaToolError(`--${flag}: file not found: ${path}`);
    return readFileSync(path, 'utf8');
  };
  const tls: TlsConnectionOptions = { rejectUnauthorized: options['tls-disable-host-verification'] !== true };
  const ca = read('tls-ca-file');
  const cert = read('tls-cert-file');
  const key = read('tls-key-file');
  const servername = text('tls-server-name');
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (servername !== undefined) tls.servername = servername;
  return tls;
}

export interface OpenedExecutor {
  readonly executor: SqlExecutor;
  readonly description: string;
  close(): Promise<void>;
}

export function requireDatabase(target: SqlTarget): string {
  if (target.database === undefined) {
    throw new SchemaToolError(
      target.dialect === 'sqlite' ? '--database (or SQL_DATABASE) must name the SQLite database file' : '--database (or SQL_DATABASE) is required',
    );
  }
  return target.database;
}

/**
 * Opens one connection. `database: null` connects to no particular database (MySQL) or the
 * maintenance database (PostgreSQL), for creating and dropping databases.
 */
export async function openSql(target: SqlTarget, database: string | null = requireDatabase(target)): Promise<OpenedExecutor> {
  switch (target.dialect) {
    case 'sqlite': {
      const path = database ?? requireDatabase(target);
      if (!existsSync(path)) throw new SchemaToolError(`SQLite database file ${path} does not exist (run create-database first)`);
      let db: Database.Database;
      try {
        // A generous busy timeout: a concurrent updater holds the write lock for one whole version.
        db = new Database(path, { fileMustExist: true, timeout: 60_000 });
      } catch (err) {
        throw new SchemaToolError(`cannot open SQLite database ${path}: ${describeCause(err)}`, { cause: err });
      }
      return { executor: sqliteExecutor(db), description: `sqlite ${path}`, close: async () => void db.close() };
    }
    case 'postgres': {
      const dbName = database ?? target.maintenanceDatabase;
      const client = new pg.Client({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: dbName,
        ssl: target.tls,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      });
      // Errors after connect (server restart) surface on the next query; this stops them crashing the process.
      client.on('error', () => {});
      const description = `postgres ${target.host}:${target.port}/${dbName}`;
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => {});
        throw new SchemaToolError(`cannot connect to ${description}: ${describeCause(err)}`, { cause: err });
      }
      return { executor: pgExecutor(client), description, close: () => client.end() };
    }
    case 'mysql': {
      const description = `mysql ${target.host}:${target.port}${database === null ? '' : `/${database}`}`;
      let conn: mysql.Connection;
      try {
        conn = await mysql.createConnection({
          host: target.host,
          port: target.port,
          user: target.user,
          password: target.password,
          database: database ?? undefined,
          ssl: target.tls as mysql.SslOptions | undefined,
          connectTimeout: CONNECT_TIMEOUT_MS,
          timezone: 'Z',
          dateStrings: true,
        });
      } catch (err) {
        throw new SchemaToolError(`cannot connect to ${description}: ${describeCause(err)}`, { cause: err });
      }
      conn.on('error', () => {});
      return { executor: mysqlExecutor(conn), description, close: () => conn.end() };
    }
  }
}
