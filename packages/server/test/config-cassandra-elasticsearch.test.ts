import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseServerConfigText, startServerFromConfig } from '../src/config/index.js';
import type { HourglassServer } from '../src/config/index.js';
import { startWorker } from './support/harness.js';
import type { RunningWorker } from './support/harness.js';

/**
 * The server started from a config naming a Cassandra main store and an Elasticsearch visibility
 * index, on the local nodes `conformance/servers` runs. Skipped when either run file is absent.
 */
const RUN_DIR = fileURLToPath(new URL('../../../conformance/servers/.run/', import.meta.url));

function runFile<T>(target: string): T | undefined {
  const file = `${RUN_DIR}${target}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

const cassandraRun = runFile<{ host: string; port: number; datacenter: string }>('cassandra-4.0');
const searchRun = runFile<{ url: string }>('elasticsearch-7.10.2');
const missing = [cassandraRun ? undefined : 'cassandra-4.0', searchRun ? undefined : 'elasticsearch-7.10.2'].filter(Boolean).join(' and ');

describe.skipIf(missing !== '')(`server started from a config on Cassandra 4.0 with Elasticsearch 7.10.2 visibility${missing ? ` — skipped: no run file for ${missing}` : ''}`, () => {
  const suffix = randomBytes(4).toString('hex');
  const keyspace = `hg_server_${suffix}`;
  const index = `hg_server_visibility_${suffix}`;
  const taskQueue = `cassandra-${randomUUID()}`;
  let admin: cassandra.Client;
  let server: HourglassServer | undefined;
  let worker: RunningWorker | undefined;
  let connection: Connection | undefined;
  let client: Client;

  beforeAll(async () => {
    admin = new cassandra.Client({ contactPoints: [cassandraRun!.host], protocolOptions: { port: cassandraRun!.port }, localDataCenter: cassandraRun!.datacenter });
    await admin.connect();
    await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    const config = parseServerConfigText(
      `
persistence:
  numHistoryShards: 2
  autoSetupSchema: true
  main:
    cassandra: { hosts: [${cassandraRun!.host}], port: ${cassandraRun!.port}, keyspace: ${keyspace}, datacenter: ${cassandraRun!.datacenter}, consistency: LOCAL_QUORUM }
  visibility:
    elasticsearch: { url: "${searchRun!.url}", index: ${index} }
frontend: { port: 0 }
`,
      'cassandra-elasticsearch.yaml',
    );
    server = await startServerFromConfig(config);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: 'default' });
    worker = await startWorker(server.address, taskQueue);
  });

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await server?.shutdown(2_000);
    await admin?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin?.shutdown();
    await fetch(`${searchRun!.url}/${index}`, { method: 'DELETE' }).catch(() => undefined);
  });

  test('reports Cassandra as its persistence store', async () => {
    const info = await connection!.workflowService.getClusterInfo({});
    expect(info.persistenceStore).toBe('cassandra');
  });

  test('hello-activity runs through the official SDK, and Elasticsearch lists it as completed', async () => {
    const workflowId = `hello-${randomUUID()}`;
    const result = await client.workflow.execute('helloActivity', { taskQueue, workflowId, args: ['Cassandra'] });
    expect(result).toBe('Hello, Cassandra!');
    await expect
      .poll(async () => (await client.workflow.count(`WorkflowId = "${workflowId}" AND ExecutionStatus = "Completed"`)).count, { timeout: 15_000 })
      .toBe(1);
  });

  test('signals reach a running workflow', async () => {
    const handle = await client.workflow.start('counter', { taskQueue, workflowId: `counter-${randomUUID()}` });
    await handle.signal('add', 5);
    await handle.signal('finish');
    expect(await handle.result()).toBe(5);
  });
});
