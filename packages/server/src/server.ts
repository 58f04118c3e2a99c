import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { decodeJsonBlob, encodeJsonBlob, NotFoundError, TaskCategories } from '@hourglass/core';
import type { PersistenceStores, StoredHistoryTask } from '@hourglass/core';
import { invalidArgument } from './grpc/rpc-error.js';
import { buildService } from './grpc/service-definition.js';
import type { CallContext, ServiceHooks } from './grpc/service-definition.js';
import { healthService } from './grpc/health.js';
import { largestPayloadBytes } from './grpc/payload-limit.js';
import { NamespaceRegistry } from './frontend/namespace-registry.js';
import { namespaceHandlers, operatorHandlers } from './frontend/namespace-service.js';
import { QueryRegistry } from './frontend/queries.js';
import { workflowHandlers } from './frontend/workflow-service.js';
import type { EngineConfig } from './history/context.js';
import { HistoryEngine } from './history/engine.js';
import { QueueProcessor } from './history/queue-processor.js';
import { RunRepository } from './history/run-repository.js';
import type { CommittedTasks } from './history/run-repository.js';
import { ShardContext } from './history/shard.js';
import type { TimerTaskData, TransferTaskData, VisibilityTaskData } from './history/task-data.js';
import { TaskExecutor } from './history/task-executor.js';
import { MatchingEngine } from './matching/matching-engine.js';
import type { Logger } from './util/logger.js';
import { silentLogger } from './util/logger.js';

export const SERVER_VERSION = '1.29.0';
export const CLUSTER_NAME = 'active';

export interface ServerOptions {
  readonly stores: PersistenceStores;
  /** 0 picks a free port. */
  readonly port: number;
  readonly ip?: string;
  /** Namespaces to create at start when missing (dev mode). */
  readonly namespaces?: readonly string[];
  /** Used only when the cluster is created; afterwards the stored value wins. */
  readonly numHistoryShards?: number;
  readonly longPollTimeoutMs?: number;
  readonly maxPayloadBytes?: number;
  readonly defaultWorkflowTaskTimeoutMs?: number;
  /** Events per history page (poll responses and GetWorkflowExecutionHistory); default 1000. */
  readonly historyPageSize?: number;
  /** Reported by GetClusterInfo as the main store, e.g. 'sqlite'. */
  readonly persistenceName?: string;
  /** Reported by GetClusterInfo as the visibility store; defaults to persistenceName. */
  readonly visibilityName?: string;
  readonly log?: Logger;
}

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const OPERATOR_SERVICE = 'temporal.api.operatorservice.v1.OperatorService';

