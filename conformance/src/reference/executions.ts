import {
  CurrentWorkflowConditionFailedError,
  NotFoundError,
  WorkflowConditionFailedError,
  WorkflowState,
  requireBlob,
  requireNonEmpty,
  requireShardId,
} from '@hourglass/core';
import type {
  AddHistoryTasksRequest,
  ConflictResolveWorkflowExecutionRequest,
  CreateWorkflowExecutionRequest,
  CurrentExecution,
  DataBlob,
  ExecutionRow,
  ExecutionStore,
  GetHistoryTasksRequest,
  HistoryTask,
  Page,
  PageRequest,
  StoredHistoryTask,
  TaskCategory,
  TaskKey,
  UpdateWorkflowExecutionRequest,
  WorkflowKey,
  WorkflowMutableState,
  WorkflowMutation,
  WorkflowSnapshot,
} from '@hourglass/core';
import { compareKeys, pageByKey } from './paging.js';
import type { SortKey } from './paging.js';
import type { MemoryShardStore } from './shards.js';

interface RunState extends Omit<WorkflowSnapshot, 'tasks' | 'activityInfos' | 'timerInfos' | 'childExecutionInfos' | 'requestCancelInfos' | 'signalInfos' | 'signalRequestedIds'> {
  activityInfos: Map<number, DataBlob>;
  timerInfos: Map<string, DataBlob>;
  childExecutionInfos: Map<number, DataBlob>;
  requestCancelInfos: Map<number, DataBlob>;
  signalInfos: Map<number, DataBlob>;
  signalRequestedIds: Set<string>;
  bufferedEvents: DataBlob[];
}

const runKey = (shardId: number, k: WorkflowKey) => JSON.stringify([shardId, k.namespaceId, k.workflowId, k.runId]);
const currentKey = (shardId: number, namespaceId: string, workflowId: string) => JSON.stringify([shardId, namespaceId, workflowId]);
const taskKeyOf = (category: TaskCategory, key: TaskKey): SortKey => (category.kind === 'immediate' ? [0, key.taskId] : [key.fireTime, key.taskId]);

function validateKey(k: WorkflowKey): void {
  requireNonEmpty(k.namespaceId, 'namespaceId');
  requireNonEmpty(k.workflowId, 'workflowId');
  requireNonEmpty(k.runId, 'runId');
}

function validateRow(row: ExecutionRow): void {
  validateKey(row);
  requireBlob(row.executionInfo, 'executionInfo');
  requireBlob(row.executionState, 'executionState');
}

function rowColumns(row: ExecutionRow): Omit<ExecutionRow, keyof WorkflowKey> {
  const { namespaceId: _n, workflowId: _w, runId: _r, ...columns } = row as ExecutionRow & Record<string, unknown>;
  return {
    executionInfo: columns.executionInfo,
    executionState: columns.executionState,
    state: columns.state,
    status: columns.status,
    nextEventId: columns.nextEventId,
    lastWriteVersion: columns.lastWriteVersion,
    startVersion: columns.startVersion,
    createRequestId: columns.createRequestId,
    dbRecordVersion: columns.dbRecordVersion,
    ...(columns.checksum === undefined ? {} : { checksum: columns.checksum }),
  };
}

function runFromSnapshot(s: WorkflowSnapshot): RunState {
  return structuredClone({
    namespaceId: s.namespaceId,
    workflowId: s.workflowId,
    runId: s.runId,
    ...rowColumns(s),
    activityInfos: new Map(s.activityInfos),
    timerInfos: new Map(s.timerInfos),
    childExecutionInfos: new Map(s.childExecutionInfos),
    requestCancelInfos: new Map(s.requestCancelInfos),
    signalInfos: new Map(s.signalInfos),
    signalRequestedIds: new Set(s.signalRequestedIds),
    bufferedEvents: [],
  });
}

