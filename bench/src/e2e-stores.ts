import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { ServerThreadData, ServerThreadMessage } from './e2e-server-thread.js';

export type E2eStoreName = 'sqlite-file' | 'postgres-15';

/** A server started in this process (on its own thread) from a config file's text, on a database made for this run. */
export interface E2eStore {
  readonly name: E2eStoreName;
  readonly address: string;
  readonly serverVersion: string;
  /** Stops the server and removes the database. */
  dispose(): Promise<void>;
}

const POSTGRES_RUN_FILE = fileURLToPath(new URL('../../conformance/servers/.run/postgres-15.json', import.meta.url));

interface PostgresRunFile {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly serverVersion?: string;
}

export function postgresRunFile(): PostgresRunFile | undefined {
  return existsSync(POSTGRES_RUN_FILE) ? (JSON.parse(readFileSync(POSTGRES_RUN_FILE, 'utf8')) as PostgresRunFile) : undefined;
}

const SERVER_THREAD = new URL('./e2e-server-thread.js', import.meta.url);

interface ServerThread {
  readonly address: string;
  stop(): Promise<void>;
}

async function start(yaml: string): Promise<ServerThread> {
  const worker = new Worker(SERVER_THREAD, { workerData: { yaml } satisfies ServerThreadData });
  const first = await new Promise<ServerThreadMessage>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (first.kind !== 'started') {
    await worker.terminate();
    throw new Error(first.kind === 'failed' ? first.message : 'the server thread stopped before starting');
  }
  return {
    address: first.address,
    async stop() {
      const stopped = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

// One history shard on every store: the figures compare stores, not shard fan-out.
const COMMON = `frontend: { port: 0 }\nnamespaces: [default]\n`;

export async function openSqliteFileStore(): Promise<E2eStore> {
  const dir = mkdtempSync(join(tmpdir(), 'hourglass-bench-e2e-'));
  const server = await start(`persistence:\n  numHistoryShards: 1\n  autoSetupSchema: true\n  main:\n    sqlite: { filename: ${join(dir, 'e2e.sqlite')} }\n${COMMON}`);
  return {
    name: 'sqlite-file',
    address: server.address,
    serverVersion: 'SQLite (better-sqlite3), WAL',
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openPostgresStore(run: PostgresRunFile): Promise<E2eStore> {
  const database = `hg_bench_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = async (statement: string, params: unknown[] = []): Promise<void> => {
    const client = new pg.Client({ host: run.host, port: run.port, user: run.user, password: run.password, database: 'postgres' });
    await client.connect();
    try {
      await client.query(statement, params);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${database}`);
  let server: ServerThread;
  try {
    server = await start(
      `persistence:\n  numHistoryShards: 1\n  autoSetupSchema: true\n  main:\n    postgres:\n      host: ${run.host}\n      port: ${run.port}\n      user: ${run.user}\n      password: ${JSON.stringify(run.password)}\n      database: ${database}\n      pool: { max: 10 }\n${COMMON}`,
    );
  } catch (err) {
    await admin(`drop database if exists ${database}`);
    throw err;
  }
  return {
    name: 'postgres-15',
    address: server.address,
    serverVersion: `PostgreSQL ${run.serverVersion ?? '15'} (local, TCP, no TLS)`,
    async dispose() {
      await server.stop();
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [database]);
      await admin(`drop database if exists ${database}`);
    },
  };
}
