import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './e2e-activities.js';
import type { E2eRound } from './e2e-lanes.js';
import { runLanes } from './e2e-lanes.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('./e2e-workflows.js', import.meta.url));

let bundle: Promise<{ code: string }> | undefined;
let runtimeInstalled = false;

/** The official SDK as an application uses it: a Worker polling one task queue and a Client that starts and awaits workflows. */
export class SdkDriver {
  private constructor(
    private readonly client: Client,
    private readonly clientConnection: Connection,
    private readonly workerConnection: NativeConnection,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
    private readonly taskQueue: string,
  ) {}

  static async start(address: string, taskQueue: string): Promise<SdkDriver> {
    if (!runtimeInstalled) {
      runtimeInstalled = true;
      Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    }
    bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection: workerConnection, namespace: 'default', taskQueue, workflowBundle: await bundle, activities, shutdownGraceTime: '1 second' });
    const running = worker.run();
    const clientConnection = await Connection.connect({ address });
    const client = new Client({ connection: clientConnection, namespace: 'default' });
    return new SdkDriver(client, clientConnection, workerConnection, worker, running, taskQueue);
  }

  async round(prefix: string, total: number, concurrency: number): Promise<E2eRound> {
    return runLanes(total, concurrency, async (_lane, index) => {
      const result = await this.client.workflow.execute('oneActivity', { taskQueue: this.taskQueue, workflowId: `${prefix}-${index}`, args: ['bench'] });
      if (result !== 'Hello, bench!') throw new Error(`unexpected workflow result ${JSON.stringify(result)}`);
    });
  }

  async stop(): Promise<void> {
    if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.workerConnection.close();
    await this.clientConnection.close();
  }
}
