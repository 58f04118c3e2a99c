import { randomUUID } from 'node:crypto';
import { WorkflowExecutionStatus, WorkflowState } from '@hourglass/core';
import { durationFromMs, EventType } from '../grpc/api.js';
import type { Failure, Header, Memo, Payloads, RetryPolicy, SearchAttributesProto } from '../grpc/api.js';
import type { MutableState, ParentInfo } from './mutable-state.js';
import { WorkflowTxn } from './transaction.js';

export interface NewRunParams {
  namespaceId: string;
  namespace: string;
  workflowId: string;
  runId?: string;
  requestId: string;
  workflowType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Header | null;
  memo?: Memo | null;
  searchAttributes?: SearchAttributesProto | null;
  retryPolicy?: RetryPolicy | null;
  cronSchedule?: string | null;
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  workflowTaskTimeoutMs: number;
  identity?: string | null;
  attempt?: number;
  /** Delay before the first workflow task (start delay, retry or cron backoff). */
  backoffMs?: number;
  firstExecutionRunId?: string;
  executionExpirationMs?: number;
  parent?: ParentInfo;
  continuedFrom?: { runId: string; initiator: number; failure?: Failure | null; lastCompletionResult?: Payloads | null };
}

/** Builds a run's first write: the started event, the first workflow task (or its backoff) and its timers. */
export function buildNewRun(params: NewRunParams, now: number): WorkflowTxn {
  const runId = params.runId ?? randomUUID();
  const firstExecutionRunId = params.firstExecutionRunId ?? runId;
  const executionExpirationMs =
    params.executionExpirationMs ?? (params.executionTimeoutMs ? now + params.executionTimeoutMs : undefined);
  const backoffMs = params.backoffMs ?? 0;
  const ms: MutableState = {
    namespaceId: params.namespaceId,
    namespace: params.namespace,
    workflowId: params.workflowId,
    runId,
    firstExecutionRunId,
    workflowType: params.workflowType,
    taskQueue: params.taskQueue,
    createRequestId: params.requestId,
    startTimeMs: now,
    executionTimeMs: now + backoffMs,
    ...(params.executionTimeoutMs ? { executionTimeoutMs: params.executionTimeoutMs } : {}),
    ...(params.runTimeoutMs ? { runTimeoutMs: params.runTimeoutMs } : {}),
    ...(executionExpirationMs ? { executionExpirationMs } : {}),
    workflowTaskTimeoutMs: params.workflowTaskTimeoutMs,
    state: WorkflowState.Running,
    status: WorkflowExecutionStatus.Running,
    nextEventId: 1,
    lastTxnId: 0,
    branch: { treeId: runId, branchId: randomUUID(), ancestors: [] },
    dbRecordVersion: 0,
    stateTransitionCount: 0,
    historySizeBytes: 0,
    lastCompletedWorkflowTaskStartedEventId: 0,
    bufferedEvents: [],
    activities: {},
    timers: {},
    children: {},
    cancelRequests: {},
    signalRequests: {},
    signalRequestIds: [],
    cancelRequested: false,
    searchAttributes: { ...(params.searchAttributes?.indexedFields ?? {}) },
    memo: { ...(params.memo?.fields ?? {}) },
    ...(params.parent ? { parent: params.parent } : {}),
    completedUpdates: {},
    acceptedUpdates: {},
    admittedUpdates: {},
    attempt: params.attempt ?? 1,
    ...(params.retryPolicy ? { retryPolicy: params.retryPolicy } : {}),
    ...(params.cronSchedule ? { cronSchedule: params.cronSchedule } : {}),
    ...(params.header ? { header: params.header } : {}),
    ...(params.input ? { input: params.input } : {}),
    ...(params.identity ? { identity: params.identity } : {}),
  };
  const txn = new WorkflowTxn(ms, now);
  txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 'workflowExecutionStartedEventAttributes', {
    workflowType: { name: params.workflowType },
    taskQueue: { name: params.taskQueue, kind: 1 },
    input: params.input ?? null,
    header: params.header ?? null,
    workflowExecutionTimeout: durationFromMs(params.executionTimeoutMs) ?? null,
    workflowRunTimeout: durationFromMs(params.runTimeoutMs) ?? null,
    workflowTaskTimeout: durationFromMs(params.workflowTaskTimeoutMs) ?? null,
    originalExecutionRunId: runId,
    firstExecutionRunId,
    identity: params.identity ?? '',
    attempt: ms.attempt,
    memo: params.memo ?? null,
    searchAttributes: params.searchAttributes ?? null,
    retryPolicy: params.retryPolicy ?? null,
    cronSchedule: params.cronSchedule ?? '',
    workflowId: params.workflowId,
    ...(executionExpirationMs ? { workflowExecutionExpirationTime: { seconds: Math.floor(executionExpirationMs / 1000), nanos: (executionExpirationMs % 1000) * 1e6 } } : {}),
    ...(backoffMs > 0 ? { firstWorkflowTaskBackoff: durationFromMs(backoffMs)! } : {}),
    ...(params.parent
      ? {
          parentWorkflowNamespace: params.parent.namespace,
          parentWorkflowNamespaceId: params.parent.namespaceId,
          parentWorkflowExecution: { workflowId: params.parent.workflowId, runId: params.parent.runId },
          parentInitiatedEventId: params.parent.initiatedEventId,
        }
      : {}),
    ...(params.continuedFrom
      ? {
          continuedExecutionRunId: params.continuedFrom.runId,
          initiator: params.continuedFrom.initiator,
          continuedFailure: params.continuedFrom.failure ?? null,
          lastCompletionResult: params.continuedFrom.lastCompletionResult ?? null,
        }
      : {}),
  });
  if (backoffMs > 0) {
    txn.timer(now + backoffMs, { kind: 'workflow-backoff', runId });
  } else {
    txn.scheduleWorkflowTask();
  }
  const runDeadline = params.runTimeoutMs ? now + backoffMs + params.runTimeoutMs : undefined;
  const deadline = [runDeadline, executionExpirationMs].filter((d): d is number => d !== undefined).sort((a, b) => a - b)[0];
  if (deadline !== undefined) txn.timer(deadline, { kind: 'workflow-run-timeout', runId });
  txn.visibility('upsert');
  return txn;
}
