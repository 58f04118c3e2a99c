import type { VisibilityRecord } from '@hourglass/core';
import { durationFromMs, enums, timestampFromMs } from '../grpc/api.js';
import type { MutableState } from '../history/mutable-state.js';
import type { Namespace } from './namespace-registry.js';
import { decodeMemo, encodeSearchAttributePayloads } from './visibility-mapping.js';

/** DescribeWorkflowExecutionResponse for a run. */
export function describe(ms: MutableState): object {
  const execution = { workflowId: ms.workflowId, runId: ms.runId };
  const wt = ms.workflowTask;
  return {
    executionConfig: {
      taskQueue: { name: ms.taskQueue, kind: 1 },
      workflowExecutionTimeout: durationFromMs(ms.executionTimeoutMs) ?? null,
      workflowRunTimeout: durationFromMs(ms.runTimeoutMs) ?? null,
      defaultWorkflowTaskTimeout: durationFromMs(ms.workflowTaskTimeoutMs) ?? null,
    },
    workflowExecutionInfo: {
      execution,
      type: { name: ms.workflowType },
      startTime: timestampFromMs(ms.startTimeMs),
      ...(ms.closeTimeMs !== undefined ? { closeTime: timestampFromMs(ms.closeTimeMs) } : {}),
      status: ms.status,
      historyLength: ms.nextEventId - 1,
      executionTime: timestampFromMs(ms.executionTimeMs),
      memo: { fields: ms.memo },
      searchAttributes: { indexedFields: ms.searchAttributes },
      taskQueue: ms.taskQueue,
      stateTransitionCount: ms.stateTransitionCount,
      historySizeBytes: ms.historySizeBytes,
      firstRunId: ms.firstExecutionRunId,
      ...(ms.parent
        ? { parentNamespaceId: ms.parent.namespaceId, parentExecution: { workflowId: ms.parent.workflowId, runId: ms.parent.runId } }
        : {}),
      rootExecution: execution,
    },
    pendingActivities: Object.values(ms.activities).map((a) => ({
      activityId: a.activityId,
      activityType: { name: a.activityType },
      state: a.cancelRequested
        ? enums.PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
        : a.startedTimeMs !== undefined
          ? enums.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
          : enums.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
      heartbeatDetails: a.heartbeatDetails ?? null,
      ...(a.lastHeartbeatMs ? { lastHeartbeatTime: timestampFromMs(a.lastHeartbeatMs) } : {}),
      ...(a.startedTimeMs ? { lastStartedTime: timestampFromMs(a.startedTimeMs) } : {}),
      attempt: a.attempt,
      maximumAttempts: a.retryPolicy.maximumAttempts ?? 0,
      scheduledTime: timestampFromMs(a.scheduledTimeMs),
      lastFailure: a.lastFailure ?? null,
      lastWorkerIdentity: a.startedIdentity ?? '',
    })),
    pendingChildren: Object.values(ms.children).map((c) => ({
      workflowId: c.workflowId,
      runId: c.runId ?? '',
      workflowTypeName: c.workflowType,
      initiatedId: c.initiatedEventId,
      parentClosePolicy: c.parentClosePolicy,
    })),
    ...(wt
      ? {
          pendingWorkflowTask: {
            state: wt.startedEventId !== undefined ? enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED : enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: timestampFromMs(wt.scheduledTimeMs),
            ...(wt.startedTimeMs ? { startedTime: timestampFromMs(wt.startedTimeMs) } : {}),
            attempt: wt.attempt,
          },
        }
      : {}),
  };
}

export function executionInfo(record: VisibilityRecord, ns: Namespace): object {
  return {
    execution: { workflowId: record.workflowId, runId: record.runId },
    type: { name: record.workflowTypeName },
    startTime: timestampFromMs(record.startTime / 1000),
    ...(record.closeTime !== undefined ? { closeTime: timestampFromMs(record.closeTime / 1000) } : {}),
    status: record.status,
    historyLength: record.historyLength,
    executionTime: timestampFromMs(record.executionTime / 1000),
    searchAttributes: { indexedFields: encodeSearchAttributePayloads(record.searchAttributes) },
    ...(record.memo ? { memo: decodeMemo(record.memo) } : {}),
    taskQueue: record.taskQueue,
    stateTransitionCount: record.stateTransitionCount,
    historySizeBytes: record.historySizeBytes,
    ...(record.parentWorkflowId ? { parentExecution: { workflowId: record.parentWorkflowId, runId: record.parentRunId ?? '' }, parentNamespaceId: ns.id } : {}),
  };
}

