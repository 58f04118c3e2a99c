import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { SchemaVersionMismatchError } from '@hourglass/core';
import { pgExecutor, setupSchema } from '@hourglass/schema-tool';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseServerConfigText, startServerFromConfig } from '../src/config/index.js';
import type { HourglassServer, ServerConfig } from '../src/config/index.js';
import { startWorker } from './support/harness.js';
import type { RunningWorker } from './support/harness.js';

/**
 * The server started from a config file on the local PostgreSQL 15 that
 * `bash conformance/servers/start.sh postgres-15` runs, driven by the official SDK. Skipped
 * (and reported as skipped) when that server's run file is absent.
 */
const RUN_FILE = fileURLToPath(new URL('../../../conformance/servers/.run/postgres-15.json', import.meta.url));

interface RunFile {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly tlsCaFile?: string | null;
}

const run = existsSync(RUN_FILE) ? (JSON.parse(readFileSync(RUN_FILE, 'utf8')) as RunFile) : undefined;
const skipReason = `PostgreSQL 15 is not running (no ${RUN_FILE}; start it with: bash conformance/servers/start.sh postgres-15)`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: run!.host, port: run!.port, user: run!.user, password: run!.password, database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  await admin(async (client) => {
    await client.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);
    await client.query(`drop database if exists ${name}`);
  });
}

/** A config for the database; TLS with the server's CA when the run file names one, so the TLS settings are exercised too. */
function configYaml(database: string): string {
  const tls = run?.tlsCaFile ? `\n      tls: { caFile: ${run.tlsCaFile}, serverName: localhost }` : '';
  return `
persistence:
  numHistoryShards: 2
  main:
    postgres:
      host: ${run?.host}
      port: ${run?.port}
      user: ${run?.user}
      passwordEnv: HOURGLASS_TEST_PG_PASSWORD
      database: ${database}
      pool: { max: 8, connectTimeoutMs: 5000 }${tls}
frontend: { port: 0 }
namespaces: [default]
`;
}

