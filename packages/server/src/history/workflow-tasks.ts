import { CommandType, enums, EventType, msFromDuration, timestampFromMs } from '../grpc/api.js';
import type { Command, Plain, ProtocolMessage, temporal } from '../grpc/api.js';
import { encodeByName } from '../grpc/proto.js';
import { invalidArgument, notFound } from '../grpc/rpc-error.js';
import { customAttributeTypes } from '../frontend/list-query.js';
import { BadCommand, CLOSE_COMMANDS, CommandApplier } from './command-applier.js';
import type { HistoryEngine } from './engine.js';
import { isRunning } from './engine.js';
import type { MutableState } from './mutable-state.js';
import { encodeHistoryCursor } from './history-cursor.js';
import { encodeTaskToken } from './task-token.js';
import type { TaskToken } from './task-token.js';
import type { WorkflowTxn } from './transaction.js';

type PollWorkflowTaskQueueResponse = Plain<temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse>;
type RespondWorkflowTaskCompletedRequest = Plain<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest>;
type RespondWorkflowTaskFailedRequest = Plain<temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest>;

const Cause = enums.WorkflowTaskFailedCause;
const UPDATE_REQUEST = 'temporal.api.update.v1.Request';

function pendingUpdateMessages(ms: MutableState, startedEventId: number): ProtocolMessage[] {
  return Object.values(ms.admittedUpdates).map((u) => ({
    id: `${u.updateId}/request`,
    protocolInstanceId: u.updateId,
    eventId: startedEventId - 1,
    body: { type_url: `type.googleapis.com/${UPDATE_REQUEST}`, value: encodeByName(UPDATE_REQUEST, u.request) },
  }));
}

/**
 * Marks the scheduled workflow task started for a poller and builds the poll response.
 * Undefined when the task is stale (already started, finished, or the run closed).
 */
export async function recordWorkflowTaskStarted(
  engine: HistoryEngine,
  task: { namespaceId: string; workflowId: string; runId: string; scheduledEventId: number },
  poll: { identity: string; requestId: string; fromStickyQueue: boolean },
): Promise<PollWorkflowTaskQueueResponse | undefined> {
  let started: { ms: MutableState; startedEventId: number } | undefined;
  try {
    started = await engine.mutate(task, (txn) => {
      const ms = txn.ms;
      const wt = ms.workflowTask;
      if (!isRunning(ms) || !wt || wt.scheduledEventId !== task.scheduledEventId || wt.startedEventId !== undefined) return undefined;
      const event = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 'workflowTaskStartedEventAttributes', {
        scheduledEventId: wt.scheduledEventId,
        identity: poll.identity,
        requestId: poll.requestId,
        historySizeBytes: ms.historySizeBytes,
      });
      wt.startedEventId = Number(event.eventId);
      wt.startedTimeMs = txn.now;
      wt.identity = poll.identity;
      wt.requestId = poll.requestId;
      txn.timer(txn.now + ms.workflowTaskTimeoutMs, {
        kind: 'workflow-task-timeout',
        runId: ms.runId,
        scheduledEventId: wt.scheduledEventId,
        attempt: wt.attempt,
        timeout: 'start-to-close',
      });
      return { ms, startedEventId: wt.startedEventId };
    });
  } catch (err) {
    if ((err as { code?: number }).code === 5) return undefined;
    throw err;
  }
  if (!started) return undefined;
  const { ms, startedEventId } = started;
  const wt = ms.workflowTask!;
  const partial = poll.fromStickyQueue && wt.sticky && ms.lastCompletedWorkflowTaskStartedEventId > 0;
  const from = partial ? ms.lastCompletedWorkflowTaskStartedEventId + 1 : 1;
  // Long histories go out in pages; the worker fetches the rest with GetWorkflowExecutionHistory.
  const pageEnd = Math.min(ms.nextEventId, from + engine.ctx.config.historyPageSize);
  const events = await engine.readHistory(ms, from, pageEnd);
  const token: TaskToken = {
    namespaceId: ms.namespaceId,
    workflowId: ms.workflowId,
    runId: ms.runId,
    scheduledEventId: wt.scheduledEventId,
    attempt: wt.attempt,
    kind: 'workflow',
  };
  return {
    taskToken: encodeTaskToken(token),
    workflowExecution: { workflowId: ms.workflowId, runId: ms.runId },
    workflowType: { name: ms.workflowType },
    previousStartedEventId: ms.lastCompletedWorkflowTaskStartedEventId,
    startedEventId,
    attempt: wt.attempt,
    history: { events },
    ...(pageEnd < ms.nextEventId ? { nextPageToken: encodeHistoryCursor(ms.runId, pageEnd) } : {}),
    workflowExecutionTaskQueue: { name: ms.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    scheduledTime: timestampFromMs(wt.scheduledTimeMs),
    startedTime: timestampFromMs(wt.startedTimeMs!),
    messages: pendingUpdateMessages(ms, startedEventId),
  };
}

