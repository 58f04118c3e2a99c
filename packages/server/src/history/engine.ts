import { randomUUID } from 'node:crypto';
import { WorkflowConditionFailedError, WorkflowExecutionStatus, WorkflowState } from '@hourglass/core';
import { enums, EventType } from '../grpc/api.js';
import type { Failure, Header, HistoryEvent, Payloads } from '../grpc/api.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../grpc/rpc-error.js';
import type { EngineContext } from './context.js';
import type { MutableState } from './mutable-state.js';
import { buildNewRun } from './new-run.js';
import type { NewRunParams } from './new-run.js';
import { WorkflowTxn } from './transaction.js';
import { readEvents } from './workflow-persistence.js';
import { retryDelay } from './retry.js';

const Conflict = enums.WorkflowIdConflictPolicy;
const Reuse = enums.WorkflowIdReusePolicy;

export interface RunRef {
  readonly namespaceId: string;
  readonly workflowId: string;
  /** Empty or absent: the current run. */
  readonly runId?: string | null;
}

export interface StartOptions extends Omit<NewRunParams, 'namespaceId' | 'namespace'> {
  reusePolicy?: number;
  conflictPolicy?: number;
  /** Applied to the run that ends up current: in the start write for a new run, right after it for an existing one. */
  signal?: { name: string; input?: Payloads | null; header?: Header | null; identity?: string | null };
}

export function isRunning(ms: MutableState): boolean {
  return ms.state !== WorkflowState.Completed;
}

function alreadyStartedError(ms: MutableState): Error {
  return alreadyExists(`Workflow execution is already running. WorkflowId: ${ms.workflowId}, RunId: ${ms.runId}.`, {
    typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    value: { startRequestId: ms.createRequestId, runId: ms.runId },
  });
}

/**
 * Workflow lifecycle operations on the run repository: start, signal, cancel, terminate,
 * and closing runs. Every change goes through `mutate`, which writes events, row and tasks
 * together.
 */
export class HistoryEngine {
  constructor(readonly ctx: EngineContext) {}

  get repo(): EngineContext['repo'] {
    return this.ctx.repo;
  }

  /**
   * Loads the run under its workflow lock, lets `fn` change it, and writes the change. A write
   * that lost a race with another writer (stale cache) is retried once on fresh state.
   */
  async mutate<R>(ref: RunRef, fn: (txn: WorkflowTxn) => R | Promise<R>): Promise<R> {
    return this.repo.withLock(ref.namespaceId, ref.workflowId, () => this.mutateLocked(ref, fn));
  }

  async mutateLocked<R>(ref: RunRef, fn: (txn: WorkflowTxn) => R | Promise<R>, retried = false): Promise<R> {
    const ms = await this.repo.load(ref.namespaceId, ref.workflowId, ref.runId);
    const txn = new WorkflowTxn(ms, Date.now());
    const result = await fn(txn);
    if (txn.events.length === 0 && txn.tasks.length === 0 && !txn.dirty && txn.newRun === undefined) return result;
    try {
      await this.repo.update(txn, txn.newRun);
    } catch (err) {
      if (err instanceof WorkflowConditionFailedError && !retried) {
        this.repo.forget(ms);
        return this.mutateLocked(ref, fn, true);
      }
      throw err;
    }
    return result;
  }

