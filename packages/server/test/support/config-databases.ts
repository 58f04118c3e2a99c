import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mysqlExecutor, pgExecutor, setupSchema } from '@hourglass/schema-tool';
import type { SqlExecutor } from '@hourglass/schema-tool';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * The SQL database servers a config-driven server suite runs on: the local servers that
 * `bash conformance/servers/start.sh <target>` starts and describes in a run file. Each one
 * knows how to make and drop a fresh database with an admin connection, how to set the schemas
 * up the way an operator would (with the schema-tool library), and the YAML that points a
 * server config's `persistence.main` and `persistence.visibility` at a database.
 */

/** The fields of a run file under conformance/servers/.run/ that the suite uses. */
export interface RunFile {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly tlsCaFile?: string | null;
}

export interface ConfigDatabase {
  /** How the database server is named in test titles, e.g. `MariaDB 10.11`. */
  readonly label: string;
  /** The start.sh target, e.g. `mariadb-10.11`. */
  readonly target: string;
  /** The config key under `persistence.main` (`postgres:` or `mysql:`), also what the cluster reports as its store. */
  readonly configKey: 'postgres' | 'mysql';
  /** The run file, or undefined when the server is not running. */
  readonly run: RunFile | undefined;
  /**
   * Whether the driver takes a TLS server name apart from the host (pg does; mysql2 checks the
   * certificate against the host only, and the mysql store refuses `tls.serverName`).
   */
  readonly tlsServerName: boolean;
  /** Why the suite is skipped when `run` is undefined. */
  readonly skipReason: string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Sets up the main and visibility schemas in the database, as `schema-tool setup-schema` would. */
  setupSchemas(database: string): Promise<void>;
  /**
   * How many of the database's sessions are encrypted (PostgreSQL's pg_stat_ssl). Absent where the
   * server shows a session's TLS state only to that session (MariaDB without performance_schema).
   */
  readonly encryptedSessions?: (database: string) => Promise<number>;
}

const runFilePath = (target: string): string => fileURLToPath(new URL(`../../../../conformance/servers/.run/${target}.json`, import.meta.url));

function readRun(target: string): RunFile | undefined {
  const path = runFilePath(target);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunFile) : undefined;
}

const skipReasonFor = (label: string, target: string): string =>
  `${label} is not running (no ${runFilePath(target)}; start it with: bash conformance/servers/start.sh ${target})`;

function postgres(target: string, label: string): ConfigDatabase {
  const run = readRun(target);
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ host: run!.host, port: run!.port, user: run!.user, password: run!.password, database: 'postgres' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    label,
    target,
    configKey: 'postgres',
    run,
    tlsServerName: true,
    skipReason: skipReasonFor(label, target),
    async createDatabase(name) {
      await admin((c) => c.query(`create database ${name}`));
    },
    async dropDatabase(name) {
      await admin(async (c) => {
        await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await c.query(`drop database if exists ${name}`);
      });
    },
    async setupSchemas(database) {
      const pool = new pg.Pool({ host: run!.host, port: run!.port, user: run!.user, password: run!.password, database, max: 2 });
      try {
        await setupBoth(pgExecutor(pool));
      } finally {
        await pool.end();
      }
    },
    async encryptedSessions(database) {
      const result = await admin((c) =>
        c.query<{ n: string }>('select count(*) as n from pg_stat_ssl s join pg_stat_activity a on a.pid = s.pid where a.datname = $1 and s.ssl', [database]),
      );
      return Number(result.rows[0]?.n);
    },
  };
}

function mariadb(target: string, label: string): ConfigDatabase {
  const run = readRun(target);
  const admin = async <T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> => {
    const connection = await mysql.createConnection({ host: run!.host, port: run!.port, user: run!.user, password: run!.password });
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  };
  return {
    label,
    target,
    configKey: 'mysql',
    run,
    tlsServerName: false,
    skipReason: skipReasonFor(label, target),
    async createDatabase(name) {
      await admin((c) => c.query(`create database ${name}`));
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`drop database if exists ${name}`));
    },
    async setupSchemas(database) {
      const pool = mysql.createPool({ host: run!.host, port: run!.port, user: run!.user, password: run!.password, database, connectionLimit: 2 });
      try {
        await setupBoth(mysqlExecutor(pool));
      } finally {
        await pool.end();
      }
    },
  };
}

async function setupBoth(executor: SqlExecutor): Promise<void> {
  await setupSchema(executor, { store: 'main' });
  await setupSchema(executor, { store: 'visibility' });
}

/** Every SQL database server the config suite runs on; absent servers are skipped with their reason. */
export const CONFIG_DATABASES: readonly ConfigDatabase[] = [postgres('postgres-15', 'PostgreSQL 15'), mariadb('mariadb-10.11', 'MariaDB 10.11')];

/** The environment variable the configs read the database password from. */
export const PASSWORD_ENV = 'HOURGLASS_TEST_SQL_PASSWORD';

export interface ConfigYamlOptions {
  /** The database for `persistence.main`. */
  readonly main: string;
  /** The database for `persistence.visibility`; without it, visibility lives in the main database. */
  readonly visibility?: string;
  readonly autoSetupSchema?: boolean;
  /**
   * The `tls:` value as a YAML flow map, in place of the default: the run file's CA, and (where the
   * driver takes one) the server name `localhost`, which the test certificates name beside 127.0.0.1.
   */
  readonly tls?: string;
}

/**
 * A server config on the database. TLS with the server's CA when the run file names one, so the
 * config's TLS settings are exercised too.
 */
export function configYaml(db: ConfigDatabase, options: ConfigYamlOptions): string {
  const run = db.run!;
  const store = (database: string): string => {
    const tlsValue = options.tls ?? (run.tlsCaFile ? `{ caFile: ${run.tlsCaFile}${db.tlsServerName ? ', serverName: localhost' : ''} }` : undefined);
    const tls = tlsValue === undefined ? '' : `\n      tls: ${tlsValue}`;
    return `
    ${db.configKey}:
      host: ${run.host}
      port: ${run.port}
      user: ${run.user}
      passwordEnv: ${PASSWORD_ENV}
      database: ${database}
      pool: { max: 8, connectTimeoutMs: 5000 }${tls}`;
  };
  return `
persistence:
  numHistoryShards: 2${options.autoSetupSchema ? '\n  autoSetupSchema: true' : ''}
  main:${store(options.main)}${options.visibility === undefined ? '' : `\n  visibility:${store(options.visibility)}`}
frontend: { port: 0 }
namespaces: [default]
`;
}
