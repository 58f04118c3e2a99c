import { decodeJsonBlob, TaskCategories } from '@hourglass/core';
import type { ExecutionStore, StoredHistoryTask, TaskCategory } from '@hourglass/core';
import type { Logger } from '../util/logger.js';
import type { ShardContext } from './shard.js';

const PAGE_SIZE = 100;
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;
/**
 * A task that fails this many times in a row is logged and dropped, so one poisoned task
 * cannot stall its whole queue (Temporal moves such tasks to a DLQ).
 */
const MAX_TASK_ATTEMPTS = 30;
/** A safety net: even without a notification, due tasks are looked for this often. */
const IDLE_SCAN_MS = 2_000;

export type TaskHandler = (task: StoredHistoryTask, data: unknown) => Promise<void>;

/**
 * Reads one category of a shard's history tasks from the ExecutionStore, runs them in order and
 * deletes each once it has run. Tasks are only ever read from the store, so a restart picks up
 * exactly what was committed and not yet done.
 */
export class QueueProcessor {
  private running = false;
  private wake: (() => void) | undefined;
  private pending = true;
  private sleepTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private ackTaskId = 0;
  private failing: { taskId: number; fireTime: number; attempts: number } | undefined;

  constructor(
    private readonly shard: ShardContext,
    private readonly category: TaskCategory,
    private readonly store: ExecutionStore,
    private readonly handle: TaskHandler,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }

  /** New tasks were committed (or a timer may be due). */
  notify(fireTimeMs?: number): void {
    if (fireTimeMs !== undefined && fireTimeMs > Date.now()) {
      this.scheduleWake(fireTimeMs);
      return;
    }
    this.pending = true;
    this.wake?.();
  }

  private nextWakeMs = Number.POSITIVE_INFINITY;

  private scheduleWake(atMs: number): void {
    if (atMs >= this.nextWakeMs) return;
    this.nextWakeMs = atMs;
    clearTimeout(this.sleepTimer);
    this.sleepTimer = setTimeout(() => {
      this.nextWakeMs = Number.POSITIVE_INFINITY;
      this.notify();
    }, Math.max(0, atMs - Date.now()));
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.pending) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          const idle = setTimeout(resolve, IDLE_SCAN_MS);
          idle.unref();
        });
        this.wake = undefined;
        if (!this.running) break;
      }
      this.pending = false;
      try {
        await this.drain();
      } catch (err) {
        const attempts = this.failing?.attempts ?? 1;
        this.log.warn('history task failed; will retry', { category: this.category.name, shardId: this.shard.shardId, attempts, error: err });
        await new Promise((r) => setTimeout(r, Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS)));
        this.pending = true;
      }
    }
    clearTimeout(this.sleepTimer);
  }

  private async drain(): Promise<void> {
    const scheduled = this.category.kind === 'scheduled';
    for (;;) {
      if (!this.running) return;
      const now = Date.now();
      const page = await this.store.getHistoryTasks({
        shardId: this.shard.shardId,
        category: this.category,
        inclusiveMin: scheduled ? { fireTime: 0, taskId: 0 } : { fireTime: 0, taskId: this.ackTaskId },
        exclusiveMax: scheduled ? { fireTime: (now + 1) * 1000, taskId: 0 } : { fireTime: 0, taskId: this.shard.readLevel() },
        pageSize: PAGE_SIZE,
      });
      for (const task of page.items) {
        if (!this.running) return;
        await this.runTask(task);
        await this.store.completeHistoryTask(this.shard.shardId, this.category, { fireTime: task.fireTime, taskId: task.taskId });
        if (!scheduled) this.ackTaskId = task.taskId + 1;
      }
      if (page.items.length < PAGE_SIZE) break;
    }
    if (scheduled) await this.scheduleNextTimer();
  }

  private async runTask(task: StoredHistoryTask): Promise<void> {
    try {
      await this.handle(task, decodeJsonBlob<unknown>(task.data));
      this.failing = undefined;
    } catch (err) {
      const same = this.failing && this.failing.taskId === task.taskId && this.failing.fireTime === task.fireTime;
      this.failing = { taskId: task.taskId, fireTime: task.fireTime, attempts: same ? this.failing!.attempts + 1 : 1 };
      if (this.failing.attempts < MAX_TASK_ATTEMPTS) throw err;
      this.log.error('dropping history task after repeated failures', {
        category: this.category.name,
        shardId: this.shard.shardId,
        taskId: task.taskId,
        workflowId: task.workflowId,
        error: err,
      });
      this.failing = undefined;
    }
  }

  /** Arms a wake-up for the earliest timer still in the store. */
  private async scheduleNextTimer(): Promise<void> {
    const next = await this.store.getHistoryTasks({
      shardId: this.shard.shardId,
      category: this.category,
      inclusiveMin: { fireTime: 0, taskId: 0 },
      exclusiveMax: { fireTime: Number.MAX_SAFE_INTEGER, taskId: 0 },
      pageSize: 1,
    });
    const first = next.items[0];
    if (first) this.scheduleWake(Math.ceil(first.fireTime / 1000));
  }
}

export const PROCESSED_CATEGORIES = [TaskCategories.Transfer, TaskCategories.Timer, TaskCategories.Visibility] as const;