  async startWorkflow(namespaceId: string, namespace: string, options: StartOptions): Promise<{ runId: string; started: boolean }> {
    return this.repo.withLock(namespaceId, options.workflowId, async () => {
      const currentRunId = await this.repo.currentRunId(namespaceId, options.workflowId);
      let previous: MutableState | undefined;
      if (currentRunId) {
        previous = await this.repo.load(namespaceId, options.workflowId, currentRunId);
        if (previous.createRequestId === options.requestId) return { runId: previous.runId, started: true };
        if (isRunning(previous)) {
          const conflict = options.conflictPolicy || (options.reusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING ? Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING : Conflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL);
          if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) {
            if (options.signal) {
              const signal = options.signal;
              await this.mutateLocked({ namespaceId, workflowId: options.workflowId, runId: previous.runId }, (txn) => this.applySignal(txn, signal));
            }
            return { runId: previous.runId, started: false };
          }
          if (conflict !== Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) throw alreadyStartedError(previous);
          await this.mutateLocked({ namespaceId, workflowId: options.workflowId, runId: previous.runId }, (txn) =>
            this.closeRun(txn, 'terminated', { reason: 'terminated by a new start (workflow id conflict policy)', identity: options.identity ?? '' }),
          );
          previous = await this.repo.load(namespaceId, options.workflowId, previous.runId);
        } else {
          const reuse = options.reusePolicy || Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
          const failedLike = previous.status !== WorkflowExecutionStatus.Completed && previous.status !== WorkflowExecutionStatus.ContinuedAsNew;
          if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE || (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY && !failedLike)) {
            throw alreadyExists(`Workflow execution already finished and workflow id reuse policy does not allow a new run. WorkflowId: ${options.workflowId}, RunId: ${previous.runId}.`, {
              typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
              value: { startRequestId: previous.createRequestId, runId: previous.runId },
            });
          }
        }
      }
      const txn = buildNewRun({ ...options, namespaceId, namespace }, Date.now());
      if (options.signal) this.applySignal(txn, options.signal);
      await this.repo.create(txn, previous ? 'update-current' : 'brand-new', previous?.runId);
      return { runId: txn.ms.runId, started: true };
    });
  }

  /** Records a signal and makes sure a workflow task will deliver it. */
  applySignal(txn: WorkflowTxn, signal: { name: string; input?: Payloads | null; header?: Header | null; identity?: string | null; requestId?: string | null }): void {
    const ms = txn.ms;
    if (!isRunning(ms)) throw notFound('workflow execution already completed');
    if (signal.requestId) {
      if (ms.signalRequestIds.includes(signal.requestId)) return;
      ms.signalRequestIds.push(signal.requestId);
    }
    txn.addOrBuffer(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 'workflowExecutionSignaledEventAttributes', {
      signalName: signal.name,
      input: signal.input ?? null,
      identity: signal.identity ?? '',
      header: signal.header ?? null,
    });
    txn.scheduleWorkflowTask();
  }

  /** Idempotent: a second request on a run already asked to cancel changes nothing. */
  requestCancel(ref: RunRef, identity: string, reason: string): Promise<void> {
    return this.mutate(ref, (txn) => {
      const ms = txn.ms;
      if (!isRunning(ms)) throw notFound('workflow execution already completed');
      if (ms.cancelRequested) return;
      ms.cancelRequested = true;
      txn.addOrBuffer(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, 'workflowExecutionCancelRequestedEventAttributes', {
        cause: reason,
        identity,
      });
      txn.scheduleWorkflowTask();
    });
  }

  terminate(ref: RunRef, reason: string, details: Payloads | null | undefined, identity: string): Promise<void> {
    return this.mutate(ref, (txn) => {
      if (!isRunning(txn.ms)) throw notFound('workflow execution already completed');
      this.closeRun(txn, 'terminated', { reason, details: details ?? null, identity });
    });
  }

  /**
   * Closes the run with its final event. Buffered events are written first, so history stays
   * in arrival order; everything pending is dropped, and the close task notifies the parent.
   */
  closeRun(
    txn: WorkflowTxn,
    outcome: 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed-out' | 'continued-as-new',
    attributes: Record<string, unknown>,
  ): HistoryEvent {
    const ms = txn.ms;
    if (txn.workflowTaskRunning && outcome === 'terminated') {
      // The in-flight task can no longer complete; its started event stays unanswered like Temporal's force-close.
      ms.workflowTask = undefined;
    }
    txn.flushBuffered();
    let event: HistoryEvent;
    switch (outcome) {
      case 'completed':
        event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 'workflowExecutionCompletedEventAttributes', attributes);
        ms.status = WorkflowExecutionStatus.Completed;
        break;
      case 'failed':
        event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 'workflowExecutionFailedEventAttributes', attributes);
        ms.status = WorkflowExecutionStatus.Failed;
        break;
      case 'canceled':
        event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, 'workflowExecutionCanceledEventAttributes', attributes);
        ms.status = WorkflowExecutionStatus.Canceled;
        break;
      case 'terminated':
        event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, 'workflowExecutionTerminatedEventAttributes', attributes);
        ms.status = WorkflowExecutionStatus.Terminated;
        break;
      case 'timed-out':
        event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, 'workflowExecutionTimedOutEventAttributes', attributes);
        ms.status = WorkflowExecutionStatus.TimedOut;
        break;
      case 'continued-as-new':
        event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'workflowExecutionContinuedAsNewEventAttributes', attributes);
        ms.status = WorkflowExecutionStatus.ContinuedAsNew;
        break;
    }
    ms.state = WorkflowState.Completed;
    ms.closeTimeMs = txn.now;
    ms.completionEventId = Number(event.eventId);
    ms.workflowTask = undefined;
    ms.activities = {};
    ms.timers = {};
    ms.stickyTaskQueue = undefined;
    ms.admittedUpdates = {};
    // Updates still in flight die with the run: their callers get 'workflow execution already completed'.
    ms.acceptedUpdates = {};
    txn.transfer({ kind: 'close-execution', runId: ms.runId });
    txn.visibility('close');
    return event;
  }

  /**
   * Fails or times out the run. When the run has a retry policy that allows another attempt,
   * the next attempt is created as a new run in the same write (Temporal's workflow retry).
   */
  failOrRetry(txn: WorkflowTxn, outcome: 'failed' | 'timed-out', failure: Failure, workflowTaskCompletedEventId?: number): void {
    const ms = txn.ms;
    const timedOut = outcome === 'timed-out';
    let retryState: number = enums.RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET;
    let newRun: WorkflowTxn | undefined;
    if (ms.retryPolicy) {
      const delay = retryDelay(ms.retryPolicy, ms.attempt, failure, txn.now, ms.executionExpirationMs, timedOut);
      if (typeof delay === 'number') {
        retryState = enums.RetryState.RETRY_STATE_IN_PROGRESS;
        newRun = buildNewRun(
          {
            namespaceId: ms.namespaceId,
            namespace: ms.namespace,
            workflowId: ms.workflowId,
            requestId: randomUUID(),
            workflowType: ms.workflowType,
            taskQueue: ms.taskQueue,
            input: ms.input ?? null,
            header: ms.header ?? null,
            memo: { fields: ms.memo },
            searchAttributes: { indexedFields: ms.searchAttributes },
            retryPolicy: ms.retryPolicy,
            ...(ms.executionTimeoutMs ? { executionTimeoutMs: ms.executionTimeoutMs } : {}),
            ...(ms.runTimeoutMs ? { runTimeoutMs: ms.runTimeoutMs } : {}),
            ...(ms.executionExpirationMs ? { executionExpirationMs: ms.executionExpirationMs } : {}),
            workflowTaskTimeoutMs: ms.workflowTaskTimeoutMs,
            identity: ms.identity ?? '',
            attempt: ms.attempt + 1,
            backoffMs: delay,
            firstExecutionRunId: ms.firstExecutionRunId,
            ...(ms.parent ? { parent: ms.parent } : {}),
            continuedFrom: { runId: ms.runId, initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY, failure },
          },
          txn.now,
        );
      } else {
        retryState = delay.retryState;
      }
    }
    const next = newRun ? { newExecutionRunId: newRun.ms.runId } : {};
    if (timedOut) {
      this.closeRun(txn, 'timed-out', { retryState, ...next });
    } else {
      this.closeRun(txn, 'failed', { failure, retryState, workflowTaskCompletedEventId: workflowTaskCompletedEventId ?? 0, ...next });
    }
    if (newRun) {
      ms.newExecutionRunId = newRun.ms.runId;
      // Only the last attempt reports to the parent.
      ms.parent = undefined;
      txn.newRun = newRun;
    }
  }

  /** Removes a closed run: its row, its current pointer, its history and its visibility record. */
  async deleteRun(ms: MutableState): Promise<void> {
    const shard = this.repo.shardFor(ms.namespaceId, ms.workflowId);
    const key = { namespaceId: ms.namespaceId, workflowId: ms.workflowId, runId: ms.runId };
    await this.repo.withLock(ms.namespaceId, ms.workflowId, async () => {
      await this.repo.stores.executions.deleteCurrentWorkflowExecution(shard.shardId, key);
      await this.repo.stores.executions.deleteWorkflowExecution(shard.shardId, key);
      this.repo.forget(ms);
    });
    await this.repo.stores.history.deleteHistoryBranch(shard.shardId, ms.branch);
    await this.ctx.visibility?.deleteWorkflowExecution(ms.namespaceId, ms.runId);
  }

  /** Whether the run has a result a waiter can use now, or must keep waiting. */
  async waitForChange(ms: MutableState, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return this.repo.waitForChange(ms, timeoutMs, signal);
  }

  async readHistory(ms: MutableState, fromEventId: number, toEventId: number): Promise<HistoryEvent[]> {
    const shard = this.repo.shardFor(ms.namespaceId, ms.workflowId);
    return readEvents(this.repo.stores, shard.shardId, ms, fromEventId, toEventId);
  }

  async closeEvent(ms: MutableState): Promise<HistoryEvent> {
    if (ms.completionEventId === undefined) throw failedPrecondition('workflow execution is still running');
    const [event] = await this.readHistory(ms, ms.completionEventId, ms.completionEventId + 1);
    if (!event) throw notFound('close event not found');
    return event;
  }
}

export function requireWorkflowId(id: string | null | undefined): string {
  if (!id) throw invalidArgument('WorkflowId is not set on request.');
  if (id.length > 1000) throw invalidArgument('WorkflowId length exceeds limit.');
  return id;
}
