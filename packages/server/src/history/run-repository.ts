import { EventEmitter } from 'node:events';
import { CurrentWorkflowConditionFailedError, encodeJsonBlob, NotFoundError, TaskCategories, WorkflowState } from '@hourglass/core';
import type { CreateWorkflowMode, HistoryTask, PersistenceStores } from '@hourglass/core';
import { EventType } from '../grpc/api.js';
import { notFound } from '../grpc/rpc-error.js';
import type { MutableState } from './mutable-state.js';
import { shardIdFor } from './shard.js';
import type { ShardContext } from './shard.js';
import type { PendingTask } from './task-data.js';
import type { WorkflowTxn } from './transaction.js';
import { appendEvents, loadMutableState, mutationOf, snapshotOf, workflowKey } from './workflow-persistence.js';

export interface CommittedTasks {
  readonly shardId: number;
  readonly tasks: readonly PendingTask[];
}

const CACHE_LIMIT = 2000;

/**
 * Loads, locks, caches and writes runs. All changes to a workflow id happen under its lock, on
 * a copy of the cached state that replaces the cache entry only after the write succeeded.
 */
export class RunRepository {
  /** Fires 'committed' (CommittedTasks) and `run:<ns>/<wid>/<rid>` after every write. */
  readonly events = new EventEmitter();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly cache = new Map<string, MutableState>();

  constructor(
    readonly stores: PersistenceStores,
    private readonly shards: ReadonlyMap<number, ShardContext>,
    readonly shardCount: number,
  ) {
    this.events.setMaxListeners(0);
  }

  shardFor(namespaceId: string, workflowId: string): ShardContext {
    return this.shards.get(shardIdFor(namespaceId, workflowId, this.shardCount))!;
  }

