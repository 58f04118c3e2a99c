import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the local database servers are: the connection files `bash conformance/servers/start.sh
 * <target>` writes (the same files the conformance suite and the package tests read, in the
 * same directory, overridable with HOURGLASS_SERVERS_RUN_DIR).
 */
export type BenchDb = 'sqlite' | 'postgres' | 'mariadb' | 'cassandra';

export const BENCH_DBS: readonly BenchDb[] = ['sqlite', 'postgres', 'mariadb', 'cassandra'];

export type ServerDb = Exclude<BenchDb, 'sqlite'>;

/** The conformance server target benchmarked per database. */
export const SERVER_TARGETS: Readonly<Record<ServerDb, string>> = {
  postgres: 'postgres-15',
  mariadb: 'mariadb-10.11',
  cassandra: 'cassandra-4.0',
};

/** How a database is named in output: MariaDB stands in for MySQL and is always called MariaDB. */
export const DB_LABELS: Readonly<Record<BenchDb, string>> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mariadb: 'MariaDB',
  cassandra: 'Cassandra',
};

export interface SqlServerAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  /** An existing database to connect to while creating and dropping the bench's. */
  readonly database: string;
}

export interface CassandraAddress {
  readonly host: string;
  readonly port: number;
  readonly datacenter: string;
}

export function runDir(): string {
  return process.env['HOURGLASS_SERVERS_RUN_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'conformance', 'servers', '.run');
}

/** A server that cannot be benchmarked, and why; printed as "not run: <reason>". */
export class ServerNotAvailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServerNotAvailable';
  }
}

function readRunFile(db: ServerDb, required: readonly string[]): Record<string, unknown> {
  const target = SERVER_TARGETS[db];
  const file = join(runDir(), `${target}.json`);
  if (!existsSync(file)) throw new ServerNotAvailable(`no connection file ${file} (start the server with: bash conformance/servers/start.sh ${target})`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const missing = required.filter((f) => parsed[f] === undefined);
  if (missing.length > 0) throw new ServerNotAvailable(`${file} lacks ${missing.join(', ')}`);
  return parsed;
}

export function sqlServerAddress(db: 'postgres' | 'mariadb'): SqlServerAddress {
  const run = readRunFile(db, ['host', 'port', 'user', 'database']);
  return {
    host: String(run['host']),
    port: Number(run['port']),
    user: String(run['user']),
    ...(run['password'] === undefined ? {} : { password: String(run['password']) }),
    database: String(run['database']),
  };
}

export function cassandraAddress(): CassandraAddress {
  const run = readRunFile('cassandra', ['host', 'port', 'datacenter']);
  return { host: String(run['host']), port: Number(run['port']), datacenter: String(run['datacenter']) };
}

/** Connection failures that mean "no server there", as opposed to a broken benchmark. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN']);

export function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    const name = (e as { name?: unknown }).name;
    // cassandra-driver wraps every contact-point failure in NoHostAvailableError.
    if (name === 'NoHostAvailableError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The bench's own databases / keyspaces, one per target, dropped and recreated on every run. */
export const BENCH_DATABASE_NAMES = { hourglass: 'hourglass_bench_store', raw: 'hourglass_bench_raw' } as const;