function applyMutation(run: RunState, m: WorkflowMutation): RunState {
  const next: RunState = structuredClone(run);
  const columns = rowColumns(m);
  if (columns.checksum === undefined) delete (next as { checksum?: DataBlob }).checksum;
  Object.assign(next, structuredClone(columns));
  const apply = <K, V>(target: Map<K, V>, upserts: ReadonlyMap<K, V>, deletes: ReadonlySet<K>) => {
    for (const [k, v] of upserts) target.set(k, structuredClone(v));
    for (const k of deletes) target.delete(k);
  };
  apply(next.activityInfos, m.upsertActivityInfos, m.deleteActivityInfos);
  apply(next.timerInfos, m.upsertTimerInfos, m.deleteTimerInfos);
  apply(next.childExecutionInfos, m.upsertChildExecutionInfos, m.deleteChildExecutionInfos);
  apply(next.requestCancelInfos, m.upsertRequestCancelInfos, m.deleteRequestCancelInfos);
  apply(next.signalInfos, m.upsertSignalInfos, m.deleteSignalInfos);
  for (const id of m.upsertSignalRequestedIds) next.signalRequestedIds.add(id);
  for (const id of m.deleteSignalRequestedIds) next.signalRequestedIds.delete(id);
  if (m.clearBufferedEvents) next.bufferedEvents = [];
  if (m.newBufferedEvents !== undefined) next.bufferedEvents.push(structuredClone(m.newBufferedEvents));
  return next;
}

function currentOf(row: ExecutionRow): CurrentExecution {
  return { namespaceId: row.namespaceId, workflowId: row.workflowId, runId: row.runId, createRequestId: row.createRequestId, state: row.state, status: row.status, lastWriteVersion: row.lastWriteVersion, startVersion: row.startVersion };
}

/**
 * Executions, current rows and history tasks. Each write checks every condition before it
 * changes anything, which is what makes it atomic here (the process is single-threaded).
 */
export class MemoryExecutionStore implements ExecutionStore {
  private readonly runs = new Map<string, RunState>();
  private readonly current = new Map<string, CurrentExecution>();
  private readonly tasks = new Map<string, StoredHistoryTask>();

  constructor(private readonly shards: MemoryShardStore) {}

  private requireRun(shardId: number, key: WorkflowKey, expectedDbRecordVersion: number): RunState {
    const run = this.runs.get(runKey(shardId, key));
    if (run === undefined || run.dbRecordVersion !== expectedDbRecordVersion) {
      throw new WorkflowConditionFailedError(`run ${key.runId} is not at dbRecordVersion ${expectedDbRecordVersion}`, expectedDbRecordVersion, run?.dbRecordVersion);
    }
    return run;
  }

  private requireAbsent(shardId: number, key: WorkflowKey): void {
    if (this.runs.has(runKey(shardId, key))) throw new WorkflowConditionFailedError(`run ${key.runId} already exists`, 0, this.runs.get(runKey(shardId, key))!.dbRecordVersion);
  }

  private currentRow(shardId: number, key: { namespaceId: string; workflowId: string }): CurrentExecution | undefined {
    return this.current.get(currentKey(shardId, key.namespaceId, key.workflowId));
  }

  private requireCurrentIs(shardId: number, key: WorkflowKey): void {
    const row = this.currentRow(shardId, key);
    if (row?.runId !== key.runId) throw new CurrentWorkflowConditionFailedError(`run ${key.runId} is not current`, row);
  }

  private requireCurrentIsNot(shardId: number, key: WorkflowKey): void {
    const row = this.currentRow(shardId, key);
    if (row?.runId === key.runId) throw new CurrentWorkflowConditionFailedError(`run ${key.runId} is current`, row);
  }

  private setCurrent(shardId: number, row: ExecutionRow): void {
    this.current.set(currentKey(shardId, row.namespaceId, row.workflowId), currentOf(row));
  }

