import { TaskQueueType } from '@hourglass/core';
import type { TaskQueueStore } from '@hourglass/core';
import { TaskQueuePartition } from './task-queue-partition.js';
import type { Delivery } from './task-queue-partition.js';

/** A task as matching stores it: just enough to find the run; history holds the rest. */
export interface DispatchedTask {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly scheduledEventId: number;
  /** The activity attempt, or the workflow task attempt. */
  readonly attempt: number;
  /** Set for legacy query tasks, which live only in memory. */
  readonly queryId?: string;
}

export type QueueKind = 'workflow' | 'activity';

/** Every task queue partition of this process, created on first use. */
export class MatchingEngine {
  private readonly partitions = new Map<string, TaskQueuePartition<DispatchedTask>>();
  /** Sticky queues whose worker said it shut down; their tasks belong on the normal queue. */
  private readonly retiredSticky = new Set<string>();
  /** Who polled each queue lately, for DescribeTaskQueue. */
  private readonly recentPollers = new Map<string, Map<string, number>>();

  constructor(private readonly store: TaskQueueStore) {}

  private partition(namespaceId: string, name: string, kind: QueueKind): TaskQueuePartition<DispatchedTask> {
    const taskType = kind === 'workflow' ? TaskQueueType.Workflow : TaskQueueType.Activity;
    const key = `${namespaceId}\u0000${name}\u0000${taskType}`;
    let p = this.partitions.get(key);
    if (!p) {
      p = new TaskQueuePartition<DispatchedTask>(this.store, { namespaceId, name, taskType });
      this.partitions.set(key, p);
    }
    return p;
  }

  addTask(namespaceId: string, queue: string, kind: QueueKind, task: DispatchedTask): Promise<void> {
    return this.partition(namespaceId, queue, kind).add(task);
  }

  addQueryTask(namespaceId: string, queue: string, task: DispatchedTask): () => void {
    const p = this.partition(namespaceId, queue, 'workflow');
    p.offerEphemeral(task);
    return () => p.withdrawEphemeral(task);
  }

  poll(namespaceId: string, queue: string, kind: QueueKind, timeoutMs: number, signal: AbortSignal, identity = ''): Promise<Delivery<DispatchedTask> | undefined> {
    const pollersKey = `${namespaceId}\u0000${queue}\u0000${kind}`;
    let seen = this.recentPollers.get(pollersKey);
    if (!seen) this.recentPollers.set(pollersKey, (seen = new Map()));
    seen.set(identity, Date.now());
    if (kind === 'workflow') this.retiredSticky.delete(`${namespaceId}\u0000${queue}`);
    return this.partition(namespaceId, queue, kind).poll(timeoutMs, signal);
  }

  backlogSize(namespaceId: string, queue: string, kind: QueueKind): number {
    return this.partitions.get(`${namespaceId}\u0000${queue}\u0000${kind === 'workflow' ? 1 : 2}`)?.backlogSize ?? 0;
  }

  /** Pollers seen on the queue in the last five minutes. */
  pollers(namespaceId: string, queue: string, kind: QueueKind): { identity: string; lastAccessMs: number }[] {
    const seen = this.recentPollers.get(`${namespaceId}\u0000${queue}\u0000${kind}`);
    if (!seen) return [];
    const cutoff = Date.now() - 5 * 60_000;
    const out: { identity: string; lastAccessMs: number }[] = [];
    for (const [identity, lastAccessMs] of seen) {
      if (lastAccessMs < cutoff) seen.delete(identity);
      else out.push({ identity, lastAccessMs });
    }
    return out;
  }

  isRetiredSticky(namespaceId: string, queue: string): boolean {
    return this.retiredSticky.has(`${namespaceId}\u0000${queue}`);
  }

  /** Marks a worker's sticky queue gone and hands back the tasks that were waiting in it. */
  async retireStickyQueue(namespaceId: string, queue: string): Promise<DispatchedTask[]> {
    this.retiredSticky.add(`${namespaceId}\u0000${queue}`);
    const key = `${namespaceId}\u0000${queue}\u0000${TaskQueueType.Workflow}`;
    const partition = this.partitions.get(key);
    if (!partition) return [];
    partition.releasePollers();
    const tasks = await partition.drain();
    this.partitions.delete(key);
    return tasks;
  }

  /** Wakes every waiting poller with an empty answer, so shutdown need not wait out long polls. */
  releasePollers(): void {
    for (const p of this.partitions.values()) p.releasePollers();
  }
}
