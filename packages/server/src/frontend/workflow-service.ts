import { randomUUID } from 'node:crypto';
import type proto from '@temporalio/proto';
import { WorkflowExecutionStatus, workflowExecutionStatusNames } from '@hourglass/core';
import { enums, msFromDuration, timestampFromMs } from '../grpc/api.js';
import type { HistoryEvent, Plain, temporal } from '../grpc/api.js';
import { invalidArgument, notFound, RpcError, toRpcError, unimplemented } from '../grpc/rpc-error.js';
import { encodeByName } from '../grpc/proto.js';
import type { CallContext, UnaryHandler } from '../grpc/service-definition.js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { recordActivityTaskStarted, recordHeartbeat, respondActivityCanceled, respondActivityCompleted, respondActivityFailed } from '../history/activities.js';
import type { HistoryEngine } from '../history/engine.js';
import { isRunning, requireWorkflowId } from '../history/engine.js';
import type { MutableState } from '../history/mutable-state.js';
import type { TaskExecutor } from '../history/task-executor.js';
import type { DispatchedTask } from '../matching/matching-engine.js';
import { decodeTaskToken, encodeTaskToken } from '../history/task-token.js';
import type { TaskToken } from '../history/task-token.js';
import { recordWorkflowTaskStarted, respondWorkflowTaskCompleted, respondWorkflowTaskFailed } from '../history/workflow-tasks.js';
import type { Namespace, NamespaceRegistry } from './namespace-registry.js';
import type { QueryRegistry } from './queries.js';
import { decodeHistoryCursor, encodeHistoryCursor } from '../history/history-cursor.js';
import { describe, executionInfo } from './execution-info.js';
import { countFilterFor, customAttributeTypes, visibilityFilterFor } from './list-query.js';
import { unknownSearchAttributes } from '../history/search-attributes.js';

type WS = typeof proto.temporal.api.workflowservice.v1;
/** The decoded request message of a workflow service method, e.g. Request<'StartWorkflowExecutionRequest'>. */
type Request<N extends keyof WS> = WS[N] extends { decode(...args: never[]): infer I } ? Plain<Omit<I, 'toJSON'>> : never;

const Stage = enums.UpdateWorkflowExecutionLifecycleStage;
/** Answer a long poll this long before the caller's deadline, so the empty reply still arrives in time. */
const DEADLINE_MARGIN_MS = 1000;

function pollTimeout(ctx: CallContext, configured: number): number {
  const deadline = ctx.deadlineMs;
  if (deadline === undefined) return configured;
  return Math.max(0, Math.min(configured, deadline - Date.now() - DEADLINE_MARGIN_MS));
}

function requireTaskQueue(name: string | null | undefined): string {
  if (!name) throw invalidArgument('TaskQueue is not set on request.');
  return name;
}

export interface WorkflowServiceDeps {
  readonly engine: HistoryEngine;
  readonly namespaces: NamespaceRegistry;
  readonly queries: QueryRegistry;
  readonly executor: TaskExecutor;
}

