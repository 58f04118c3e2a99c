import { AlreadyExistsError, decodeJsonBlob, encodeJsonBlob, NotFoundError } from '@hourglass/core';
import type { TaskQueueKey, TaskQueueStore } from '@hourglass/core';

/** Task ids are `rangeId * ID_BLOCK + sequence`: a new lease owner never reuses an old id. */
const ID_BLOCK = 1_000_000;
const MAX_TASK_ID = Number.MAX_SAFE_INTEGER;

export interface QueuedTask<T> {
  readonly taskId: number;
  readonly data: T;
}

interface Waiter<T> {
  resolve(task: Delivery<T> | undefined): void;
}

/** A task handed to a poller; `done` releases its backlog row. */
export interface Delivery<T> {
  readonly data: T;
  done(): void;
}

/**
 * One task queue (one name, one task type) in one namespace. Tasks meet a waiting poller
 * directly (sync match); otherwise they are persisted under the queue's rangeId lease and kept
 * in an in-memory backlog that is reloaded from the store after a restart.
 */
export class TaskQueuePartition<T> {
  private rangeId = 0;
  private sequence = 0;
  private backlog: QueuedTask<T>[] = [];
  /** Tasks that must not outlive the process (queries): never persisted. */
  private readonly ephemeral: T[] = [];
  private readonly outstanding = new Set<number>();
  private readonly waiters: Waiter<T>[] = [];
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: TaskQueueStore,
    readonly key: TaskQueueKey,
  ) {}

  get backlogSize(): number {
    return this.backlog.length;
  }

  private init(): Promise<void> {
    this.ready ??= this.acquire().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async acquire(): Promise<void> {
    let previous: number;
    try {
      previous = (await this.store.getTaskQueue(this.key)).rangeId;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      try {
        await this.store.createTaskQueue({ ...this.key, rangeId: 1, info: encodeJsonBlob({ kind: 'normal' }) });
        previous = 1;
      } catch (createErr) {
        if (!(createErr instanceof AlreadyExistsError)) throw createErr;
        previous = (await this.store.getTaskQueue(this.key)).rangeId;
      }
    }
    await this.store.updateTaskQueue({ ...this.key, rangeId: previous + 1, previousRangeId: previous, info: encodeJsonBlob({ kind: 'normal' }) });
    this.rangeId = previous + 1;
    this.sequence = 0;
    await this.loadBacklog();
  }

  private async loadBacklog(): Promise<void> {
    const loaded: QueuedTask<T>[] = [];
    let token: Uint8Array | undefined;
    do {
      const page = await this.store.getTasks({
        ...this.key,
        inclusiveMinTaskId: 0,
        exclusiveMaxTaskId: MAX_TASK_ID,
        pageSize: 1000,
        ...(token ? { nextPageToken: token } : {}),
      });
      for (const t of page.items) loaded.push({ taskId: t.taskId, data: decodeJsonBlob<T>(t.data) });
      token = page.nextPageToken;
    } while (token && token.byteLength > 0);
    this.backlog = loaded.concat(this.backlog);
  }

  async add(data: T): Promise<void> {
    await this.init();
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ data, done: () => undefined });
      return;
    }
    if (this.sequence + 1 >= ID_BLOCK) await this.renewLease();
    const taskId = this.rangeId * ID_BLOCK + ++this.sequence;
    await this.store.createTasks({ ...this.key, rangeId: this.rangeId, tasks: [{ taskId, data: encodeJsonBlob(data) }] });
    const late = this.waiters.shift();
    if (late) {
      this.outstanding.add(taskId);
      late.resolve(this.delivery({ taskId, data }));
      return;
    }
    this.backlog.push({ taskId, data });
  }

  private async renewLease(): Promise<void> {
    await this.store.updateTaskQueue({ ...this.key, rangeId: this.rangeId + 1, previousRangeId: this.rangeId, info: encodeJsonBlob({ kind: 'normal' }) });
    this.rangeId += 1;
    this.sequence = 0;
  }

  private delivery(task: QueuedTask<T>): Delivery<T> {
    let released = false;
    return {
      data: task.data,
      done: () => {
        if (released) return;
        released = true;
        this.outstanding.delete(task.taskId);
        void this.ackBelow();
      },
    };
  }

  /** Deletes persisted tasks below the oldest one still backlogged or being handed out. */
  private async ackBelow(): Promise<void> {
    let floor = this.rangeId * ID_BLOCK + this.sequence + 1;
    for (const id of this.outstanding) floor = Math.min(floor, id);
    if (this.backlog[0]) floor = Math.min(floor, this.backlog[0].taskId);
    try {
      await this.store.completeTasksLessThan({ ...this.key, exclusiveMaxTaskId: floor, limit: 1000 });
    } catch {
      // Best effort: an unacknowledged task is re-delivered after a restart and dropped as stale.
    }
  }

  /** Hands `data` to a waiting poller, or keeps it in memory for the next one. */
  offerEphemeral(data: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ data, done: () => undefined });
    else this.ephemeral.push(data);
  }

  /** Drops in-memory tasks that no poller took (e.g. a query whose caller gave up). */
  withdrawEphemeral(data: T): void {
    const i = this.ephemeral.indexOf(data);
    if (i >= 0) this.ephemeral.splice(i, 1);
  }

  /** Waits up to `timeoutMs` for a task; undefined on timeout or when `signal` aborts. */
  async poll(timeoutMs: number, signal: AbortSignal): Promise<Delivery<T> | undefined> {
    const immediate = this.ephemeral.shift();
    if (immediate !== undefined) return { data: immediate, done: () => undefined };
    await this.init();
    const queued = this.backlog.shift();
    if (queued) {
      this.outstanding.add(queued.taskId);
      return this.delivery(queued);
    }
    if (signal.aborted) return undefined;
    return new Promise((resolve) => {
      const waiter: Waiter<T> = {
        resolve: (task) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
                resolve(task);
        },
      };
      const remove = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.resolve(undefined);
      };
      const onAbort = (): void => remove();
      const timer = setTimeout(remove, timeoutMs);
      signal.addEventListener('abort', onAbort);
      this.waiters.push(waiter);
    });
  }

  /** Removes and returns every backlogged task (its rows are deleted), e.g. when a sticky worker left. */
  async drain(): Promise<T[]> {
    await this.init();
    const tasks = this.backlog.splice(0).map((t) => t.data);
    await this.ackBelow();
    return tasks;
  }

  /** Wakes every waiting poller with nothing (used at shutdown). */
  releasePollers(): void {
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
  }
}
