import { randomUUID } from 'node:crypto';
import type { SearchAttributeType } from '@hourglass/core';
import { CommandType, durationFromMs, enums, EventType, msFromDuration } from '../grpc/api.js';
import type { Command, Plain, ProtocolMessage, temporal } from '../grpc/api.js';
import { decodeByName } from '../grpc/proto.js';
import { normaliseActivity } from './activities.js';
import type { HistoryEngine } from './engine.js';
import { buildNewRun } from './new-run.js';
import { unknownSearchAttributes } from './search-attributes.js';
import type { WorkflowTxn } from './transaction.js';

const Cause = enums.WorkflowTaskFailedCause;
const UPDATE_ACCEPTANCE = 'temporal.api.update.v1.Acceptance';
const UPDATE_REJECTION = 'temporal.api.update.v1.Rejection';
const UPDATE_RESPONSE = 'temporal.api.update.v1.Response';

/** A command the server refuses: the workflow task fails with this cause, the run carries on. */
export class BadCommand extends Error {
  constructor(
    readonly causeCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const CLOSE_COMMANDS = new Set<number>([
  CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

/** Turns one workflow task's commands into events, state and tasks. */
export class CommandApplier {
  constructor(
    private readonly engine: HistoryEngine,
    private readonly txn: WorkflowTxn,
    private readonly completedId: number,
    private readonly identity: string,
    private readonly namespaceIds: ReadonlyMap<string, string>,
    private readonly knownSearchAttributes: ReadonlyMap<string, SearchAttributeType>,
  ) {}

  apply(command: Command): void {
    const txn = this.txn;
    const ms = txn.ms;
    const completedId = this.completedId;
    switch (command.commandType) {
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const a = command.scheduleActivityTaskCommandAttributes;
        if (!a?.activityId || !a.activityType?.name) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, 'activity id and type are required');
        if (Object.values(ms.activities).some((x) => x.activityId === a.activityId)) {
          throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_SCHEDULE_ACTIVITY_DUPLICATE_ID, `duplicate activity id ${a.activityId}`);
        }
        const normal = normaliseActivity(a, ms);
        if (typeof normal === 'string') throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, normal);
        const event = txn.addEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'activityTaskScheduledEventAttributes', {
          activityId: a.activityId,
          activityType: { name: a.activityType.name },
          taskQueue: { name: normal.taskQueue, kind: 1 },
          header: a.header ?? null,
          input: a.input ?? null,
          scheduleToCloseTimeout: durationFromMs(normal.scheduleToCloseMs) ?? null,
          scheduleToStartTimeout: durationFromMs(normal.scheduleToStartMs) ?? null,
          startToCloseTimeout: durationFromMs(normal.startToCloseMs) ?? null,
          heartbeatTimeout: durationFromMs(normal.heartbeatMs) ?? null,
          workflowTaskCompletedEventId: completedId,
          retryPolicy: normal.retryPolicy,
        });
        const scheduledEventId = Number(event.eventId);
        ms.activities[scheduledEventId] = {
          scheduledEventId,
          activityId: a.activityId,
          activityType: a.activityType.name,
          taskQueue: normal.taskQueue,
          input: a.input ?? null,
          header: a.header ?? null,
          ...(normal.scheduleToCloseMs ? { scheduleToCloseMs: normal.scheduleToCloseMs } : {}),
          ...(normal.scheduleToStartMs ? { scheduleToStartMs: normal.scheduleToStartMs } : {}),
          ...(normal.startToCloseMs ? { startToCloseMs: normal.startToCloseMs } : {}),
          ...(normal.heartbeatMs ? { heartbeatMs: normal.heartbeatMs } : {}),
          retryPolicy: normal.retryPolicy,
          attempt: 1,
          firstScheduledTimeMs: txn.now,
          scheduledTimeMs: txn.now,
          cancelRequested: false,
          retryPending: false,
        };
        txn.transfer({ kind: 'activity-task', runId: ms.runId, scheduledEventId, attempt: 1, taskQueue: normal.taskQueue });
        if (normal.scheduleToCloseMs) {
          txn.timer(txn.now + normal.scheduleToCloseMs, { kind: 'activity-timeout', runId: ms.runId, scheduledEventId, attempt: 1, timeout: 'schedule-to-close' });
        }
        if (normal.scheduleToStartMs && normal.scheduleToStartMs !== normal.scheduleToCloseMs) {
          txn.timer(txn.now + normal.scheduleToStartMs, { kind: 'activity-timeout', runId: ms.runId, scheduledEventId, attempt: 1, timeout: 'schedule-to-start' });
        }
        return;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: {
        const id = command.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0;
        const activity = ms.activities[id];
        if (!activity) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES, `no pending activity with scheduled event id ${id}`);
        const requested = txn.addEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, 'activityTaskCancelRequestedEventAttributes', {
          scheduledEventId: id,
          workflowTaskCompletedEventId: completedId,
        });
        if (activity.startedTimeMs === undefined) {
          txn.addEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED, 'activityTaskCanceledEventAttributes', {
            scheduledEventId: id,
            startedEventId: 0,
            latestCancelRequestedEventId: Number(requested.eventId),
            identity: this.identity,
          });
          delete ms.activities[id];
          txn.scheduleWorkflowTask();
        } else {
          activity.cancelRequested = true;
          activity.cancelRequestedEventId = Number(requested.eventId);
        }
        return;
      }
      case CommandType.COMMAND_TYPE_START_TIMER: {
        const a = command.startTimerCommandAttributes;
        const fireMs = msFromDuration(a?.startToFireTimeout);
        if (!a?.timerId || fireMs === undefined) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, 'timer id and a positive start_to_fire_timeout are required');
        if (ms.timers[a.timerId]) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID, `duplicate timer id ${a.timerId}`);
        const event = txn.addEvent(EventType.EVENT_TYPE_TIMER_STARTED, 'timerStartedEventAttributes', {
          timerId: a.timerId,
          startToFireTimeout: a.startToFireTimeout ?? null,
          workflowTaskCompletedEventId: completedId,
        });
        const startedEventId = Number(event.eventId);
        ms.timers[a.timerId] = { timerId: a.timerId, startedEventId, expiryMs: txn.now + fireMs };
        txn.timer(txn.now + fireMs, { kind: 'user-timer', runId: ms.runId, timerId: a.timerId, startedEventId });
        return;
      }
      case CommandType.COMMAND_TYPE_CANCEL_TIMER: {
        const timerId = command.cancelTimerCommandAttributes?.timerId ?? '';
        const timer = ms.timers[timerId];
        if (!timer) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES, `no pending timer ${timerId}`);
        txn.addEvent(EventType.EVENT_TYPE_TIMER_CANCELED, 'timerCanceledEventAttributes', {
          timerId,
          startedEventId: timer.startedEventId,
          workflowTaskCompletedEventId: completedId,
          identity: this.identity,
        });
        delete ms.timers[timerId];
        return;
      }
      case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
        this.engine.closeRun(txn, 'completed', {
          result: command.completeWorkflowExecutionCommandAttributes?.result ?? null,
          workflowTaskCompletedEventId: completedId,
        });
        return;
      case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
        this.engine.failOrRetry(txn, 'failed', command.failWorkflowExecutionCommandAttributes?.failure ?? { message: 'workflow failed' }, completedId);
        return;
      case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        this.engine.closeRun(txn, 'canceled', {
          details: command.cancelWorkflowExecutionCommandAttributes?.details ?? null,
          workflowTaskCompletedEventId: completedId,
        });
        return;
      case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        this.continueAsNew(command);
        return;
      case CommandType.COMMAND_TYPE_RECORD_MARKER: {
        const a = command.recordMarkerCommandAttributes;
        if (!a?.markerName) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES, 'marker name is required');
        txn.addEvent(EventType.EVENT_TYPE_MARKER_RECORDED, 'markerRecordedEventAttributes', {
          markerName: a.markerName,
          details: a.details ?? {},
          workflowTaskCompletedEventId: completedId,
          header: a.header ?? null,
          failure: a.failure ?? null,
        });
        return;
      }
      case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes?.indexedFields ?? {};
        const unknown = unknownSearchAttributes(fields, this.knownSearchAttributes);
        if (unknown) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, `search attribute ${unknown.join(', ')} is not defined`);
        txn.addEvent(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 'upsertWorkflowSearchAttributesEventAttributes', {
          workflowTaskCompletedEventId: completedId,
          searchAttributes: { indexedFields: fields },
        });
        for (const [k, v] of Object.entries(fields)) {
          // An empty payload removes the attribute.
          if (!v.data || v.data.byteLength === 0 || new TextDecoder().decode(v.data) === 'null') delete ms.searchAttributes[k];
          else ms.searchAttributes[k] = v;
        }
        txn.visibility('upsert');
        return;
      }
      case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
        const fields = command.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo?.fields ?? {};
        txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, 'workflowPropertiesModifiedEventAttributes', {
          workflowTaskCompletedEventId: completedId,
          upsertedMemo: { fields },
        });
        for (const [k, v] of Object.entries(fields)) {
          if (!v.data || v.data.byteLength === 0) delete ms.memo[k];
          else ms.memo[k] = v;
        }
        txn.visibility('upsert');
        return;
      }
      case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
        const a = command.startChildWorkflowExecutionCommandAttributes;
        if (!a?.workflowId || !a.workflowType?.name) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, 'child workflow id and type are required');
        if (a.cronSchedule) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, 'cron schedules are not supported by this server');
        const namespace = a.namespace || ms.namespace;
        const namespaceId = namespace === ms.namespace ? ms.namespaceId : this.namespaceIds.get(namespace);
        if (!namespaceId) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, `namespace ${namespace} not found`);
        const event = txn.addEvent(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, 'startChildWorkflowExecutionInitiatedEventAttributes', {
          ...a,
          namespace,
          namespaceId,
          taskQueue: { name: a.taskQueue?.name || ms.taskQueue, kind: 1 },
          workflowTaskCompletedEventId: completedId,
        });
        const initiatedEventId = Number(event.eventId);
        ms.children[initiatedEventId] = {
          initiatedEventId,
          namespace,
          namespaceId,
          workflowId: a.workflowId,
          workflowType: a.workflowType.name,
          parentClosePolicy: a.parentClosePolicy || enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
        };
        txn.transfer({ kind: 'start-child', runId: ms.runId, initiatedEventId });
        return;
      }
      case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
        const a = command.signalExternalWorkflowExecutionCommandAttributes;
        if (!a?.execution?.workflowId || !a.signalName) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, 'target workflow id and signal name are required');
        const namespace = a.namespace || ms.namespace;
        const event = txn.addEvent(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'signalExternalWorkflowExecutionInitiatedEventAttributes', {
          namespace,
          namespaceId: namespace === ms.namespace ? ms.namespaceId : (this.namespaceIds.get(namespace) ?? ''),
          workflowExecution: a.execution,
          signalName: a.signalName,
          input: a.input ?? null,
          control: a.control ?? '',
          childWorkflowOnly: a.childWorkflowOnly ?? false,
          header: a.header ?? null,
          workflowTaskCompletedEventId: completedId,
        });
        const initiatedEventId = Number(event.eventId);
        ms.signalRequests[initiatedEventId] = {
          initiatedEventId,
          namespace,
          workflowId: a.execution.workflowId,
          ...(a.execution.runId ? { runId: a.execution.runId } : {}),
          childWorkflowOnly: a.childWorkflowOnly ?? false,
          signalName: a.signalName,
          input: a.input ?? null,
          header: a.header ?? null,
          control: a.control ?? '',
        };
        txn.transfer({ kind: 'signal-external', runId: ms.runId, initiatedEventId });
        return;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: {
        const a = command.requestCancelExternalWorkflowExecutionCommandAttributes;
        if (!a?.workflowId) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES, 'target workflow id is required');
        const namespace = a.namespace || ms.namespace;
        const event = txn.addEvent(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'requestCancelExternalWorkflowExecutionInitiatedEventAttributes', {
          namespace,
          namespaceId: namespace === ms.namespace ? ms.namespaceId : (this.namespaceIds.get(namespace) ?? ''),
          workflowExecution: { workflowId: a.workflowId, runId: a.runId ?? '' },
          control: a.control ?? '',
          childWorkflowOnly: a.childWorkflowOnly ?? false,
          reason: a.reason ?? '',
          workflowTaskCompletedEventId: completedId,
        });
        const initiatedEventId = Number(event.eventId);
        ms.cancelRequests[initiatedEventId] = {
          initiatedEventId,
          namespace,
          workflowId: a.workflowId,
          ...(a.runId ? { runId: a.runId } : {}),
          childWorkflowOnly: a.childWorkflowOnly ?? false,
        };
        txn.transfer({ kind: 'cancel-external', runId: ms.runId, initiatedEventId });
        return;
      }
      default:
        throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, `command type ${String(command.commandType)} is not supported by this server`);
    }
  }

  private continueAsNew(command: Command): void {
    const txn = this.txn;
    const ms = txn.ms;
    const a = command.continueAsNewWorkflowExecutionCommandAttributes ?? {};
    const workflowType = a.workflowType?.name || ms.workflowType;
    const taskQueue = a.taskQueue?.name || ms.taskQueue;
    const runTimeoutMs = msFromDuration(a.workflowRunTimeout) ?? ms.runTimeoutMs;
    const newRun = buildNewRun(
      {
        namespaceId: ms.namespaceId,
        namespace: ms.namespace,
        workflowId: ms.workflowId,
        requestId: randomUUID(),
        workflowType,
        taskQueue,
        input: a.input ?? null,
        header: a.header ?? null,
        memo: a.memo ?? { fields: ms.memo },
        searchAttributes: a.searchAttributes ?? { indexedFields: ms.searchAttributes },
        retryPolicy: a.retryPolicy ?? ms.retryPolicy ?? null,
        ...(ms.executionTimeoutMs ? { executionTimeoutMs: ms.executionTimeoutMs } : {}),
        ...(runTimeoutMs ? { runTimeoutMs } : {}),
        ...(ms.executionExpirationMs ? { executionExpirationMs: ms.executionExpirationMs } : {}),
        workflowTaskTimeoutMs: msFromDuration(a.workflowTaskTimeout) ?? ms.workflowTaskTimeoutMs,
        identity: this.identity,
        firstExecutionRunId: ms.firstExecutionRunId,
        ...(ms.parent ? { parent: ms.parent } : {}),
        ...(msFromDuration(a.backoffStartInterval) ? { backoffMs: msFromDuration(a.backoffStartInterval)! } : {}),
        continuedFrom: { runId: ms.runId, initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW, lastCompletionResult: a.lastCompletionResult ?? null },
      },
      txn.now,
    );
    this.engine.closeRun(txn, 'continued-as-new', {
      newExecutionRunId: newRun.ms.runId,
      workflowType: { name: workflowType },
      taskQueue: { name: taskQueue, kind: 1 },
      input: a.input ?? null,
      workflowRunTimeout: durationFromMs(runTimeoutMs) ?? null,
      workflowTaskTimeout: durationFromMs(newRun.ms.workflowTaskTimeoutMs) ?? null,
      workflowTaskCompletedEventId: this.completedId,
      backoffStartInterval: a.backoffStartInterval ?? null,
      initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
      header: a.header ?? null,
      memo: a.memo ?? null,
      searchAttributes: a.searchAttributes ?? null,
    });
    ms.newExecutionRunId = newRun.ms.runId;
    // The parent learns about the chain's end only from the last run.
    ms.parent = undefined;
    txn.newRun = newRun;
  }

  /** Update protocol messages from the worker: acceptance, rejection, response. */
  applyMessage(message: ProtocolMessage): void {
    const txn = this.txn;
    const ms = txn.ms;
    const updateId = message.protocolInstanceId ?? '';
    const typeUrl = message.body?.type_url ?? '';
    const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    const value = message.body?.value ?? new Uint8Array();
    switch (typeName) {
      case UPDATE_ACCEPTANCE: {
        const admitted = ms.admittedUpdates[updateId];
        if (!admitted) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, `update ${updateId} is not admitted`);
        const acceptance = decodeByName<Plain<temporal.api.update.v1.IAcceptance>>(UPDATE_ACCEPTANCE, value);
        const event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 'workflowExecutionUpdateAcceptedEventAttributes', {
          protocolInstanceId: updateId,
          acceptedRequestMessageId: acceptance.acceptedRequestMessageId ?? `${updateId}/request`,
          acceptedRequestSequencingEventId: acceptance.acceptedRequestSequencingEventId ?? 0,
          acceptedRequest: acceptance.acceptedRequest ?? admitted.request,
        });
        delete ms.admittedUpdates[updateId];
        ms.acceptedUpdates[updateId] = Number(event.eventId);
        return;
      }
      case UPDATE_REJECTION: {
        const rejection = decodeByName<Plain<temporal.api.update.v1.IRejection>>(UPDATE_REJECTION, value);
        delete ms.admittedUpdates[updateId];
        ms.completedUpdates[updateId] = { acceptedEventId: 0, outcome: { failure: rejection.failure ?? { message: 'update rejected' } } };
        txn.dirty = true;
        return;
      }
      case UPDATE_RESPONSE: {
        const response = decodeByName<Plain<temporal.api.update.v1.IResponse>>(UPDATE_RESPONSE, value);
        const acceptedEventId = ms.acceptedUpdates[updateId];
        if (acceptedEventId === undefined) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, `update ${updateId} was not accepted`);
        txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, 'workflowExecutionUpdateCompletedEventAttributes', {
          meta: response.meta ?? { updateId },
          acceptedEventId,
          outcome: response.outcome ?? {},
        });
        delete ms.acceptedUpdates[updateId];
        ms.completedUpdates[updateId] = { acceptedEventId, outcome: response.outcome ?? {} };
        return;
      }
      default:
        throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, `unsupported protocol message ${typeUrl}`);
    }
  }
}