/** The WorkflowService's workflow RPCs, translated onto the history engine and matching. */
export function workflowHandlers(deps: WorkflowServiceDeps): Record<string, UnaryHandler> {
  const { engine, namespaces, queries } = deps;
  const ctx = engine.ctx;
  const longPollMs = (): number => ctx.config.longPollTimeoutMs;

  const startOptions = (ns: Namespace, r: Request<'StartWorkflowExecutionRequest'> | Request<'SignalWithStartWorkflowExecutionRequest'>) => {
    if (!r.workflowType?.name) throw invalidArgument('WorkflowType is not set on request.');
    if (r.cronSchedule) throw invalidArgument('cron schedules are not supported by this server');
    const unknown = unknownSearchAttributes(r.searchAttributes?.indexedFields, customAttributeTypes(ns));
    if (unknown) throw invalidArgument(`search attribute ${unknown.join(', ')} is not defined in namespace ${ns.name}`);
    for (const [name, d] of [
      ['WorkflowExecutionTimeout', r.workflowExecutionTimeout],
      ['WorkflowRunTimeout', r.workflowRunTimeout],
      ['WorkflowTaskTimeout', r.workflowTaskTimeout],
      ['WorkflowStartDelay', r.workflowStartDelay],
    ] as const) {
      if (d && ((d.seconds ?? 0) < 0 || (d.nanos ?? 0) < 0)) throw invalidArgument(`Invalid ${name}: it must not be negative.`);
    }
    if (r.taskQueue?.name && r.taskQueue.name.length > 1000) throw invalidArgument('TaskQueue length exceeds limit.');
    if (r.workflowType.name.length > 1000) throw invalidArgument('WorkflowType length exceeds limit.');
    const executionTimeoutMs = msFromDuration(r.workflowExecutionTimeout);
    const runTimeoutMs = msFromDuration(r.workflowRunTimeout) ?? executionTimeoutMs;
    return {
      workflowId: requireWorkflowId(r.workflowId),
      requestId: r.requestId || randomUUID(),
      workflowType: r.workflowType.name,
      taskQueue: requireTaskQueue(r.taskQueue?.name),
      input: r.input ?? null,
      header: r.header ?? null,
      memo: r.memo ?? null,
      searchAttributes: r.searchAttributes ?? null,
      retryPolicy: r.retryPolicy ?? null,
      ...(executionTimeoutMs ? { executionTimeoutMs } : {}),
      ...(runTimeoutMs ? { runTimeoutMs } : {}),
      workflowTaskTimeoutMs: msFromDuration(r.workflowTaskTimeout) ?? ctx.config.defaultWorkflowTaskTimeoutMs,
      identity: r.identity ?? '',
      reusePolicy: r.workflowIdReusePolicy ?? 0,
      conflictPolicy: r.workflowIdConflictPolicy ?? 0,
      ...(msFromDuration(r.workflowStartDelay) ? { backoffMs: msFromDuration(r.workflowStartDelay)! } : {}),
    };
  };

  const loadRun = async (ns: Namespace, execution: Plain<temporal.api.common.v1.IWorkflowExecution> | null | undefined): Promise<MutableState> => {
    const workflowId = requireWorkflowId(execution?.workflowId);
    return engine.repo.load(ns.id, workflowId, execution?.runId || undefined);
  };

  const handlers: Record<string, (request: never, call: CallContext) => Promise<object>> = {
    async StartWorkflowExecution(r: Request<'StartWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const { runId, started } = await engine.startWorkflow(ns.id, ns.name, startOptions(ns, r));
      return { runId, started };
    },

    async SignalWithStartWorkflowExecution(r: Request<'SignalWithStartWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      if (!r.signalName) throw invalidArgument('SignalName is not set on request.');
      const { runId, started } = await engine.startWorkflow(ns.id, ns.name, {
        ...startOptions(ns, r),
        conflictPolicy: r.workflowIdConflictPolicy || enums.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
        signal: { name: r.signalName, input: r.signalInput ?? null, header: r.header ?? null, identity: r.identity ?? '' },
      });
      return { runId, started };
    },

    /** Update-with-start: exactly [StartWorkflow, UpdateWorkflow] on one workflow id. */
    async ExecuteMultiOperation(r: Request<'ExecuteMultiOperationRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      const [first, second, ...more] = r.operations ?? [];
      const start = first?.startWorkflow;
      const update = second?.updateWorkflow;
      if (!start || !update || more.length > 0) throw invalidArgument('ExecuteMultiOperation supports exactly two operations: StartWorkflow, then UpdateWorkflow');
      if (start.workflowId !== update.workflowExecution?.workflowId) throw invalidArgument('the start and update operations must target the same workflow id');
      if (update.workflowExecution?.runId) throw invalidArgument('the update operation must not name a run id');
      if (start.workflowIdConflictPolicy === enums.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
        throw invalidArgument('update-with-start does not support the TERMINATE_EXISTING conflict policy');
      }
      let startResponse: object;
      try {
        startResponse = await handlers['StartWorkflowExecution']!({ ...start, namespace: ns.name } as never, call);
      } catch (err) {
        throw multiOperationFailure(err, 0);
      }
      try {
        const updateResponse = await handlers['UpdateWorkflowExecution']!({ ...update, namespace: ns.name } as never, call);
        return { responses: [{ startWorkflow: startResponse }, { updateWorkflow: updateResponse }] };
      } catch (err) {
        throw multiOperationFailure(err, 1);
      }
    },

    async SignalWorkflowExecution(r: Request<'SignalWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      if (!r.signalName) throw invalidArgument('SignalName is not set on request.');
      const workflowId = requireWorkflowId(r.workflowExecution?.workflowId);
      await engine.mutate({ namespaceId: ns.id, workflowId, runId: r.workflowExecution?.runId ?? null }, (txn) =>
        engine.applySignal(txn, { name: r.signalName!, input: r.input ?? null, header: r.header ?? null, identity: r.identity ?? '', requestId: r.requestId ?? null }),
      );
      return {};
    },

    async RequestCancelWorkflowExecution(r: Request<'RequestCancelWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const workflowId = requireWorkflowId(r.workflowExecution?.workflowId);
      await engine.requestCancel({ namespaceId: ns.id, workflowId, runId: r.workflowExecution?.runId ?? null }, r.identity ?? '', r.reason ?? '');
      return {};
    },

    async TerminateWorkflowExecution(r: Request<'TerminateWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const workflowId = requireWorkflowId(r.workflowExecution?.workflowId);
      await engine.terminate({ namespaceId: ns.id, workflowId, runId: r.workflowExecution?.runId ?? null }, r.reason ?? '', r.details ?? null, r.identity ?? '');
      return {};
    },

    async PollWorkflowTaskQueue(r: Request<'PollWorkflowTaskQueueRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      const queue = requireTaskQueue(r.taskQueue?.name);
      const fromStickyQueue = r.taskQueue?.kind === enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY;
      const until = Date.now() + pollTimeout(call, longPollMs());
      while (!call.signal.aborted) {
        const remaining = until - Date.now();
        if (remaining <= 0) break;
        const delivery = await ctx.matching.poll(ns.id, queue, 'workflow', remaining, call.signal, r.identity ?? '');
        if (!delivery) break;
        try {
          const task = delivery.data;
          if (task.queryId) {
            const pending = queries.get(task.queryId);
            if (!pending) continue;
            const ms = await engine.repo.load(task.namespaceId, task.workflowId, task.runId);
            const history = await engine.readHistory(ms, 1, ms.nextEventId);
            return {
              taskToken: encodeTaskToken({ ...task, kind: 'query', queryId: task.queryId }),
              workflowExecution: { workflowId: ms.workflowId, runId: ms.runId },
              workflowType: { name: ms.workflowType },
              previousStartedEventId: ms.lastCompletedWorkflowTaskStartedEventId,
              startedEventId: ms.lastCompletedWorkflowTaskStartedEventId,
              history: { events: history },
              query: pending.query,
              workflowExecutionTaskQueue: { name: ms.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            };
          }
          const response = await recordWorkflowTaskStarted(engine, task, { identity: r.identity ?? '', requestId: randomUUID(), fromStickyQueue }).catch(
            (err: unknown) => requeue(ns.id, queue, 'workflow', task, err),
          );
          if (response) return { ...response, backlogCountHint: ctx.matching.backlogSize(ns.id, queue, 'workflow') };
        } finally {
          delivery.done();
        }
      }
      return {};
    },

    async RespondWorkflowTaskCompleted(r: Request<'RespondWorkflowTaskCompletedRequest'>) {
      const token = decodeTaskToken(r.taskToken, 'workflow');
      await respondWorkflowTaskCompleted(engine, token, r);
      return {};
    },

    async RespondWorkflowTaskFailed(r: Request<'RespondWorkflowTaskFailedRequest'>) {
      const token = decodeTaskToken(r.taskToken, 'workflow');
      await respondWorkflowTaskFailed(engine, token, r);
      return {};
    },

    async RespondQueryTaskCompleted(r: Request<'RespondQueryTaskCompletedRequest'>) {
      const token = decodeTaskToken(r.taskToken, 'query');
      if (!queries.answer(token.queryId ?? '', r)) throw notFound('query not found or already timed out');
      return {};
    },

    async PollActivityTaskQueue(r: Request<'PollActivityTaskQueueRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      const queue = requireTaskQueue(r.taskQueue?.name);
      const until = Date.now() + pollTimeout(call, longPollMs());
      while (!call.signal.aborted) {
        const remaining = until - Date.now();
        if (remaining <= 0) break;
        const delivery = await ctx.matching.poll(ns.id, queue, 'activity', remaining, call.signal, r.identity ?? '');
        if (!delivery) break;
        try {
          const response = await recordActivityTaskStarted(engine, delivery.data, { identity: r.identity ?? '', requestId: randomUUID() }).catch(
            (err: unknown) => requeue(ns.id, queue, 'activity', delivery.data, err),
          );
          if (response) return response;
        } finally {
          delivery.done();
        }
      }
      return {};
    },

    async RespondActivityTaskCompleted(r: Request<'RespondActivityTaskCompletedRequest'>) {
      await respondActivityCompleted(engine, decodeTaskToken(r.taskToken, 'activity'), r.result, r.identity ?? '');
      return {};
    },

    async RespondActivityTaskFailed(r: Request<'RespondActivityTaskFailedRequest'>) {
      await respondActivityFailed(engine, decodeTaskToken(r.taskToken, 'activity'), r.failure, r.identity ?? '', r.lastHeartbeatDetails);
      return {};
    },

    async RespondActivityTaskCanceled(r: Request<'RespondActivityTaskCanceledRequest'>) {
      await respondActivityCanceled(engine, decodeTaskToken(r.taskToken, 'activity'), r.details, r.identity ?? '');
      return {};
    },

    async RecordActivityTaskHeartbeat(r: Request<'RecordActivityTaskHeartbeatRequest'>) {
      return recordHeartbeat(engine, decodeTaskToken(r.taskToken, 'activity'), r.details);
    },

    async RespondActivityTaskCompletedById(r: Request<'RespondActivityTaskCompletedByIdRequest'>) {
      await respondActivityCompleted(engine, await tokenById(r), r.result, r.identity ?? '');
      return {};
    },

    async RespondActivityTaskFailedById(r: Request<'RespondActivityTaskFailedByIdRequest'>) {
      await respondActivityFailed(engine, await tokenById(r), r.failure, r.identity ?? '', r.lastHeartbeatDetails);
      return {};
    },

    async RespondActivityTaskCanceledById(r: Request<'RespondActivityTaskCanceledByIdRequest'>) {
      await respondActivityCanceled(engine, await tokenById(r), r.details, r.identity ?? '');
      return {};
    },

    async RecordActivityTaskHeartbeatById(r: Request<'RecordActivityTaskHeartbeatByIdRequest'>) {
      return recordHeartbeat(engine, await tokenById(r), r.details);
    },

    async ResetStickyTaskQueue(r: Request<'ResetStickyTaskQueueRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const workflowId = requireWorkflowId(r.execution?.workflowId);
      await engine.mutate({ namespaceId: ns.id, workflowId, runId: r.execution?.runId ?? null }, (txn) => {
        if (txn.ms.stickyTaskQueue === undefined) return;
        txn.ms.stickyTaskQueue = undefined;
        txn.dirty = true;
      });
      return {};
    },

    async GetWorkflowExecutionHistoryReverse(r: Request<'GetWorkflowExecutionHistoryReverseRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      let ms = await loadRun(ns, r.execution);
      let before = ms.nextEventId;
      if (r.nextPageToken && r.nextPageToken.byteLength > 0) {
        const cursor = decodeHistoryCursor(r.nextPageToken);
        if (cursor.runId !== ms.runId) ms = await engine.repo.load(ns.id, ms.workflowId, cursor.runId);
        before = cursor.next;
      }
      const pageSize = r.maximumPageSize && r.maximumPageSize > 0 ? r.maximumPageSize : ctx.config.historyPageSize;
      const from = Math.max(1, before - pageSize);
      const events = (await engine.readHistory(ms, from, before)).reverse();
      return { history: { events }, ...(from > 1 ? { nextPageToken: encodeHistoryCursor(ms.runId, from) } : {}) };
    },

    async DescribeTaskQueue(r: Request<'DescribeTaskQueueRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const queue = requireTaskQueue(r.taskQueue?.name);
      const kind = r.taskQueueType === enums.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY ? 'activity' : 'workflow';
      const pollers = ctx.matching.pollers(ns.id, queue, kind).map((p) => ({ identity: p.identity, lastAccessTime: timestampFromMs(p.lastAccessMs), ratePerSecond: 0 }));
      return { pollers };
    },

    async DeleteWorkflowExecution(r: Request<'DeleteWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const workflowId = requireWorkflowId(r.workflowExecution?.workflowId);
      const ms = await engine.repo.load(ns.id, workflowId, r.workflowExecution?.runId || undefined);
      if (isRunning(ms)) await engine.terminate({ namespaceId: ns.id, workflowId, runId: ms.runId }, 'deleted', null, 'history-service');
      await engine.deleteRun(ms);
      return {};
    },

    async GetWorkflowExecutionHistory(r: Request<'GetWorkflowExecutionHistoryRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      let ms = await loadRun(ns, r.execution);
      const closeOnly = r.historyEventFilterType === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
      let from = 1;
      if (r.nextPageToken && r.nextPageToken.byteLength > 0) {
        const cursor = decodeHistoryCursor(r.nextPageToken);
        if (cursor.runId !== ms.runId) ms = await engine.repo.load(ns.id, ms.workflowId, cursor.runId);
        from = cursor.next;
      }
      const until = Date.now() + pollTimeout(call, longPollMs());
      for (;;) {
        const ready = closeOnly ? !isRunning(ms) : ms.nextEventId > from || !isRunning(ms);
        if (ready || !r.waitNewEvent || Date.now() >= until || call.signal.aborted) break;
        await engine.waitForChange(ms, until - Date.now(), call.signal);
        ms = await engine.repo.load(ns.id, ms.workflowId, ms.runId);
      }
      if (closeOnly) {
        if (isRunning(ms)) return { history: { events: [] }, nextPageToken: encodeHistoryCursor(ms.runId, from) };
        return { history: { events: [await engine.closeEvent(ms)] } };
      }
      const pageSize = r.maximumPageSize && r.maximumPageSize > 0 ? r.maximumPageSize : ctx.config.historyPageSize;
      const to = Math.min(ms.nextEventId, from + pageSize);
      const events: HistoryEvent[] = await engine.readHistory(ms, from, to);
      const more = to < ms.nextEventId || (r.waitNewEvent && isRunning(ms));
      return { history: { events }, ...(more ? { nextPageToken: encodeHistoryCursor(ms.runId, to) } : {}) };
    },

    async DescribeWorkflowExecution(r: Request<'DescribeWorkflowExecutionRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const ms = await loadRun(ns, r.execution);
      return describe(ms);
    },

    async QueryWorkflow(r: Request<'QueryWorkflowRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      if (!r.query?.queryType) throw invalidArgument('QueryType is not set on request.');
      let ms = await loadRun(ns, r.execution);
      const reject = r.queryRejectCondition ?? 0;
      if (reject === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN && !isRunning(ms)) return { queryRejected: { status: ms.status } };
      if (
        reject === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
        !isRunning(ms) &&
        ms.status !== WorkflowExecutionStatus.Completed
      ) {
        return { queryRejected: { status: ms.status } };
      }
      const until = Date.now() + pollTimeout(call, longPollMs());
      // A query needs a workflow that has run at least one task; wait briefly for the first one.
      while (isRunning(ms) && ms.lastCompletedWorkflowTaskStartedEventId === 0 && Date.now() < until && !call.signal.aborted) {
        await engine.waitForChange(ms, until - Date.now(), call.signal);
        ms = await engine.repo.load(ns.id, ms.workflowId, ms.runId);
      }
      if (ms.lastCompletedWorkflowTaskStartedEventId === 0) throw new RpcError(GrpcStatus.FAILED_PRECONDITION, 'workflow has not completed its first workflow task yet');
      const pending = queries.create({ queryType: r.query.queryType, queryArgs: r.query.queryArgs ?? null, header: r.query.header ?? null });
      const withdraw = ctx.matching.addQueryTask(ns.id, ms.taskQueue, {
        namespaceId: ns.id,
        workflowId: ms.workflowId,
        runId: ms.runId,
        scheduledEventId: 0,
        attempt: 0,
        queryId: pending.id,
      });
      const timeout = new Promise<undefined>((resolve) => {
        const t = setTimeout(() => resolve(undefined), Math.max(0, until - Date.now()));
        call.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve(undefined);
        });
      });
      const answer = await Promise.race([pending.answer, timeout]);
      if (!answer) {
        withdraw();
        queries.drop(pending.id);
        throw new RpcError(GrpcStatus.DEADLINE_EXCEEDED, 'query timed out: no worker answered');
      }
      if (answer.completedType === enums.QueryResultType.QUERY_RESULT_TYPE_FAILED) {
        throw new RpcError(GrpcStatus.INVALID_ARGUMENT, answer.errorMessage || answer.failure?.message || 'query failed', {
          typeName: 'temporal.api.errordetails.v1.QueryFailedFailure',
          value: { failure: answer.failure ?? { message: answer.errorMessage ?? '' } },
        });
      }
      return { queryResult: answer.queryResult ?? null };
    },

    async UpdateWorkflowExecution(r: Request<'UpdateWorkflowExecutionRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      const workflowId = requireWorkflowId(r.workflowExecution?.workflowId);
      const updateId = r.request?.meta?.updateId || randomUUID();
      const name = r.request?.input?.name;
      if (!name) throw invalidArgument('Update name is not set on request.');
      const runId = await engine.mutate({ namespaceId: ns.id, workflowId, runId: r.workflowExecution?.runId ?? null }, (txn) => {
        const ms = txn.ms;
        if (ms.completedUpdates[updateId] || ms.acceptedUpdates[updateId] !== undefined || ms.admittedUpdates[updateId]) return ms.runId;
        if (!isRunning(ms)) throw notFound('workflow execution already completed');
        ms.admittedUpdates[updateId] = {
          updateId,
          request: {
            meta: { updateId, identity: r.request?.meta?.identity ?? '' },
            input: { name, args: r.request?.input?.args ?? null, header: r.request?.input?.header ?? null },
          },
        };
        txn.dirty = true;
        txn.scheduleWorkflowTask();
        return ms.runId;
      });
      return waitForUpdate(ns, workflowId, runId, updateId, r.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED, call);
    },

    async PollWorkflowExecutionUpdate(r: Request<'PollWorkflowExecutionUpdateRequest'>, call: CallContext) {
      const ns = await namespaces.byName(r.namespace);
      const workflowId = requireWorkflowId(r.updateRef?.workflowExecution?.workflowId);
      const updateId = r.updateRef?.updateId;
      if (!updateId) throw invalidArgument('UpdateId is not set on request.');
      const ms = await engine.repo.load(ns.id, workflowId, r.updateRef?.workflowExecution?.runId || undefined);
      return waitForUpdate(ns, workflowId, ms.runId, updateId, r.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, call);
    },

    async ListWorkflowExecutions(r: Request<'ListWorkflowExecutionsRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const store = requireVisibility();
      const page = await store.listWorkflowExecutions({
        namespaceId: ns.id,
        filter: visibilityFilterFor(r.query ?? '', ns),
        pageSize: r.pageSize && r.pageSize > 0 ? r.pageSize : 100,
        ...(r.nextPageToken && r.nextPageToken.byteLength > 0 ? { nextPageToken: r.nextPageToken } : {}),
      });
      return { executions: page.items.map((record) => executionInfo(record, ns)), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    async ScanWorkflowExecutions(r: Request<'ScanWorkflowExecutionsRequest'>, call: CallContext) {
      return handlers['ListWorkflowExecutions']!(r as never, call);
    },

    async CountWorkflowExecutions(r: Request<'CountWorkflowExecutionsRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      const store = requireVisibility();
      const { filter, groupByStatus } = countFilterFor(r.query ?? '', ns);
      const result = await store.countWorkflowExecutions({ namespaceId: ns.id, filter, groupByStatus });
      if (!groupByStatus) return { count: result.count };
      const encoder = new TextEncoder();
      return {
        count: result.count,
        groups: (result.groups ?? []).map((g) => ({
          groupValues: [{ metadata: { encoding: encoder.encode('json/plain') }, data: encoder.encode(JSON.stringify(workflowExecutionStatusNames[g.status])) }],
          count: g.count,
        })),
      };
    },

    async ShutdownWorker(r: Request<'ShutdownWorkerRequest'>) {
      const ns = await namespaces.byName(r.namespace);
      if (r.stickyTaskQueue) {
        for (const task of await ctx.matching.retireStickyQueue(ns.id, r.stickyTaskQueue)) {
          await deps.executor.redirectStickyTask(task);
        }
      }
      return {};
    },
  };

  /** The task token of an activity's current attempt, found by workflow and activity id. */
  async function tokenById(r: { namespace?: string | null; workflowId?: string | null; runId?: string | null; activityId?: string | null }): Promise<TaskToken> {
    const ns = await namespaces.byName(r.namespace);
    const workflowId = requireWorkflowId(r.workflowId);
    if (!r.activityId) throw invalidArgument('ActivityId is not set on request.');
    const ms = await engine.repo.load(ns.id, workflowId, r.runId || undefined);
    const activity = Object.values(ms.activities).find((a) => a.activityId === r.activityId);
    if (!activity) throw notFound(`activity ${r.activityId} not found`);
    return { namespaceId: ns.id, workflowId, runId: ms.runId, scheduledEventId: activity.scheduledEventId, attempt: activity.attempt, kind: 'activity' };
  }

  /**
   * A task whose start could not be recorded (the store failed) goes back to matching, so it is
   * not lost with this poll; then the poll fails with the original error.
   */
  async function requeue(namespaceId: string, queue: string, kind: 'workflow' | 'activity', task: DispatchedTask, err: unknown): Promise<never> {
    await ctx.matching.addTask(namespaceId, queue, kind, task).catch((requeueErr: unknown) => {
      ctx.log.error('could not requeue a task after a failed start; the task is lost', { workflowId: task.workflowId, error: requeueErr });
    });
    throw err;
  }

  function requireVisibility(): NonNullable<typeof ctx.visibility> {
    if (!ctx.visibility) throw unimplemented('this server has no visibility store');
    return ctx.visibility;
  }

  async function waitForUpdate(ns: Namespace, workflowId: string, runId: string, updateId: string, stage: number, call: CallContext): Promise<object> {
    const until = Date.now() + pollTimeout(call, longPollMs());
    const ref = { workflowExecution: { workflowId, runId }, updateId };
    for (;;) {
      const ms = await engine.repo.load(ns.id, workflowId, runId);
      const completed = ms.completedUpdates[updateId];
      if (completed) return { updateRef: ref, outcome: completed.outcome, stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED };
      if (!isRunning(ms)) throw notFound('workflow execution already completed');
      const accepted = ms.acceptedUpdates[updateId] !== undefined;
      if (accepted && stage <= Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED) {
        return { updateRef: ref, stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED };
      }
      if (!accepted && !ms.admittedUpdates[updateId]) throw notFound(`update ${updateId} not found`);
      if (Date.now() >= until || call.signal.aborted) {
        return { updateRef: ref, stage: accepted ? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED : Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED };
      }
      await engine.waitForChange(ms, until - Date.now(), call.signal);
    }
  }

  return handlers as Record<string, UnaryHandler>;
}

/**
 * The error of one operation of a multi-operation, in Temporal's MultiOperationExecutionFailure
 * shape: the failed operation carries the real status, the others are marked aborted.
 */
function multiOperationFailure(err: unknown, failedIndex: number): RpcError {
  const cause = toRpcError(err);
  const aborted = { type_url: 'type.googleapis.com/temporal.api.failure.v1.MultiOperationExecutionAborted', value: new Uint8Array() };
  const statuses = [0, 1].map((i) =>
    i === failedIndex
      ? {
          code: cause.code,
          message: cause.message,
          details: cause.details ? [{ type_url: `type.googleapis.com/${cause.details.typeName}`, value: encodeByName(cause.details.typeName, cause.details.value) }] : [],
        }
      : { code: GrpcStatus.ABORTED, message: 'Operation was aborted.', details: [aborted] },
  );
  return new RpcError(cause.code, `MultiOperation could not be executed: ${cause.message}`, {
    typeName: 'temporal.api.errordetails.v1.MultiOperationExecutionFailure',
    value: { statuses },
  });
}
