import { NotFoundError, WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityRecord } from '@hourglass/core';
import { enums, EventType } from '../grpc/api.js';
import type { HistoryEvent } from '../grpc/api.js';
import { RpcError } from '../grpc/rpc-error.js';
import { onActivityTimer } from './activities.js';
import type { HistoryEngine } from './engine.js';
import { isRunning } from './engine.js';
import type { MutableState } from './mutable-state.js';
import { toSearchAttributes } from './search-attributes.js';
import { encodeMemo } from '../frontend/visibility-mapping.js';
import type { TimerTaskData, TransferTaskData, VisibilityTaskData } from './task-data.js';
import { msFromDuration } from '../grpc/api.js';

/** Thrown when a task must be tried again later (e.g. a child closed before its parent recorded its start). */
export class RetryTaskLater extends Error {}

const TimeoutType = enums.TimeoutType;

function isMissing(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof RpcError && err.code === 5);
}

/** Carries out history tasks read from the shard's queues; every task re-checks the run first, so stale tasks do nothing. */
export class TaskExecutor {
  constructor(private readonly engine: HistoryEngine) {}

  private async load(namespaceId: string, workflowId: string, runId: string): Promise<MutableState | undefined> {
    try {
      return await this.engine.repo.load(namespaceId, workflowId, runId);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  private async mutateIfExists(ref: { namespaceId: string; workflowId: string; runId: string }, fn: Parameters<HistoryEngine['mutate']>[1]): Promise<void> {
    try {
      await this.engine.mutate(ref, fn);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
  }

  async transfer(namespaceId: string, workflowId: string, data: TransferTaskData): Promise<void> {
    const ref = { namespaceId, workflowId, runId: data.runId };
    switch (data.kind) {
      case 'workflow-task': {
        if (data.sticky && this.engine.ctx.matching.isRetiredSticky(namespaceId, data.taskQueue)) {
          await this.redirectStickyTask({ ...ref, scheduledEventId: data.scheduledEventId });
          return;
        }
        const ms = await this.load(namespaceId, workflowId, data.runId);
        const wt = ms?.workflowTask;
        if (!ms || !isRunning(ms) || !wt || wt.scheduledEventId !== data.scheduledEventId || wt.startedEventId !== undefined) return;
        await this.engine.ctx.matching.addTask(namespaceId, data.taskQueue, 'workflow', { ...ref, scheduledEventId: wt.scheduledEventId, attempt: wt.attempt });
        return;
      }
      case 'activity-task': {
        const ms = await this.load(namespaceId, workflowId, data.runId);
        const a = ms && isRunning(ms) ? ms.activities[data.scheduledEventId] : undefined;
        if (!a || a.attempt !== data.attempt || a.startedTimeMs !== undefined || a.retryPending) return;
        await this.engine.ctx.matching.addTask(namespaceId, data.taskQueue, 'activity', { ...ref, scheduledEventId: a.scheduledEventId, attempt: a.attempt });
        return;
      }
      case 'close-execution':
        return this.onClosed(namespaceId, workflowId, data.runId);
      case 'start-child':
        return this.startChild(namespaceId, workflowId, data.runId, data.initiatedEventId);
      case 'signal-external':
        return this.signalExternal(namespaceId, workflowId, data.runId, data.initiatedEventId);
      case 'cancel-external':
        return this.cancelExternal(namespaceId, workflowId, data.runId, data.initiatedEventId);
    }
  }

  /**
   * Moves a scheduled workflow task off a sticky queue whose worker is gone, to the normal
   * queue (with full history), instead of waiting out the sticky schedule-to-start timeout.
   */
  async redirectStickyTask(task: { namespaceId: string; workflowId: string; runId: string; scheduledEventId: number }): Promise<void> {
    let target: { queue: string; attempt: number } | undefined;
    await this.mutateIfExists(task, (txn) => {
      const ms = txn.ms;
      const wt = ms.workflowTask;
      if (!isRunning(ms) || !wt || wt.scheduledEventId !== task.scheduledEventId || wt.startedEventId !== undefined) return;
      ms.stickyTaskQueue = undefined;
      wt.sticky = false;
      wt.taskQueue = ms.taskQueue;
      txn.dirty = true;
      target = { queue: ms.taskQueue, attempt: wt.attempt };
    });
    if (target) {
      await this.engine.ctx.matching.addTask(task.namespaceId, target.queue, 'workflow', { ...task, attempt: target.attempt });
    }
  }

  async timer(namespaceId: string, workflowId: string, data: TimerTaskData): Promise<void> {
    const ref = { namespaceId, workflowId, runId: data.runId };
    if (data.kind === 'delete-history') {
      const ms = await this.load(namespaceId, workflowId, data.runId);
      if (ms && !isRunning(ms)) await this.engine.deleteRun(ms);
      return;
    }
    await this.mutateIfExists(ref, (txn) => {
      const ms = txn.ms;
      if (!isRunning(ms)) return;
      switch (data.kind) {
        case 'user-timer': {
          const timer = ms.timers[data.timerId];
          if (!timer || timer.startedEventId !== data.startedEventId) return;
          txn.addOrBuffer(EventType.EVENT_TYPE_TIMER_FIRED, 'timerFiredEventAttributes', { timerId: data.timerId, startedEventId: data.startedEventId });
          delete ms.timers[data.timerId];
          txn.scheduleWorkflowTask();
          return;
        }
        case 'workflow-task-timeout': {
          const wt = ms.workflowTask;
          if (!wt || wt.scheduledEventId !== data.scheduledEventId || wt.attempt !== data.attempt) return;
          if (data.timeout === 'start-to-close') {
            if (wt.startedEventId === undefined) return;
            txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, 'workflowTaskTimedOutEventAttributes', {
              scheduledEventId: wt.scheduledEventId,
              startedEventId: wt.startedEventId,
              timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
            });
            ms.workflowTask = undefined;
            ms.stickyTaskQueue = undefined;
            txn.flushBuffered();
            txn.scheduleWorkflowTask({ attempt: wt.attempt + 1, stickyAllowed: false });
            return;
          }
          if (wt.startedEventId !== undefined || !wt.sticky) return;
          // The sticky worker did not pick the task up in time: hand it to any worker on the normal queue.
          txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, 'workflowTaskTimedOutEventAttributes', {
            scheduledEventId: wt.scheduledEventId,
            startedEventId: 0,
            timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
          });
          ms.workflowTask = undefined;
          ms.stickyTaskQueue = undefined;
          txn.scheduleWorkflowTask({ attempt: wt.attempt, stickyAllowed: false });
          return;
        }
        case 'activity-timeout':
          onActivityTimer(txn, data);
          return;
        case 'activity-retry':
          onActivityTimer(txn, { scheduledEventId: data.scheduledEventId, attempt: data.attempt });
          return;
        case 'workflow-backoff':
          txn.scheduleWorkflowTask(data.attempt ? { attempt: data.attempt, stickyAllowed: false } : {});
          return;
        case 'workflow-run-timeout':
          this.engine.failOrRetry(txn, 'timed-out', { message: 'workflow timed out', timeoutFailureInfo: { timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE } });
          return;
      }
    });
  }

  async visibility(namespaceId: string, workflowId: string, data: VisibilityTaskData): Promise<void> {
    const store = this.engine.ctx.visibility;
    if (!store) return;
    const ms = await this.load(namespaceId, workflowId, data.runId);
    if (!ms) return;
    const namespace = await this.engine.ctx.namespaces.byId(namespaceId).catch(() => undefined);
    const record: VisibilityRecord = {
      namespaceId,
      workflowId,
      runId: ms.runId,
      workflowTypeName: ms.workflowType,
      taskQueue: ms.taskQueue,
      status: ms.status as WorkflowExecutionStatus,
      startTime: ms.startTimeMs * 1000,
      executionTime: ms.executionTimeMs * 1000,
      ...(ms.closeTimeMs !== undefined ? { closeTime: ms.closeTimeMs * 1000, executionDuration: (ms.closeTimeMs - ms.executionTimeMs) * 1000 } : {}),
      historyLength: ms.nextEventId - 1,
      historySizeBytes: ms.historySizeBytes,
      stateTransitionCount: ms.stateTransitionCount,
      ...(ms.parent ? { parentWorkflowId: ms.parent.workflowId, parentRunId: ms.parent.runId } : {}),
      rootWorkflowId: ms.workflowId,
      rootRunId: ms.runId,
      searchAttributes: toSearchAttributes(ms.searchAttributes, namespace?.searchAttributes ?? {}),
      ...(Object.keys(ms.memo).length > 0 ? { memo: encodeMemo(ms.memo) } : {}),
    };
    if (ms.status === WorkflowExecutionStatus.Running) await store.upsertWorkflowExecution(record);
    else await store.recordWorkflowExecutionClosed(record);
  }

  private closeEventFor(ms: MutableState, event: HistoryEvent): { type: number; key: string; attributes: Record<string, unknown> } {
    const execution = { workflowId: ms.workflowId, runId: ms.runId };
    const base = { namespace: ms.namespace, namespaceId: ms.namespaceId, workflowExecution: execution, workflowType: { name: ms.workflowType }, initiatedEventId: ms.parent!.initiatedEventId };
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        return { type: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, key: 'childWorkflowExecutionCompletedEventAttributes', attributes: { ...base, result: event.workflowExecutionCompletedEventAttributes?.result ?? null } };
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        return {
          type: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
          key: 'childWorkflowExecutionFailedEventAttributes',
          attributes: { ...base, failure: event.workflowExecutionFailedEventAttributes?.failure ?? null, retryState: event.workflowExecutionFailedEventAttributes?.retryState ?? 0 },
        };
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        return { type: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, key: 'childWorkflowExecutionCanceledEventAttributes', attributes: { ...base, details: event.workflowExecutionCanceledEventAttributes?.details ?? null } };
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        return { type: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, key: 'childWorkflowExecutionTimedOutEventAttributes', attributes: { ...base, retryState: event.workflowExecutionTimedOutEventAttributes?.retryState ?? 0 } };
      default:
        return { type: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED, key: 'childWorkflowExecutionTerminatedEventAttributes', attributes: base };
    }
  }

