import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { InvalidPersistenceRequestError, SchemaVersionMismatchError } from '@hourglass/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseServerConfigText, startServerFromConfig } from '../src/config/index.js';
import type { HourglassServer, ServerConfig } from '../src/config/index.js';
import { CONFIG_DATABASES, PASSWORD_ENV, configYaml } from './support/config-databases.js';
import type { ConfigDatabase } from './support/config-databases.js';
import { startWorker } from './support/harness.js';
import type { RunningWorker } from './support/harness.js';
import {
  activityRetriedUntilItSucceeds,
  childResultReachesParent,
  continueAsNewChainsRuns,
  workflowCancelsHeartbeatingActivity,
  workflowRetriedUntilARunSucceeds,
} from './support/sdk-cases.js';

/**
 * The server started from a YAML config on each SQL database server that
 * `bash conformance/servers/start.sh` runs locally (PostgreSQL 15, MariaDB 10.11), driven by the
 * official SDK. A database whose server's run file is absent is skipped, and reported as skipped
 * with the reason.
 */

const fresh = (prefix: string): string => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

function parse(db: ConfigDatabase, yaml: string): ServerConfig {
  return parseServerConfigText(yaml, `${db.target}.yaml`, {
    env: { [PASSWORD_ENV]: db.run?.password },
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

for (const db of CONFIG_DATABASES) {
  const absent = db.run === undefined;
  const skipped = absent ? ` — skipped: ${db.skipReason}` : '';

  describe.skipIf(absent)(`server started from a config on ${db.label}${skipped}`, () => {
    // Main and visibility stores in separate databases, so both config keys are exercised.
    const database = fresh('hg_server');
    const visibilityDatabase = fresh('hg_server_vis');
    const taskQueue = `${db.target}-${randomUUID()}`;
    let server: HourglassServer | undefined;
    let worker: RunningWorker | undefined;
    let connection: Connection | undefined;
    let client: Client;
    const context = () => ({ client, taskQueue });

    beforeAll(async () => {
      await db.createDatabase(database);
      await db.createDatabase(visibilityDatabase);
      // The schemas come from the schema-tool library, as an operator would set them up; the server only checks them.
      await db.setupSchemas(database);
      await db.setupSchemas(visibilityDatabase);
      server = await startServerFromConfig(parse(db, configYaml(db, { main: database, visibility: visibilityDatabase })));
      connection = await Connection.connect({ address: server.address });
      client = new Client({ connection, namespace: 'default' });
      worker = await startWorker(server.address, taskQueue);
    });

    afterAll(async () => {
      await worker?.stop();
      await connection?.close();
      await server?.shutdown(2_000);
      await db.dropDatabase(database);
      await db.dropDatabase(visibilityDatabase);
    });

    test(`reports ${db.configKey} as its persistence and visibility store`, async () => {
      const info = await connection!.workflowService.getClusterInfo({});
      expect(info.persistenceStore).toBe(db.configKey);
      expect(info.visibilityStore).toBe(db.configKey);
      expect(info.historyShardCount).toBe(2);
    });

    // Where the database cannot show other sessions' TLS state (MariaDB), the refusal below is the evidence that TLS is used.
    test.skipIf(!db.run?.tlsCaFile || !db.encryptedSessions)('connects to the database over TLS, as the config asks', async () => {
      expect(await db.encryptedSessions!(database)).toBeGreaterThan(0);
    });

    const refusal = (tls: string): Promise<unknown> =>
      startServerFromConfig(parse(db, configYaml(db, { main: database, visibility: visibilityDatabase, tls }))).then(
        async (started) => {
          await started.shutdown(1_000);
          throw new Error(`the server started with tls: ${tls}`);
        },
        (err: unknown) => err,
      );

    test.skipIf(!db.run?.tlsCaFile)('refuses to start when TLS names no CA that verifies the database certificate', async () => {
      // Only a TLS handshake can fail this way, so this is also the evidence that the config's TLS reaches the driver.
      const error = await refusal('{}');
      expect(error).toBeInstanceOf(InvalidPersistenceRequestError);
      expect((error as Error).message).toMatch(/certificate/i);
    });

    test.skipIf(!db.run?.tlsCaFile || !db.tlsServerName)('refuses to start when the database certificate does not match the configured TLS server name', async () => {
      const error = await refusal(`{ caFile: ${db.run?.tlsCaFile}, serverName: not-this-server.invalid }`);
      expect(error).toBeInstanceOf(InvalidPersistenceRequestError);
      expect((error as Error).message).toMatch(/not-this-server\.invalid|altnames|certificate/i);
    });

    test.skipIf(!db.run?.tlsCaFile || db.tlsServerName)('refuses a TLS server name its driver cannot check, saying so', async () => {
      const error = await refusal(`{ caFile: ${db.run?.tlsCaFile}, serverName: localhost }`);
      expect(error).toBeInstanceOf(InvalidPersistenceRequestError);
      expect((error as Error).message).toMatch(/tls\.serverName is not supported/);
    });

    test('hello-activity runs through the official SDK', async () => {
      const result = await client.workflow.execute('helloActivity', { taskQueue, workflowId: `hello-${randomUUID()}`, args: [db.label] });
      expect(result).toBe(`Hello, ${db.label}!`);
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

    test('an activity that fails twice is retried and then succeeds', () => activityRetriedUntilItSucceeds(context()));

    test('a local activity runs in the worker', async () => {
      expect(await client.workflow.execute('localActivity', { taskQueue, workflowId: `local-${randomUUID()}`, args: ['local'] })).toBe('Hello, local!');
    });

    test('a workflow cancels a heartbeating activity and the activity sees it', () => workflowCancelsHeartbeatingActivity(context()));

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

    test('a child workflow runs and its result reaches the parent', () => childResultReachesParent(context()));

    test('continue-as-new chains runs and the client follows to the last one', () => continueAsNewChainsRuns(context()));

    test('a workflow retry policy retries failed runs until one succeeds', () => workflowRetriedUntilARunSucceeds(context()));

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

  describe.skipIf(absent)(`a ${db.label} database without the schema${skipped}`, () => {
    const database = fresh('hg_noschema');

    beforeAll(() => db.createDatabase(database));
    afterAll(() => db.dropDatabase(database));

    test('is refused at start with the schema-tool command that sets it up', async () => {
      const error = await startServerFromConfig(parse(db, configYaml(db, { main: database }))).then(
        async (server) => {
          await server.shutdown(1_000);
          throw new Error('the server started on a database without a schema');
        },
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(SchemaVersionMismatchError);
      expect((error as Error).message).toMatch(new RegExp(`has no main schema.*run: npx schema-tool update-schema --db ${db.configKey} --store main .*--database ${database}`));
    });

    test('is set up at start when autoSetupSchema is on', async () => {
      const server = await startServerFromConfig(parse(db, configYaml(db, { main: database, autoSetupSchema: true })));
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

  describe.skipIf(absent)(`a server restarted on the same ${db.label} database${skipped}`, () => {
    const database = fresh('hg_restart');

    beforeAll(() => db.createDatabase(database));
    afterAll(() => db.dropDatabase(database));

    test('resumes a workflow whose timer was pending when the first server stopped', async () => {
      const config = parse(db, configYaml(db, { main: database, autoSetupSchema: true }));
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
}
