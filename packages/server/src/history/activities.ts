import { durationFromMs, EventType, msFromDuration, timestampFromMs } from '../grpc/api.js';
import { enums } from '../grpc/api.js';
import type { Failure, Payloads, Plain, RetryPolicy, temporal } from '../grpc/api.js';
import { notFound } from '../grpc/rpc-error.js';
import { retryDelay } from './retry.js';
import type { HistoryEngine } from './engine.js';
import { isRunning } from './engine.js';
import type { ActivityInfo, MutableState } from './mutable-state.js';
import { encodeTaskToken } from './task-token.js';
import type { TaskToken } from './task-token.js';
import type { WorkflowTxn } from './transaction.js';

type PollActivityTaskQueueResponse = Plain<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse>;
type ScheduleActivityAttributes = Plain<temporal.api.command.v1.IScheduleActivityTaskCommandAttributes>;
const RetryState = enums.RetryState;
const TimeoutType = enums.TimeoutType;

export interface NormalisedActivity {
  taskQueue: string;
  scheduleToCloseMs?: number;
  scheduleToStartMs?: number;
  startToCloseMs?: number;
  heartbeatMs?: number;
  retryPolicy: RetryPolicy;
}

/** Fills in Temporal's defaults for an activity's timeouts and retry policy; a string is a validation error. */
export function normaliseActivity(a: ScheduleActivityAttributes, ms: MutableState): NormalisedActivity | string {
  let scheduleToClose = msFromDuration(a.scheduleToCloseTimeout);
  let startToClose = msFromDuration(a.startToCloseTimeout);
  let scheduleToStart = msFromDuration(a.scheduleToStartTimeout);
  const heartbeat = msFromDuration(a.heartbeatTimeout);
  if (scheduleToClose === undefined && startToClose === undefined) return 'a ScheduleToClose or StartToClose timeout is required';
  const runLimit = ms.runTimeoutMs;
  if (scheduleToClose !== undefined && runLimit !== undefined) scheduleToClose = Math.min(scheduleToClose, runLimit);
  startToClose ??= scheduleToClose;
  if (scheduleToClose !== undefined && startToClose !== undefined) startToClose = Math.min(startToClose, scheduleToClose);
  if (scheduleToStart !== undefined && scheduleToClose !== undefined) scheduleToStart = Math.min(scheduleToStart, scheduleToClose);
  const given = a.retryPolicy ?? {};
  const initial = msFromDuration(given.initialInterval) ?? 1000;
  const retryPolicy: RetryPolicy = {
    initialInterval: durationFromMs(initial)!,
    backoffCoefficient: given.backoffCoefficient && given.backoffCoefficient >= 1 ? given.backoffCoefficient : 2,
    maximumInterval: durationFromMs(msFromDuration(given.maximumInterval) ?? initial * 100)!,
    maximumAttempts: given.maximumAttempts ?? 0,
    nonRetryableErrorTypes: given.nonRetryableErrorTypes ?? [],
  };
  return {
    taskQueue: a.taskQueue?.name || ms.taskQueue,
    ...(scheduleToClose !== undefined ? { scheduleToCloseMs: scheduleToClose } : {}),
    ...(scheduleToStart !== undefined ? { scheduleToStartMs: scheduleToStart } : {}),
    ...(startToClose !== undefined ? { startToCloseMs: startToClose } : {}),
    ...(heartbeat !== undefined ? { heartbeatMs: heartbeat } : {}),
    retryPolicy,
  };
}

function findActivity(ms: MutableState, token: TaskToken): ActivityInfo {
  const activity = isRunning(ms) ? ms.activities[token.scheduledEventId] : undefined;
  if (!activity || activity.attempt !== token.attempt || activity.startedTimeMs === undefined || activity.retryPending) {
    throw notFound('Activity task not found.');
  }
  return activity;
}

/** Writes the started event an activity's final attempt gets (Temporal writes it only at the end). */
function addStartedEvent(txn: WorkflowTxn, activity: ActivityInfo): number {
  const attrs = {
    scheduledEventId: activity.scheduledEventId,
    identity: activity.startedIdentity ?? '',
    requestId: activity.startRequestId ?? '',
    attempt: activity.attempt,
    lastFailure: activity.lastFailure ?? null,
  };
  if (txn.workflowTaskRunning) {
    txn.addOrBuffer(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, 'activityTaskStartedEventAttributes', attrs);
    return 0;
  }
  return Number(txn.addEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, 'activityTaskStartedEventAttributes', attrs).eventId);
}

/**
 * Ends the current attempt with a failure: schedules a retry when the policy allows, else
 * records the final failed/timed-out events and wakes the workflow.
 */
