import type { HistoryBranch } from '@hourglass/core';
import type { Failure, Header, HistoryEvent, Payload, Payloads, RetryPolicy, UpdateOutcome } from '../grpc/api.js';

/** The workflow task that is scheduled or running, if any. */
export interface WorkflowTaskInfo {
  scheduledEventId: number;
  startedEventId?: number;
  attempt: number;
  /** The queue it was dispatched to: the normal queue or a worker's sticky queue. */
  taskQueue: string;
  sticky: boolean;
  scheduledTimeMs: number;
  startedTimeMs?: number;
  requestId?: string;
  identity?: string;
}

export interface ActivityInfo {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Header | null;
  scheduleToCloseMs?: number;
  scheduleToStartMs?: number;
  startToCloseMs?: number;
  heartbeatMs?: number;
  retryPolicy: RetryPolicy;
  attempt: number;
  firstScheduledTimeMs: number;
  /** When the current attempt was (or will be, after a retry backoff) scheduled. */
  scheduledTimeMs: number;
  startedTimeMs?: number;
  startedIdentity?: string;
  startRequestId?: string;
  lastHeartbeatMs?: number;
  heartbeatDetails?: Payloads | null;
  lastFailure?: Failure | null;
  cancelRequested: boolean;
  cancelRequestedEventId?: number;
  /** Set while the activity waits out a retry backoff. */
  retryPending: boolean;
}

export interface TimerInfo {
  timerId: string;
  startedEventId: number;
  expiryMs: number;
}

export interface ChildInfo {
  initiatedEventId: number;
  namespace: string;
  namespaceId: string;
  workflowId: string;
  workflowType: string;
  runId?: string;
  startedEventId?: number;
  parentClosePolicy: number;
}

export interface ExternalRequestInfo {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  runId?: string;
  childWorkflowOnly: boolean;
}

export interface SignalExternalInfo extends ExternalRequestInfo {
  signalName: string;
  input?: Payloads | null;
  header?: Header | null;
  control?: string;
}

export interface CompletedUpdate {
  acceptedEventId: number;
  outcome: UpdateOutcome;
}

/** An update admitted by UpdateWorkflowExecution and not yet accepted or rejected by the worker. */
export interface AdmittedUpdate {
  updateId: string;
  /** temporal.api.update.v1.Request as a plain object. */
  request: { meta: { updateId: string; identity?: string }; input: { header?: Header | null; name: string; args?: Payloads | null } };
}

export interface ParentInfo {
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

/** Everything the engine knows about one run; serialised whole into the execution row. */
export interface MutableState {
  namespaceId: string;
  namespace: string;
  workflowId: string;
  runId: string;
  firstExecutionRunId: string;
  workflowType: string;
  taskQueue: string;
  createRequestId: string;
  startTimeMs: number;
  executionTimeMs: number;
  closeTimeMs?: number;
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  workflowTaskTimeoutMs: number;
  /** WorkflowState / WorkflowExecutionStatus from core (numerically Temporal's). */
  state: number;
  status: number;
  nextEventId: number;
  lastTxnId: number;
  branch: HistoryBranch;
  dbRecordVersion: number;
  stateTransitionCount: number;
  historySizeBytes: number;
  /** Started event id of the last completed workflow task. */
  lastCompletedWorkflowTaskStartedEventId: number;
  workflowTask?: WorkflowTaskInfo;
  /** Events that arrived while a workflow task was running; they get ids when it finishes. */
  bufferedEvents: HistoryEvent[];
  stickyTaskQueue?: string;
  stickyScheduleToStartMs?: number;
  activities: Record<number, ActivityInfo>;
  timers: Record<string, TimerInfo>;
  children: Record<number, ChildInfo>;
  cancelRequests: Record<number, ExternalRequestInfo>;
  signalRequests: Record<number, SignalExternalInfo>;
  /** Request ids of signals already applied, for idempotent retries. */
  signalRequestIds: string[];
  cancelRequested: boolean;
  searchAttributes: Record<string, Payload>;
  memo: Record<string, Payload>;
  parent?: ParentInfo;
  completedUpdates: Record<string, CompletedUpdate>;
  /** Update ids accepted but not yet completed, with their accepted event id. */
  acceptedUpdates: Record<string, number>;
  admittedUpdates: Record<string, AdmittedUpdate>;
  completionEventId?: number;
  attempt: number;
  retryPolicy?: RetryPolicy;
  cronSchedule?: string;
  /** Absolute deadline of the whole execution (all runs), if it has one. */
  executionExpirationMs?: number;
  header?: Header | null;
  /** The run's input, kept so a retry attempt can start with it. */
  input?: Payloads | null;
  identity?: string;
  newExecutionRunId?: string;
}