  private writeTasks(shardId: number, tasks: readonly HistoryTask[]): void {
    for (const t of tasks) {
      const fireTime = t.category.kind === 'immediate' ? 0 : t.fireTime;
      this.tasks.set(JSON.stringify([shardId, t.category.id, ...taskKeyOf(t.category, t)]), structuredClone({ ...t, fireTime, shardId }));
    }
  }

  async createWorkflowExecution(request: CreateWorkflowExecutionRequest): Promise<void> {
    requireShardId(request.shardId);
    validateRow(request.snapshot);
    const { shardId, snapshot } = request;
    this.shards.fence(shardId, request.rangeId);
    const row = this.currentRow(shardId, snapshot);
    if (request.mode === 'brand-new' && row !== undefined) throw new CurrentWorkflowConditionFailedError('workflow already has a current run', row);
    if (request.mode === 'update-current') {
      const closed = row !== undefined && row.state === WorkflowState.Completed;
      if (row === undefined || row.runId !== request.previousRunId || row.lastWriteVersion !== request.previousLastWriteVersion || !closed) {
        throw new CurrentWorkflowConditionFailedError('current run is not the expected closed run', row);
      }
    }
    this.requireAbsent(shardId, snapshot);
    this.runs.set(runKey(shardId, snapshot), runFromSnapshot(snapshot));
    if (request.mode !== 'bypass-current') this.setCurrent(shardId, snapshot);
    this.writeTasks(shardId, snapshot.tasks);
  }

  async updateWorkflowExecution(request: UpdateWorkflowExecutionRequest): Promise<void> {
    requireShardId(request.shardId);
    validateRow(request.mutation);
    const { shardId, mutation, newSnapshot } = request;
    this.shards.fence(shardId, request.rangeId);
    const run = this.requireRun(shardId, mutation, mutation.expectedDbRecordVersion);
    if (request.mode === 'update-current') this.requireCurrentIs(shardId, mutation);
    if (request.mode === 'bypass-current') this.requireCurrentIsNot(shardId, mutation);
    if (newSnapshot !== undefined) {
      validateRow(newSnapshot);
      this.requireAbsent(shardId, newSnapshot);
    }
    this.runs.set(runKey(shardId, mutation), applyMutation(run, mutation));
    this.writeTasks(shardId, mutation.tasks);
    if (newSnapshot !== undefined) {
      this.runs.set(runKey(shardId, newSnapshot), runFromSnapshot(newSnapshot));
      this.writeTasks(shardId, newSnapshot.tasks);
    }
    if (request.mode === 'update-current') this.setCurrent(shardId, newSnapshot ?? mutation);
  }

  async conflictResolveWorkflowExecution(request: ConflictResolveWorkflowExecutionRequest): Promise<void> {
    requireShardId(request.shardId);
    const { shardId, resetSnapshot, currentMutation, newSnapshot } = request;
    validateRow(resetSnapshot);
    this.shards.fence(shardId, request.rangeId);
    this.requireRun(shardId, resetSnapshot, resetSnapshot.expectedDbRecordVersion);
    const currentRun = currentMutation === undefined ? undefined : this.requireRun(shardId, currentMutation, currentMutation.expectedDbRecordVersion);
    if (request.mode === 'update-current') this.requireCurrentIs(shardId, currentMutation ?? resetSnapshot);
    else this.requireCurrentIsNot(shardId, resetSnapshot);
    if (newSnapshot !== undefined) this.requireAbsent(shardId, newSnapshot);
    this.runs.set(runKey(shardId, resetSnapshot), runFromSnapshot(resetSnapshot));
    this.writeTasks(shardId, resetSnapshot.tasks);
    if (currentMutation !== undefined && currentRun !== undefined) {
      this.runs.set(runKey(shardId, currentMutation), applyMutation(currentRun, currentMutation));
      this.writeTasks(shardId, currentMutation.tasks);
    }
    if (newSnapshot !== undefined) {
      this.runs.set(runKey(shardId, newSnapshot), runFromSnapshot(newSnapshot));
      this.writeTasks(shardId, newSnapshot.tasks);
    }
    if (request.mode === 'update-current') this.setCurrent(shardId, newSnapshot ?? resetSnapshot);
  }