export function failAttempt(txn: WorkflowTxn, activity: ActivityInfo, failure: Failure, timeoutType: number | undefined, identity: string): void {
  const ms = txn.ms;
  const deadline = activity.scheduleToCloseMs !== undefined ? activity.firstScheduledTimeMs + activity.scheduleToCloseMs : undefined;
  const retry = activity.cancelRequested
    ? { retryState: RetryState.RETRY_STATE_CANCEL_REQUESTED }
    : retryDelay(activity.retryPolicy, activity.attempt, failure, txn.now, deadline, timeoutType !== undefined);
  if (typeof retry === 'number' && timeoutType !== TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE && timeoutType !== TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
    activity.attempt += 1;
    activity.lastFailure = failure;
    activity.startedTimeMs = undefined;
    activity.startedIdentity = undefined;
    activity.startRequestId = undefined;
    activity.lastHeartbeatMs = undefined;
    activity.retryPending = true;
    activity.scheduledTimeMs = txn.now + retry;
    txn.timer(txn.now + retry, { kind: 'activity-retry', runId: ms.runId, scheduledEventId: activity.scheduledEventId, attempt: activity.attempt });
    return;
  }
  const retryState = typeof retry === 'number' ? RetryState.RETRY_STATE_TIMEOUT : retry.retryState;
  const startedEventId = activity.startedTimeMs !== undefined ? addStartedEvent(txn, activity) : 0;
  if (timeoutType !== undefined) {
    txn.addOrBuffer(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, 'activityTaskTimedOutEventAttributes', {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      retryState,
    });
  } else {
    txn.addOrBuffer(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, 'activityTaskFailedEventAttributes', {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity,
      retryState,
    });
  }
  delete ms.activities[activity.scheduledEventId];
  txn.scheduleWorkflowTask();
}

export function timeoutFailure(timeoutType: number, details?: Payloads | null, lastFailure?: Failure | null): Failure {
  const name = ['', 'StartToClose', 'ScheduleToStart', 'ScheduleToClose', 'Heartbeat'][timeoutType] ?? '';
  return {
    message: `activity ${name} timeout`,
    source: 'Server',
    timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: details ?? null },
    ...(lastFailure ? { cause: lastFailure } : {}),
  };
}

export async function recordActivityTaskStarted(
  engine: HistoryEngine,
  task: { namespaceId: string; workflowId: string; runId: string; scheduledEventId: number; attempt: number },
  poll: { identity: string; requestId: string },
): Promise<PollActivityTaskQueueResponse | undefined> {
  try {
    return await engine.mutate(task, (txn) => {
      const ms = txn.ms;
      const a = isRunning(ms) ? ms.activities[task.scheduledEventId] : undefined;
      if (!a || a.attempt !== task.attempt || a.startedTimeMs !== undefined || a.retryPending) return undefined;
      a.startedTimeMs = txn.now;
      a.startedIdentity = poll.identity;
      a.startRequestId = poll.requestId;
      txn.dirty = true;
      if (a.startToCloseMs) {
        txn.timer(txn.now + a.startToCloseMs, { kind: 'activity-timeout', runId: ms.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt, timeout: 'start-to-close' });
      }
      if (a.heartbeatMs) {
        txn.timer(txn.now + a.heartbeatMs, { kind: 'activity-timeout', runId: ms.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt, timeout: 'heartbeat' });
      }
      const token: TaskToken = { namespaceId: ms.namespaceId, workflowId: ms.workflowId, runId: ms.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt, kind: 'activity' };
      const response: PollActivityTaskQueueResponse = {
        taskToken: encodeTaskToken(token),
        workflowNamespace: ms.namespace,
        workflowType: { name: ms.workflowType },
        workflowExecution: { workflowId: ms.workflowId, runId: ms.runId },
        activityType: { name: a.activityType },
        activityId: a.activityId,
        header: a.header ?? null,
        input: a.input ?? null,
        heartbeatDetails: a.heartbeatDetails ?? null,
        scheduledTime: timestampFromMs(a.firstScheduledTimeMs),
        currentAttemptScheduledTime: timestampFromMs(a.scheduledTimeMs),
        startedTime: timestampFromMs(txn.now),
        attempt: a.attempt,
        // SDKs expect every timeout present; zero means "not set".
        scheduleToCloseTimeout: durationFromMs(a.scheduleToCloseMs ?? 0)!,
        startToCloseTimeout: durationFromMs(a.startToCloseMs ?? 0)!,
        heartbeatTimeout: durationFromMs(a.heartbeatMs ?? 0)!,
        retryPolicy: a.retryPolicy,
      };
      return response;
    });
  } catch (err) {
    if ((err as { code?: number }).code === 5) return undefined;
    throw err;
  }
}