  /** Runs `fn` with the workflow id's lock held; calls on the same id queue up in order. */
  async withLock<T>(namespaceId: string, workflowId: string, fn: () => Promise<T>): Promise<T> {
    const key = `${namespaceId}/${workflowId}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  async currentRunId(namespaceId: string, workflowId: string): Promise<string | undefined> {
    const shard = this.shardFor(namespaceId, workflowId);
    try {
      return (await this.stores.executions.getCurrentExecution(shard.shardId, namespaceId, workflowId)).runId;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** A private copy of the run's state (the current run when runId is empty). NOT_FOUND when absent. */
  async load(namespaceId: string, workflowId: string, runId?: string | null): Promise<MutableState> {
    const rid = runId || (await this.currentRunId(namespaceId, workflowId));
    if (!rid) throw notFound(`workflow execution not found: workflowId='${workflowId}'`);
    const key = `${namespaceId}/${workflowId}/${rid}`;
    let ms = this.cache.get(key);
    if (!ms) {
      try {
        ms = await loadMutableState(this.stores, this.shardFor(namespaceId, workflowId).shardId, { namespaceId, workflowId, runId: rid });
      } catch (err) {
        if (err instanceof NotFoundError) throw notFound(`workflow execution not found: workflowId='${workflowId}', runId='${rid}'`);
        throw err;
      }
      this.remember(key, ms);
    }
    return structuredClone(ms);
  }

  /** Drops a cached copy that turned out stale. */
  forget(ms: Pick<MutableState, 'namespaceId' | 'workflowId' | 'runId'>): void {
    this.cache.delete(`${ms.namespaceId}/${ms.workflowId}/${ms.runId}`);
  }

  private remember(key: string, ms: MutableState): void {
    this.cache.delete(key);
    this.cache.set(key, ms);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Writes a brand-new run (and its first events). */
  async create(txn: WorkflowTxn, mode: CreateWorkflowMode, previousRunId?: string): Promise<void> {
    await this.write([txn], async (shard, [built]) => {
      await this.stores.executions.createWorkflowExecution({
        shardId: shard.shardId,
        rangeId: shard.rangeId,
        mode,
        ...(previousRunId ? { previousRunId, previousLastWriteVersion: 0 } : {}),
        snapshot: snapshotOf(txn.ms, built!),
      });
    });
  }

  /**
   * Writes a change to an existing run; `newRun` (continue-as-new) is created in the same write
   * and becomes the current run.
   */
  async update(txn: WorkflowTxn, newRun?: WorkflowTxn): Promise<void> {
    const expected = txn.ms.dbRecordVersion;
    const closing = txn.ms.state === WorkflowState.Completed;
    const txns = newRun ? [txn, newRun] : [txn];
    await this.write(txns, async (shard, built) => {
      const mutation = mutationOf(txn.ms, expected, built[0]!);
      const newSnapshot = newRun ? snapshotOf(newRun.ms, built[1]!) : undefined;
      const request = { shardId: shard.shardId, rangeId: shard.rangeId, mutation, ...(newSnapshot ? { newSnapshot } : {}) };
      // The current-run row follows runs that are open or close in this write; a run closed earlier
      // is written without it, since the row may already point at a newer run of the same id.
      const keepsCurrentRow = !closing || txn.events.some((e) => isCloseEventType(Number(e.eventType)));
      try {
        await this.stores.executions.updateWorkflowExecution({ ...request, mode: keepsCurrentRow ? 'update-current' : 'ignore-current' });
      } catch (err) {
        // A run that is no longer current (a newer run took the id) is written without touching the current row.
        if (err instanceof CurrentWorkflowConditionFailedError && !newRun) {
          await this.stores.executions.updateWorkflowExecution({ ...request, mode: 'bypass-current' });
          return;
        }
        throw err;
      }
    });
  }

  private async write(txns: readonly WorkflowTxn[], persist: (shard: ShardContext, tasks: HistoryTask[][]) => Promise<void>): Promise<void> {
    const first = txns[0]!.ms;
    const shard = this.shardFor(first.namespaceId, first.workflowId);
    const needed = txns.reduce((n, t) => n + 1 + t.tasks.length, 0);
    const ids = await shard.allocate(needed);
    let next = 0;
    try {
      const built: HistoryTask[][] = [];
      for (const txn of txns) {
        const txnId = ids[next++]!;
        const ms = txn.ms;
        if (txn.events.length > 0) {
          for (const e of txn.events) e.taskId = txnId;
          const bytes = await appendEvents(this.stores, shard.shardId, ms, txn.events, txnId);
          ms.lastTxnId = txnId;
          ms.historySizeBytes += bytes;
        }
        ms.dbRecordVersion += 1;
        ms.stateTransitionCount += 1;
        built.push(
          txn.tasks.map((t) => ({
            category: t.category === 'transfer' ? TaskCategories.Transfer : t.category === 'timer' ? TaskCategories.Timer : TaskCategories.Visibility,
            taskId: ids[next++]!,
            fireTime: t.category === 'timer' ? t.fireTimeMs * 1000 : 0,
            namespaceId: ms.namespaceId,
            workflowId: ms.workflowId,
            data: encodeJsonBlob(t.data),
          })),
        );
      }
      await persist(shard, built);
    } catch (err) {
      for (const txn of txns) this.cache.delete(`${txn.ms.namespaceId}/${txn.ms.workflowId}/${txn.ms.runId}`);
      shard.release(ids);
      throw err;
    }
    shard.release(ids);
    for (const txn of txns) {
      const key = `${txn.ms.namespaceId}/${txn.ms.workflowId}/${txn.ms.runId}`;
      this.remember(key, structuredClone(txn.ms));
      this.events.emit('committed', { shardId: shard.shardId, tasks: txn.tasks } satisfies CommittedTasks);
      this.events.emit(`run:${key}`);
      for (const fn of txn.afterCommit) fn();
    }
  }

  /** Resolves when the run is next written, or after `timeoutMs`; true when it changed. */
  waitForChange(ms: Pick<MutableState, 'namespaceId' | 'workflowId' | 'runId'>, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const key = `run:${workflowKey(ms as MutableState).namespaceId}/${ms.workflowId}/${ms.runId}`;
    return new Promise((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        this.events.off(key, onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(changed);
      };
      const onChange = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.events.on(key, onChange);
      signal?.addEventListener('abort', onAbort);
    });
  }
}

const CLOSE_EVENT_TYPES = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

export function isCloseEventType(eventType: number): boolean {
  return CLOSE_EVENT_TYPES.has(eventType);
}