  async getWorkflowExecution(shardId: number, key: WorkflowKey): Promise<WorkflowMutableState> {
    requireShardId(shardId);
    validateKey(key);
    const run = this.runs.get(runKey(shardId, key));
    if (run === undefined) throw new NotFoundError(`run ${key.runId} not found`);
    return structuredClone(run);
  }

  async getCurrentExecution(shardId: number, namespaceId: string, workflowId: string): Promise<CurrentExecution> {
    requireShardId(shardId);
    requireNonEmpty(namespaceId, 'namespaceId');
    requireNonEmpty(workflowId, 'workflowId');
    const row = this.current.get(currentKey(shardId, namespaceId, workflowId));
    if (row === undefined) throw new NotFoundError(`workflow ${workflowId} has no current run`);
    return { ...row };
  }

  async deleteWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void> {
    requireShardId(shardId);
    validateKey(key);
    this.runs.delete(runKey(shardId, key));
  }

  async deleteCurrentWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void> {
    requireShardId(shardId);
    validateKey(key);
    if (this.currentRow(shardId, key)?.runId === key.runId) this.current.delete(currentKey(shardId, key.namespaceId, key.workflowId));
  }

  async listConcreteExecutions(shardId: number, page: PageRequest): Promise<Page<ExecutionRow>> {
    requireShardId(shardId);
    const prefix = JSON.stringify([shardId]).slice(0, -1) + ',';
    const mine = [...this.runs.entries()].filter(([k]) => k.startsWith(prefix)).map(([, run]) => run);
    const result = pageByKey(mine, (r) => [r.namespaceId, r.workflowId, r.runId], page);
    return { ...result, items: result.items.map((r) => structuredClone({ namespaceId: r.namespaceId, workflowId: r.workflowId, runId: r.runId, ...rowColumns(r) })) };
  }

  async addHistoryTasks(request: AddHistoryTasksRequest): Promise<void> {
    requireShardId(request.shardId);
    this.shards.fence(request.shardId, request.rangeId);
    this.writeTasks(request.shardId, request.tasks);
  }

  private tasksIn(shardId: number, category: TaskCategory, min: TaskKey, max: TaskKey): StoredHistoryTask[] {
    const lo = taskKeyOf(category, min);
    const hi = taskKeyOf(category, max);
    return [...this.tasks.values()].filter((t) => {
      if (t.shardId !== shardId || t.category.id !== category.id) return false;
      const k = taskKeyOf(category, t);
      return compareKeys(k, lo) >= 0 && compareKeys(k, hi) < 0;
    });
  }

  async getHistoryTasks(request: GetHistoryTasksRequest): Promise<Page<StoredHistoryTask>> {
    requireShardId(request.shardId);
    const matching = this.tasksIn(request.shardId, request.category, request.inclusiveMin, request.exclusiveMax);
    return structuredClone(pageByKey(matching, (t) => taskKeyOf(request.category, t), request));
  }

  async completeHistoryTask(shardId: number, category: TaskCategory, key: TaskKey): Promise<void> {
    requireShardId(shardId);
    this.tasks.delete(JSON.stringify([shardId, category.id, ...taskKeyOf(category, key)]));
  }

  async rangeCompleteHistoryTasks(shardId: number, category: TaskCategory, inclusiveMin: TaskKey, exclusiveMax: TaskKey): Promise<void> {
    requireShardId(shardId);
    for (const t of this.tasksIn(shardId, category, inclusiveMin, exclusiveMax)) this.tasks.delete(JSON.stringify([shardId, category.id, ...taskKeyOf(category, t)]));
  }
}