export function respondActivityCompleted(engine: HistoryEngine, token: TaskToken, result: Payloads | null | undefined, identity: string): Promise<void> {
  return engine.mutate(token, (txn) => {
    const activity = findActivity(txn.ms, token);
    const startedEventId = addStartedEvent(txn, activity);
    txn.addOrBuffer(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 'activityTaskCompletedEventAttributes', {
      result: result ?? null,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity,
    });
    delete txn.ms.activities[activity.scheduledEventId];
    txn.scheduleWorkflowTask();
  });
}

export function respondActivityFailed(engine: HistoryEngine, token: TaskToken, failure: Failure | null | undefined, identity: string, lastHeartbeatDetails?: Payloads | null): Promise<void> {
  return engine.mutate(token, (txn) => {
    const activity = findActivity(txn.ms, token);
    if (lastHeartbeatDetails) activity.heartbeatDetails = lastHeartbeatDetails;
    failAttempt(txn, activity, failure ?? { message: 'activity failed' }, undefined, identity);
    txn.dirty = true;
  });
}

export function respondActivityCanceled(engine: HistoryEngine, token: TaskToken, details: Payloads | null | undefined, identity: string): Promise<void> {
  return engine.mutate(token, (txn) => {
    const activity = findActivity(txn.ms, token);
    const startedEventId = addStartedEvent(txn, activity);
    txn.addOrBuffer(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED, 'activityTaskCanceledEventAttributes', {
      details: details ?? null,
      latestCancelRequestedEventId: activity.cancelRequestedEventId ?? 0,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity,
    });
    delete txn.ms.activities[activity.scheduledEventId];
    txn.scheduleWorkflowTask();
  });
}

export function recordHeartbeat(engine: HistoryEngine, token: TaskToken, details: Payloads | null | undefined): Promise<{ cancelRequested: boolean }> {
  return engine.mutate(token, (txn) => {
    const activity = findActivity(txn.ms, token);
    activity.lastHeartbeatMs = txn.now;
    if (details) activity.heartbeatDetails = details;
    txn.dirty = true;
    return { cancelRequested: activity.cancelRequested };
  });
}

/** A fired activity timer: a timeout of the current attempt, or the end of a retry backoff. */
export function onActivityTimer(
  txn: WorkflowTxn,
  data: { scheduledEventId: number; attempt: number; timeout?: 'schedule-to-start' | 'start-to-close' | 'schedule-to-close' | 'heartbeat' },
): void {
  const ms = txn.ms;
  const a = isRunning(ms) ? ms.activities[data.scheduledEventId] : undefined;
  if (!a) return;
  if (data.timeout === undefined) {
    if (a.attempt !== data.attempt || !a.retryPending) return;
    a.retryPending = false;
    txn.transfer({ kind: 'activity-task', runId: ms.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt, taskQueue: a.taskQueue });
    if (a.scheduleToStartMs) {
      txn.timer(txn.now + a.scheduleToStartMs, { kind: 'activity-timeout', runId: ms.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt, timeout: 'schedule-to-start' });
    }
    txn.dirty = true;
    return;
  }
  switch (data.timeout) {
    case 'schedule-to-close':
      failAttempt(txn, a, timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, a.heartbeatDetails, a.lastFailure), TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, '');
      return;
    case 'schedule-to-start':
      if (a.attempt !== data.attempt || a.startedTimeMs !== undefined || a.retryPending) return;
      failAttempt(txn, a, timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START), TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, '');
      return;
    case 'start-to-close':
      if (a.attempt !== data.attempt || a.startedTimeMs === undefined) return;
      failAttempt(txn, a, timeoutFailure(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, a.heartbeatDetails), TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, '');
      txn.dirty = true;
      return;
    case 'heartbeat': {
      if (a.attempt !== data.attempt || a.startedTimeMs === undefined || !a.heartbeatMs) return;
      const deadline = (a.lastHeartbeatMs ?? a.startedTimeMs) + a.heartbeatMs;
      if (deadline > txn.now) {
        txn.timer(deadline, { kind: 'activity-timeout', runId: ms.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt, timeout: 'heartbeat' });
        return;
      }
      failAttempt(txn, a, timeoutFailure(TimeoutType.TIMEOUT_TYPE_HEARTBEAT, a.heartbeatDetails), TimeoutType.TIMEOUT_TYPE_HEARTBEAT, '');
      txn.dirty = true;
      return;
    }
  }
}