function requireStartedTask(txn: WorkflowTxn, token: TaskToken): NonNullable<MutableState['workflowTask']> {
  const wt = txn.ms.workflowTask;
  if (!isRunning(txn.ms) || !wt || wt.scheduledEventId !== token.scheduledEventId || wt.startedEventId === undefined) {
    throw notFound('Workflow task not found.');
  }
  return wt;
}

/** Records a failed workflow task and schedules the next attempt on the normal queue. */
export function failWorkflowTask(
  txn: WorkflowTxn,
  cause: number,
  failure: Plain<temporal.api.failure.v1.IFailure> | null,
  identity: string,
  options: { countsAsAttempt?: boolean } = {},
): void {
  const ms = txn.ms;
  const wt = ms.workflowTask!;
  txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, 'workflowTaskFailedEventAttributes', {
    scheduledEventId: wt.scheduledEventId,
    startedEventId: wt.startedEventId ?? 0,
    cause,
    failure,
    identity,
  });
  ms.workflowTask = undefined;
  ms.stickyTaskQueue = undefined;
  txn.flushBuffered();
  if (options.countsAsAttempt === false) {
    txn.scheduleWorkflowTask({ attempt: wt.attempt, stickyAllowed: false });
    return;
  }
  const attempt = wt.attempt + 1;
  // The first retry is immediate; a task that keeps failing is retried with a growing pause,
  // so a deterministic failure does not spin the worker and the history.
  const delayMs = wt.attempt >= 2 ? Math.min(1000 * 2 ** (wt.attempt - 2), MAX_WORKFLOW_TASK_RETRY_DELAY_MS) : 0;
  if (delayMs > 0) txn.timer(txn.now + delayMs, { kind: 'workflow-backoff', runId: ms.runId, attempt });
  else txn.scheduleWorkflowTask({ attempt, stickyAllowed: false });
}

const MAX_WORKFLOW_TASK_RETRY_DELAY_MS = 10_000;
const UNSEEN_EVENTS = 'workflow has new events to handle before it can close';

export function respondWorkflowTaskFailed(engine: HistoryEngine, token: TaskToken, request: RespondWorkflowTaskFailedRequest): Promise<void> {
  return engine.mutate(token, (txn) => {
    requireStartedTask(txn, token);
    failWorkflowTask(txn, request.cause ?? Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED, request.failure ?? null, request.identity ?? '');
  });
}

