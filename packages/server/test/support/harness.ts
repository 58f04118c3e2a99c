import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { openSqlStores } from '@hourglass/sql';
import { HourglassServer } from '../../src/server.js';
import * as activities from './activities.js';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

let runtimeInstalled = false;
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
}

/** The workflow bundle, built once and cached on disk by the source's hash (bundling is slow). */
export async function workflowBundle(): Promise<{ code: string }> {
  const source = readFileSync(workflowsPath);
  const hash = createHash('sha256').update(source).update(readFileSync(fileURLToPath(new URL('./activities.ts', import.meta.url)))).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'hourglass-server-test-bundles');
  const file = join(dir, `${hash}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, bundle.code);
  return bundle;
}

export interface TestServer {
  readonly server: HourglassServer;
  readonly address: string;
  readonly client: Client;
  readonly connection: Connection;
  stop(): Promise<void>;
}

export async function startTestServer(
  options: { filename?: string; longPollTimeoutMs?: number; numHistoryShards?: number; historyPageSize?: number } = {},
): Promise<TestServer> {
  const stores = await openSqlStores({ dialect: 'sqlite', filename: options.filename ?? ':memory:', setupSchema: true });
  const server = await HourglassServer.start({
    stores,
    port: 0,
    namespaces: ['default'],
    longPollTimeoutMs: options.longPollTimeoutMs ?? 5_000,
    ...(options.numHistoryShards ? { numHistoryShards: options.numHistoryShards } : {}),
    ...(options.historyPageSize ? { historyPageSize: options.historyPageSize } : {}),
    persistenceName: 'sqlite',
  });
  const address = server.address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    server,
    address,
    client,
    connection,
    async stop() {
      await connection.close();
      await server.shutdown(2_000);
    },
  };
}

export interface RunningWorker {
  readonly worker: Worker;
  stop(): Promise<void>;
}

export async function startWorker(address: string, taskQueue: string, options: { stickyQueueScheduleToStartTimeout?: string } = {}): Promise<RunningWorker> {
  installRuntime();
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    shutdownGraceTime: '1 second',
    ...(options.stickyQueueScheduleToStartTimeout ? { stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout } : {}),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