function parse(yaml: string): ServerConfig {
  return parseServerConfigText(yaml, 'postgres-config.yaml', {
    env: { HOURGLASS_TEST_PG_PASSWORD: run?.password },
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

describe.skipIf(run === undefined)(`server started from a config on PostgreSQL 15${run === undefined ? ` — skipped: ${skipReason}` : ''}`, () => {
  const database = `hg_server_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const taskQueue = `pg-${randomUUID()}`;
  let server: HourglassServer | undefined;
  let worker: RunningWorker | undefined;
  let connection: Connection | undefined;
  let client: Client;

  beforeAll(async () => {
    await admin((c) => c.query(`create database ${database}`));
    // The schema comes from the schema-tool library, as an operator would set it up; the server only checks it.
    const pool = new pg.Pool({ host: run!.host, port: run!.port, user: run!.user, password: run!.password, database, max: 2 });
    try {
      await setupSchema(pgExecutor(pool), { store: 'main' });
      await setupSchema(pgExecutor(pool), { store: 'visibility' });
    } finally {
      await pool.end();
    }
    server = await startServerFromConfig(parse(configYaml(database)));
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: 'default' });
    worker = await startWorker(server.address, taskQueue);
  });

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await server?.shutdown(2_000);
    await dropDatabase(database);
  });

  test('reports PostgreSQL as its persistence store', async () => {
    const info = await connection!.workflowService.getClusterInfo({});
    expect(info.persistenceStore).toBe('postgres');
    expect(info.historyShardCount).toBe(2);
  });

  test.skipIf(!run?.tlsCaFile)('connects to the database over TLS, as the config asks', async () => {
    const encrypted = await admin((c) =>
      c.query<{ n: string }>('select count(*) as n from pg_stat_ssl s join pg_stat_activity a on a.pid = s.pid where a.datname = $1 and s.ssl', [database]),
    );
    expect(Number(encrypted.rows[0]?.n)).toBeGreaterThan(0);
  });

  test('hello-activity runs through the official SDK', async () => {
    const result = await client.workflow.execute('helloActivity', { taskQueue, workflowId: `hello-${randomUUID()}`, args: ['PostgreSQL'] });
    expect(result).toBe('Hello, PostgreSQL!');
  });

  test('a durable timer fires', async () => {
    const started = Date.now();
    const result = await client.workflow.execute('durableSleep', { taskQueue, workflowId: `sleep-${randomUUID()}`, args: [1_000] });
    expect(result).toBe('woke up');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  test('signals are delivered and queries answer from the workflow state', async () => {
    const handle = await client.workflow.start('counter', { taskQueue, workflowId: `counter-${randomUUID()}` });
    await handle.signal('add', 2);
    await handle.signal('add', 40);
    await expect.poll(() => handle.query<number>('total'), { timeout: 10_000 }).toBe(42);
    await handle.signal('finish');
    expect(await handle.result()).toBe(42);
    const described = await handle.describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  test('an activity that fails twice is retried and then succeeds', async () => {
    expect(await client.workflow.execute('retryingActivity', { taskQueue, workflowId: `retry-${randomUUID()}`, args: [randomUUID()] })).toBe('succeeded on attempt 3');
  });

  test('a local activity runs in the worker', async () => {
    expect(await client.workflow.execute('localActivity', { taskQueue, workflowId: `local-${randomUUID()}`, args: ['local'] })).toBe('Hello, local!');
  });

  test('a workflow cancels a heartbeating activity and the activity sees it', async () => {
    expect(await client.workflow.execute('cancelsActivity', { taskQueue, workflowId: `cancel-activity-${randomUUID()}` })).toBe('activity canceled');
  });

  test('an update is accepted or rejected by its validator', async () => {
    const handle = await client.workflow.start('counter', { taskQueue, workflowId: `update-${randomUUID()}` });
    await handle.signal('add', 5);
    expect(await handle.executeUpdate('setTotal', { args: [40] })).toBe(5);
    const rejected = await handle.executeUpdate('setTotal', { args: [-1] }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
    await handle.signal('add', 2);
    await handle.signal('finish');
    expect(await handle.result()).toBe(42);
  });

  test('a child workflow runs and its result reaches the parent', async () => {
    expect(await client.workflow.execute('parent', { taskQueue, workflowId: `parent-${randomUUID()}`, args: ['child'] })).toBe('parent got: Hello, child!');
  });

  test('continue-as-new chains runs and the client follows to the last one', async () => {
    expect(await client.workflow.execute('countdown', { taskQueue, workflowId: `can-${randomUUID()}`, args: [3] })).toBe('done after continue-as-new');
  });

  test('a workflow retry policy retries failed runs until one succeeds', async () => {
    const result = await client.workflow.execute('succeedsOnThirdAttempt', {
      taskQueue,
      workflowId: `wf-retry-${randomUUID()}`,
      retry: { initialInterval: '100 ms', backoffCoefficient: 1, maximumAttempts: 5 },
    });
    expect(result).toBe('succeeded on attempt 3');
  });

  test('a failing workflow surfaces its failure; cancel and terminate end runs', async () => {
    const failed = await client.workflow.execute('failing', { taskQueue, workflowId: `fail-${randomUUID()}` }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect((failed as WorkflowFailedError).cause?.message).toBe('deliberate failure');

    const cancelled = await client.workflow.start('waitsForever', { taskQueue, workflowId: `cancel-${randomUUID()}` });
    await cancelled.cancel();
    await expect(cancelled.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await cancelled.describe()).status.name).toBe('CANCELLED');

    const terminated = await client.workflow.start('waitsForever', { taskQueue, workflowId: `terminate-${randomUUID()}` });
    await terminated.terminate('test');
    expect((await terminated.describe()).status.name).toBe('TERMINATED');
  });

  test('search attributes are upserted and the run is found by a list query', async () => {
    const value = `v-${randomUUID()}`;
    const workflowId = `tagged-${randomUUID()}`;
    await client.workflow.execute('tagged', { taskQueue, workflowId, args: [value] });
    const query = `CustomKeywordField = '${value}'`;
    await expect.poll(async () => (await client.workflow.count(query)).count, { timeout: 10_000 }).toBe(1);
    const found = [];
    for await (const info of client.workflow.list({ query })) found.push(info.workflowId);
    expect(found).toEqual([workflowId]);
  });

  test('visibility lists the completed workflows', async () => {
    await expect
      .poll(async () => (await client.workflow.count(`ExecutionStatus = "Completed" AND TaskQueue = "${taskQueue}"`)).count, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3);
  });
});

describe.skipIf(run === undefined)('a PostgreSQL database without the schema', () => {
  const database = `hg_noschema_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(() => admin((c) => c.query(`create database ${database}`)));
  afterAll(() => dropDatabase(database));

  test('is refused at start with the schema-tool command that sets it up', async () => {
    const error = await startServerFromConfig(parse(configYaml(database))).then(
      async (server) => {
        await server.shutdown(1_000);
        throw new Error('the server started on a database without a schema');
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SchemaVersionMismatchError);
    expect((error as Error).message).toMatch(new RegExp(`has no main schema.*run: npx schema-tool update-schema --db postgres --store main .*--database ${database}`));
  });

  test('is set up at start when autoSetupSchema is on', async () => {
    const server = await startServerFromConfig(parse(configYaml(database).replace('persistence:\n', 'persistence:\n  autoSetupSchema: true\n')));
    try {
      const connection = await Connection.connect({ address: server.address });
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
      await connection.close();
    } finally {
      await server.shutdown(1_000);
    }
  });
});

describe.skipIf(run === undefined)('a server restarted on the same PostgreSQL database', () => {
  const database = `hg_restart_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(() => admin((c) => c.query(`create database ${database}`)));
  afterAll(() => dropDatabase(database));

  test('resumes a workflow whose timer was pending when the first server stopped', async () => {
    const config = parse(configYaml(database).replace('persistence:\n', 'persistence:\n  autoSetupSchema: true\n'));
    const taskQueue = `restart-${randomUUID()}`;
    const workflowId = `restart-${randomUUID()}`;

    const first = await startServerFromConfig(config);
    const firstWorker = await startWorker(first.address, taskQueue, { stickyQueueScheduleToStartTimeout: '1 second' });
    const firstConnection = await Connection.connect({ address: first.address });
    const handle = await new Client({ connection: firstConnection, namespace: 'default' }).workflow.start('durableSleep', { taskQueue, workflowId, args: [2_000] });
    await expect.poll(async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ?? false, { timeout: 10_000 }).toBe(true);
    await firstWorker.stop();
    await firstConnection.close();
    await first.shutdown(1_000);

    const second = await startServerFromConfig(config);
    const secondWorker = await startWorker(second.address, taskQueue);
    const secondConnection = await Connection.connect({ address: second.address });
    try {
      const resumed = new Client({ connection: secondConnection, namespace: 'default' }).workflow.getHandle(workflowId, handle.firstExecutionRunId);
      expect(await resumed.result()).toBe('woke up');
    } finally {
      await secondWorker.stop();
      await secondConnection.close();
      await second.shutdown(1_000);
    }
  });
});
