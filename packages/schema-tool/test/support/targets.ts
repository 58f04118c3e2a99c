import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OptionValues } from '../../src/cli/options.js';
import type { OpenedExecutor } from '../../src/sql/connect.js';
import { openSql, sqlTargetFrom } from '../../src/sql/connect.js';
import type { SqlDialectName } from '../../src/sql/executor.js';

export const PACKAGE_ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(PACKAGE_ROOT, 'dist', 'cli.js');
export const FIXTURE = join(PACKAGE_ROOT, 'test', 'fixtures', 'portable');

/** Connection files written by `bash conformance/servers/start.sh <target>`; override the directory for local runs. */
const RUN_DIR = process.env['HOURGLASS_SERVERS_RUN_DIR'] ?? resolve(PACKAGE_ROOT, '..', '..', 'conformance', 'servers', '.run');
const SERVER_TARGETS: readonly { name: string; db: SqlDialectName }[] = [
  { name: 'postgres-15', db: 'postgres' },
  { name: 'postgres-10.18', db: 'postgres' },
  { name: 'postgres-13.4', db: 'postgres' },
  { name: 'mariadb-10.11', db: 'mysql' },
];

export interface AvailableTarget {
  readonly available: true;
  readonly name: string;
  readonly db: SqlDialectName;
  /** Connection environment for the CLI, without SQL_DATABASE. */
  readonly env: Readonly<Record<string, string>>;
  /** A database name (or, for SQLite, a file path) no other run uses. */
  newDatabase(): string;
}

export interface MissingTarget {
  readonly available: false;
  readonly name: string;
  readonly reason: string;
}

export type E2ETarget = AvailableTarget | MissingTarget;

interface ConnectionFile {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

export function e2eTargets(): E2ETarget[] {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'schema-tool-e2e-'));
  const targets: E2ETarget[] = [
    {
      available: true,
      name: 'sqlite',
      db: 'sqlite',
      env: {},
      newDatabase: () => join(sqliteDir, `${uniqueName()}.db`),
    },
  ];
  for (const server of SERVER_TARGETS) {
    const file = join(RUN_DIR, `${server.name}.json`);
    if (!existsSync(file)) {
      targets.push({ available: false, name: server.name, reason: `no connection file ${file} (start it with: bash conformance/servers/start.sh ${server.name})` });
      continue;
    }
    const conn = JSON.parse(readFileSync(file, 'utf8')) as ConnectionFile;
    const env: Record<string, string> = { SQL_HOST: conn.host, SQL_PORT: String(conn.port), SQL_USER: conn.user, SQL_PASSWORD: conn.password ?? '' };
    // create-database/drop-database on PostgreSQL connect to a database that surely exists: the one in the file.
    if (server.db === 'postgres') env['SQL_MAINTENANCE_DATABASE'] = conn.database;
    targets.push({ available: true, name: server.name, db: server.db, env, newDatabase: uniqueName });
  }
  return targets;
}

function uniqueName(): string {
  return `st_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in a child process with only the given SQL_* environment. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SQL_')));
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A direct connection to a test database, for tampering with it and inspecting it. */
export function openDirect(target: AvailableTarget, database: string): Promise<OpenedExecutor> {
  const options: OptionValues = {
    endpoint: target.env['SQL_HOST'],
    port: target.env['SQL_PORT'],
    user: target.env['SQL_USER'],
    password: target.env['SQL_PASSWORD'],
    database,
  };
  return openSql(sqlTargetFrom(target.db, options));
}