/** A Temporal-compatible frontend, history and matching service in one process, on the given stores. */
export class HourglassServer {
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly grpc: Server,
    readonly port: number,
    private readonly processors: QueueProcessor[],
    private readonly matching: MatchingEngine,
    private readonly stores: PersistenceStores,
    private readonly log: Logger,
    private readonly stoppingController: AbortController,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(options: ServerOptions): Promise<HourglassServer> {
    const log = options.log ?? silentLogger;
    const stores = options.stores;
    const config: EngineConfig = {
      longPollTimeoutMs: options.longPollTimeoutMs ?? 60_000,
      defaultWorkflowTaskTimeoutMs: options.defaultWorkflowTaskTimeoutMs ?? 10_000,
      maxPayloadBytes: options.maxPayloadBytes ?? 2 * 1024 * 1024,
      historyPageSize: options.historyPageSize ?? 1000,
    };
    const { numHistoryShards, clusterId } = await ensureCluster(stores, options.numHistoryShards ?? 1);
    if (options.numHistoryShards !== undefined && options.numHistoryShards !== numHistoryShards) {
      // The shard count is fixed when the cluster is created: workflow ids are already hashed onto it.
      log.warn('numHistoryShards differs from the cluster record; the stored value is used', { configured: options.numHistoryShards, stored: numHistoryShards });
    }
    const owner = `hourglass-${randomUUID()}`;
    const shards = new Map<number, ShardContext>();
    for (let id = 1; id <= numHistoryShards; id++) {
      const shard = new ShardContext(id, stores.shards, owner);
      await shard.acquire();
      shards.set(id, shard);
    }
    const namespaces = new NamespaceRegistry(stores.namespaces);
    for (const name of options.namespaces ?? []) await namespaces.ensure(name);

    const repo = new RunRepository(stores, shards, numHistoryShards);
    const matching = new MatchingEngine(stores.taskQueues);
    const engine = new HistoryEngine({ repo, matching, namespaces, visibility: stores.visibility, config, log });
    const executor = new TaskExecutor(engine);
    const queries = new QueryRegistry();

    const processors: QueueProcessor[] = [];
    const byShard = new Map<number, { transfer: QueueProcessor; timer: QueueProcessor; visibility: QueueProcessor }>();
    for (const shard of shards.values()) {
      const handle =
        (kind: 'transfer' | 'timer' | 'visibility') =>
        async (task: StoredHistoryTask, data: unknown): Promise<void> => {
          if (kind === 'transfer') await executor.transfer(task.namespaceId, task.workflowId, data as TransferTaskData);
          else if (kind === 'timer') await executor.timer(task.namespaceId, task.workflowId, data as TimerTaskData);
          else await executor.visibility(task.namespaceId, task.workflowId, data as VisibilityTaskData);
        };
      const set = {
        transfer: new QueueProcessor(shard, TaskCategories.Transfer, stores.executions, handle('transfer'), log),
        timer: new QueueProcessor(shard, TaskCategories.Timer, stores.executions, handle('timer'), log),
        visibility: new QueueProcessor(shard, TaskCategories.Visibility, stores.executions, handle('visibility'), log),
      };
      byShard.set(shard.shardId, set);
      processors.push(set.transfer, set.timer, set.visibility);
    }
    repo.events.on('committed', (committed: CommittedTasks) => {
      const set = byShard.get(committed.shardId);
      if (!set) return;
      for (const task of committed.tasks) {
        if (task.category === 'transfer') set.transfer.notify();
        else if (task.category === 'visibility') set.visibility.notify();
        else set.timer.notify(task.fireTimeMs);
      }
    });

    const grpc = new Server({ 'grpc.max_receive_message_length': 128 * 1024 * 1024, 'grpc.max_send_message_length': 128 * 1024 * 1024 });
    const started: { server?: HourglassServer } = {};
    const stopping = new AbortController();
    // Every call in flight listens for shutdown on this one signal.
    setMaxListeners(0, stopping.signal);
    const hooks: ServiceHooks = {
      stopping: stopping.signal,
      admit(ctx: CallContext, request: object) {
        // Only requests big enough to hold an oversized payload are walked.
        if (ctx.requestBytes <= config.maxPayloadBytes) return;
        const largest = largestPayloadBytes(request);
        if (largest > config.maxPayloadBytes) {
          throw invalidArgument(`payload size ${largest} bytes exceeds the limit of ${config.maxPayloadBytes} bytes`);
        }
      },
      onSuccess(method, durationMs) {
        log.debug('request', { method, durationMs });
      },
      onError(method, err, cause) {
        if (err.code === 13 || err.code === 14) log.error('request failed', { method, code: err.code, error: cause });
        else log.debug('request rejected', { method, code: err.code, error: err.message });
      },
      track<T>(work: Promise<T>): Promise<T> {
        return started.server ? started.server.track(work) : work;
      },
    };
    const cluster = {
      clusterName: CLUSTER_NAME,
      clusterId,
      serverVersion: SERVER_VERSION,
      historyShardCount: numHistoryShards,
      persistenceStore: options.persistenceName ?? 'hourglass',
      visibilityStore: options.visibilityName ?? options.persistenceName ?? 'hourglass',
    };
    const workflow = buildService(
      WORKFLOW_SERVICE,
      { unary: { ...namespaceHandlers(namespaces, cluster), ...workflowHandlers({ engine, namespaces, queries, executor }) } },
      hooks,
    );
    const operator = buildService(OPERATOR_SERVICE, { unary: operatorHandlers(namespaces) }, hooks);
    grpc.addService(workflow.definition, workflow.implementation);
    grpc.addService(operator.definition, operator.implementation);
    const health = healthService(() => !stopping.signal.aborted);
    grpc.addService(health.definition, health.implementation as UntypedServiceImplementation);

    const port = await new Promise<number>((resolve, reject) => {
      const host = options.ip ?? '127.0.0.1';
      grpc.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${options.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    const server = new HourglassServer(grpc, port, processors, matching, stores, log, stopping);
    started.server = server;
    for (const p of processors) p.start();
    log.info('hourglass server started', { address: `${options.ip ?? '127.0.0.1'}:${port}`, historyShards: numHistoryShards });
    return server;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * Stops taking calls, ends waiting long polls with empty answers, waits for the calls in
   * flight (at most `graceMs`), stops the task queues and closes the stores.
   */
  shutdown(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info('hourglass server shutting down', { inFlight: this.inFlight.size });
      const closed = new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
      this.stoppingController.abort();
      this.matching.releasePollers();
      const drained = Promise.allSettled([...this.inFlight]);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
      const outcome = await Promise.race([drained.then(() => 'drained' as const), grace]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.log.warn('grace period over; cancelling remaining calls', { inFlight: this.inFlight.size });
        this.grpc.forceShutdown();
      }
      this.matching.releasePollers();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      await Promise.all(this.processors.map((p) => p.stop()));
      await this.stores.close();
      this.log.info('hourglass server stopped');
    })();
    return this.stopping;
  }
}

/** Reads the cluster record, creating it on first start; the stored shard count always wins. */
async function ensureCluster(stores: PersistenceStores, requestedShards: number): Promise<{ numHistoryShards: number; clusterId: string }> {
  try {
    const record = await stores.clusterMetadata.getClusterMetadata(CLUSTER_NAME);
    const data = decodeJsonBlob<{ clusterId?: string }>(record.data);
    return { numHistoryShards: record.numHistoryShards, clusterId: data.clusterId ?? CLUSTER_NAME };
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const clusterId = randomUUID();
  try {
    await stores.clusterMetadata.saveClusterMetadata({
      clusterName: CLUSTER_NAME,
      numHistoryShards: requestedShards,
      data: encodeJsonBlob({ clusterId, failoverVersionIncrement: 10, initialFailoverVersion: 1 }),
      expectedVersion: 0,
    });
  } catch {
    return ensureCluster(stores, requestedShards);
  }
  return { numHistoryShards: requestedShards, clusterId };
}