  /** A run closed: tell its parent, and apply the parent-close policy to its own children. */
  private async onClosed(namespaceId: string, workflowId: string, runId: string): Promise<void> {
    const ms = await this.load(namespaceId, workflowId, runId);
    if (!ms) return;
    if (ms.parent) {
      const event = await this.engine.closeEvent(ms);
      const parent = ms.parent;
      const { type, key, attributes } = this.closeEventFor(ms, event);
      await this.mutateIfExists({ namespaceId: parent.namespaceId, workflowId: parent.workflowId, runId: parent.runId }, (txn) => {
        const child = isRunning(txn.ms) ? txn.ms.children[parent.initiatedEventId] : undefined;
        if (!child || child.workflowId !== ms.workflowId) return;
        if (child.startedEventId === undefined) throw new RetryTaskLater('child closed before its parent recorded the start');
        txn.addOrBuffer(type, key as 'childWorkflowExecutionCompletedEventAttributes', { ...attributes, startedEventId: child.startedEventId });
        delete txn.ms.children[parent.initiatedEventId];
        txn.scheduleWorkflowTask();
      });
    }
    for (const child of Object.values(ms.children)) {
      if (!child.runId) continue;
      const childRef = { namespaceId: child.namespaceId, workflowId: child.workflowId };
      try {
        if (child.parentClosePolicy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE) {
          await this.engine.terminate(childRef, 'by parent close policy', null, 'history-service');
        } else if (child.parentClosePolicy === enums.ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
          await this.engine.requestCancel(childRef, 'history-service', 'by parent close policy');
        }
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    await this.scheduleRetention(ms);
  }

  /** Closed runs are deleted once the namespace's retention period has passed. */
  private async scheduleRetention(ms: MutableState): Promise<void> {
    const namespace = await this.engine.ctx.namespaces.byId(ms.namespaceId).catch(() => undefined);
    if (!namespace || namespace.retentionMs <= 0) return;
    const deleteAt = (ms.closeTimeMs ?? Date.now()) + namespace.retentionMs;
    await this.mutateIfExists(ms, (txn) => {
      if (isRunning(txn.ms)) return;
      txn.timer(deleteAt, { kind: 'delete-history', runId: txn.ms.runId });
    });
  }

  private async startChild(namespaceId: string, workflowId: string, runId: string, initiatedEventId: number): Promise<void> {
    const parent = await this.load(namespaceId, workflowId, runId);
    const child = parent && isRunning(parent) ? parent.children[initiatedEventId] : undefined;
    if (!parent || !child || child.startedEventId !== undefined) return;
    const [initiated] = await this.engine.readHistory(parent, initiatedEventId, initiatedEventId + 1);
    const a = initiated?.startChildWorkflowExecutionInitiatedEventAttributes;
    if (!a) return;
    let childRunId: string | undefined;
    let failedCause: number | undefined;
    try {
      const started = await this.engine.startWorkflow(child.namespaceId, child.namespace, {
        workflowId: child.workflowId,
        requestId: `${parent.runId}:${initiatedEventId}`,
        workflowType: child.workflowType,
        taskQueue: a.taskQueue?.name || parent.taskQueue,
        input: a.input ?? null,
        header: a.header ?? null,
        memo: a.memo ?? null,
        searchAttributes: a.searchAttributes ?? null,
        retryPolicy: a.retryPolicy ?? null,
        ...(msFromDuration(a.workflowExecutionTimeout) ? { executionTimeoutMs: msFromDuration(a.workflowExecutionTimeout)! } : {}),
        ...(msFromDuration(a.workflowRunTimeout) ? { runTimeoutMs: msFromDuration(a.workflowRunTimeout)! } : {}),
        workflowTaskTimeoutMs: msFromDuration(a.workflowTaskTimeout) ?? this.engine.ctx.config.defaultWorkflowTaskTimeoutMs,
        identity: parent.identity ?? '',
        reusePolicy: a.workflowIdReusePolicy ?? 0,
        parent: { namespace: parent.namespace, namespaceId: parent.namespaceId, workflowId: parent.workflowId, runId: parent.runId, initiatedEventId },
      });
      childRunId = started.runId;
    } catch (err) {
      if (err instanceof RpcError && err.code === 6) failedCause = enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS;
      else if (isMissing(err)) failedCause = enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND;
      else throw err;
    }
    await this.mutateIfExists({ namespaceId, workflowId, runId }, (txn) => {
      const info = isRunning(txn.ms) ? txn.ms.children[initiatedEventId] : undefined;
      if (!info || info.startedEventId !== undefined) return;
      if (childRunId) {
        const event = txn.addOrBufferEvent(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, 'childWorkflowExecutionStartedEventAttributes', {
          namespace: info.namespace,
          namespaceId: info.namespaceId,
          initiatedEventId,
          workflowExecution: { workflowId: info.workflowId, runId: childRunId },
          workflowType: { name: info.workflowType },
          header: a.header ?? null,
        });
        info.runId = childRunId;
        info.startedEventId = event;
      } else {
        txn.addOrBuffer(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, 'startChildWorkflowExecutionFailedEventAttributes', {
          namespace: info.namespace,
          namespaceId: info.namespaceId,
          workflowId: info.workflowId,
          workflowType: { name: info.workflowType },
          cause: failedCause ?? 0,
          initiatedEventId,
          workflowTaskCompletedEventId: a.workflowTaskCompletedEventId ?? 0,
        });
        delete txn.ms.children[initiatedEventId];
      }
      txn.scheduleWorkflowTask();
    });
  }

  private async signalExternal(namespaceId: string, workflowId: string, runId: string, initiatedEventId: number): Promise<void> {
    const source = await this.load(namespaceId, workflowId, runId);
    const request = source && isRunning(source) ? source.signalRequests[initiatedEventId] : undefined;
    if (!source || !request) return;
    let failed = false;
    try {
      const target = await this.engine.ctx.namespaces.byName(request.namespace);
      await this.engine.mutate({ namespaceId: target.id, workflowId: request.workflowId, runId: request.runId ?? null }, (txn) =>
        this.engine.applySignal(txn, {
          name: request.signalName,
          input: request.input ?? null,
          header: request.header ?? null,
          identity: '',
          requestId: `${source.runId}:${initiatedEventId}`,
        }),
      );
    } catch (err) {
      if (!isMissing(err)) throw err;
      failed = true;
    }
    await this.mutateIfExists({ namespaceId, workflowId, runId }, (txn) => {
      const info = isRunning(txn.ms) ? txn.ms.signalRequests[initiatedEventId] : undefined;
      if (!info) return;
      const execution = { workflowId: info.workflowId, runId: info.runId ?? '' };
      if (failed) {
        txn.addOrBuffer(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, 'signalExternalWorkflowExecutionFailedEventAttributes', {
          cause: enums.SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          namespace: info.namespace,
          workflowExecution: execution,
          initiatedEventId,
          control: info.control ?? '',
        });
      } else {
        txn.addOrBuffer(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, 'externalWorkflowExecutionSignaledEventAttributes', {
          initiatedEventId,
          namespace: info.namespace,
          workflowExecution: execution,
          control: info.control ?? '',
        });
      }
      delete txn.ms.signalRequests[initiatedEventId];
      txn.scheduleWorkflowTask();
    });
  }

  private async cancelExternal(namespaceId: string, workflowId: string, runId: string, initiatedEventId: number): Promise<void> {
    const source = await this.load(namespaceId, workflowId, runId);
    const request = source && isRunning(source) ? source.cancelRequests[initiatedEventId] : undefined;
    if (!source || !request) return;
    let failed = false;
    try {
      const target = await this.engine.ctx.namespaces.byName(request.namespace);
      await this.engine.requestCancel({ namespaceId: target.id, workflowId: request.workflowId, runId: request.runId ?? null }, '', 'requested by another workflow');
    } catch (err) {
      if (!isMissing(err)) throw err;
      failed = true;
    }
    await this.mutateIfExists({ namespaceId, workflowId, runId }, (txn) => {
      const info = isRunning(txn.ms) ? txn.ms.cancelRequests[initiatedEventId] : undefined;
      if (!info) return;
      const execution = { workflowId: info.workflowId, runId: info.runId ?? '' };
      if (failed) {
        txn.addOrBuffer(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, 'requestCancelExternalWorkflowExecutionFailedEventAttributes', {
          cause: enums.CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
          namespace: info.namespace,
          workflowExecution: execution,
          initiatedEventId,
        });
      } else {
        txn.addOrBuffer(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, 'externalWorkflowExecutionCancelRequestedEventAttributes', {
          initiatedEventId,
          namespace: info.namespace,
          workflowExecution: execution,
        });
      }
      delete txn.ms.cancelRequests[initiatedEventId];
      txn.scheduleWorkflowTask();
    });
  }
}