/** Applies a completed workflow task: its commands, its update messages, and what follows. */
export async function respondWorkflowTaskCompleted(engine: HistoryEngine, token: TaskToken, request: RespondWorkflowTaskCompletedRequest): Promise<void> {
  const namespaceCache = new Map<string, string>();
  const resolveNamespaceIds = async (commands: Command[]): Promise<void> => {
    for (const c of commands) {
      const ns = c.startChildWorkflowExecutionCommandAttributes?.namespace ?? c.signalExternalWorkflowExecutionCommandAttributes?.namespace ?? c.requestCancelExternalWorkflowExecutionCommandAttributes?.namespace;
      if (ns && !namespaceCache.has(ns)) {
        try {
          namespaceCache.set(ns, (await engine.ctx.namespaces.byName(ns)).id);
        } catch {
          // An unknown namespace fails the command when it is applied.
        }
      }
    }
  };
  const commands = request.commands ?? [];
  await resolveNamespaceIds(commands);
  const knownSearchAttributes = customAttributeTypes(await engine.ctx.namespaces.byId(token.namespaceId));
  await engine.mutate(token, (txn) => {
    const ms = txn.ms;
    const wt = requireStartedTask(txn, token);
    const identity = request.identity ?? '';
    const completed = txn.addEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 'workflowTaskCompletedEventAttributes', {
      scheduledEventId: wt.scheduledEventId,
      startedEventId: wt.startedEventId!,
      identity,
      binaryChecksum: request.binaryChecksum ?? '',
      sdkMetadata: request.sdkMetadata ?? null,
      meteringMetadata: request.meteringMetadata ?? null,
      workerVersion: request.workerVersionStamp ?? null,
    });
    const completedId = Number(completed.eventId);
    ms.lastCompletedWorkflowTaskStartedEventId = wt.startedEventId!;
    ms.workflowTask = undefined;
    const sticky = request.stickyAttributes?.workerTaskQueue?.name;
    if (sticky) {
      ms.stickyTaskQueue = sticky;
      ms.stickyScheduleToStartMs = msFromDuration(request.stickyAttributes?.scheduleToStartTimeout) ?? 10_000;
    } else {
      ms.stickyTaskQueue = undefined;
    }

    const messages = new Map((request.messages ?? []).map((m) => [m.id ?? '', m]));
    const applier = new CommandApplier(engine, txn, completedId, identity, namespaceCache, knownSearchAttributes);
    try {
      // A close command cannot complete while newer events wait for the workflow to see them.
      const closes = commands.some((c) => CLOSE_COMMANDS.has(c.commandType ?? 0));
      if (closes && ms.bufferedEvents.length > 0) {
        throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, UNSEEN_EVENTS);
      }
      for (const command of commands) {
        if (!isRunning(ms)) break;
        if (command.commandType === CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE) {
          const id = command.protocolMessageCommandAttributes?.messageId ?? '';
          const message = messages.get(id);
          if (!message) throw new BadCommand(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, `protocol message ${id} not found`);
          messages.delete(id);
          applier.applyMessage(message);
          continue;
        }
        applier.apply(command);
      }
      for (const message of messages.values()) applier.applyMessage(message);
    } catch (err) {
      if (!(err instanceof BadCommand)) throw err;
      // Undo nothing already written in this transaction would be wrong; Temporal fails the task instead.
      engine.ctx.log.warn('workflow task failed by server', { workflowId: ms.workflowId, cause: err.causeCode, reason: err.message });
      throw Object.assign(new Error(err.message), { badCommand: err });
    }
    if (!isRunning(ms)) return;
    const flushed = txn.flushBuffered();
    if (flushed > 0 || request.forceCreateNewWorkflowTask || Object.keys(ms.admittedUpdates).length > 0) txn.scheduleWorkflowTask();
  }).catch(async (err: unknown) => {
    const bad = (err as { badCommand?: BadCommand }).badCommand;
    if (!bad) throw err;
    // New events the workflow has not seen yet are not the worker's fault: the task is redone at
    // once, as the same attempt, and the worker is not told it erred.
    const unseenEvents = bad.causeCode === Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND && bad.message === UNSEEN_EVENTS;
    await engine.mutate(token, (txn) => {
      requireStartedTask(txn, token);
      failWorkflowTask(txn, bad.causeCode, { message: bad.message, applicationFailureInfo: { type: 'BadCommand' } }, request.identity ?? '', {
        countsAsAttempt: !unseenEvents,
      });
    });
    if (!unseenEvents) throw invalidArgument(bad.message);
  });
}
