import type { DataBlob } from '../blob.js';
import type { WorkflowExecutionStatus, WorkflowState } from '../enums.js';
import type { CurrentRunSnapshot } from '../errors.js';
import type { Page, PageRequest } from '../page-token.js';
import type { TaskCategory } from '../task-category.js';
import type { EpochMicros } from '../time.js';

export interface WorkflowKey {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
}

/**
 * The columns of an execution row that conditions and scans need. Everything else lives in
 * the opaque `executionInfo` / `executionState` blobs.
 */
export interface ExecutionRow extends WorkflowKey {
  readonly executionInfo: DataBlob;
  readonly executionState: DataBlob;
  readonly state: WorkflowState;
  readonly status: WorkflowExecutionStatus;
  readonly nextEventId: number;
  readonly lastWriteVersion: number;
  readonly startVersion: number;
  /** Request id that created this run; copied to the current row when the run becomes current. */
  readonly createRequestId: string;
  readonly dbRecordVersion: number;
  readonly checksum?: DataBlob;
}

/** A history task, written in the same atomic write as the state that produced it. */
export interface HistoryTask {
  readonly category: TaskCategory;
  readonly taskId: number;
  /** Fire time for scheduled categories; ignored (stored as 0) for immediate ones. */
  readonly fireTime: EpochMicros;
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly data: DataBlob;
}

/** The complete state of one run, as written by create, conflict-resolve (reset) and read back. */
export interface WorkflowSnapshot extends ExecutionRow {
  readonly activityInfos: ReadonlyMap<number, DataBlob>;
  readonly timerInfos: ReadonlyMap<string, DataBlob>;
  readonly childExecutionInfos: ReadonlyMap<number, DataBlob>;
  readonly requestCancelInfos: ReadonlyMap<number, DataBlob>;
  readonly signalInfos: ReadonlyMap<number, DataBlob>;
  readonly signalRequestedIds: ReadonlySet<string>;
  readonly tasks: readonly HistoryTask[];
}

/** The state read back from the store: the snapshot plus any buffered events, oldest first. */
export interface WorkflowMutableState extends Omit<WorkflowSnapshot, 'tasks'> {
  readonly bufferedEvents: readonly DataBlob[];
}

/** An incremental change to one run, conditioned on the row's dbRecordVersion. */
export interface WorkflowMutation extends ExecutionRow {
  /** The version the caller last read; the write fails with WorkflowConditionFailedError otherwise. */
  readonly expectedDbRecordVersion: number;
  readonly upsertActivityInfos: ReadonlyMap<number, DataBlob>;
  readonly deleteActivityInfos: ReadonlySet<number>;
  readonly upsertTimerInfos: ReadonlyMap<string, DataBlob>;
  readonly deleteTimerInfos: ReadonlySet<string>;
  readonly upsertChildExecutionInfos: ReadonlyMap<number, DataBlob>;
  readonly deleteChildExecutionInfos: ReadonlySet<number>;
  readonly upsertRequestCancelInfos: ReadonlyMap<number, DataBlob>;
  readonly deleteRequestCancelInfos: ReadonlySet<number>;
  readonly upsertSignalInfos: ReadonlyMap<number, DataBlob>;
  readonly deleteSignalInfos: ReadonlySet<number>;
  readonly upsertSignalRequestedIds: ReadonlySet<string>;
  readonly deleteSignalRequestedIds: ReadonlySet<string>;
  /** Appended after the existing buffered events. */
  readonly newBufferedEvents?: DataBlob;
  /** Drops every buffered event (applied before `newBufferedEvents`). */
  readonly clearBufferedEvents: boolean;
  readonly tasks: readonly HistoryTask[];
}

/**
 * How a create treats the current-run row of the workflow id:
 * - brand-new: no current row may exist;
 * - update-current: the current row must point at `previousRunId` with `previousLastWriteVersion`,
 *   and that run must be closed; the row then points at the new run;
 * - bypass-current: the current row is neither checked nor touched (e.g. a zombie run).
 */
export type CreateWorkflowMode = 'brand-new' | 'update-current' | 'bypass-current';

export interface CreateWorkflowExecutionRequest {
  readonly shardId: number;
  readonly rangeId: number;
  readonly mode: CreateWorkflowMode;
  readonly previousRunId?: string;
  readonly previousLastWriteVersion?: number;
  readonly snapshot: WorkflowSnapshot;
}

/**
 * How an update treats the current-run row:
 * - update-current: the row must point at the mutated run; it then points at `newSnapshot` if
 *   given (continue-as-new), or is refreshed from the mutation;
 * - bypass-current: the mutated run must NOT be current; the row is left alone;
 * - ignore-current: neither checked nor touched.
 */
export type UpdateWorkflowMode = 'update-current' | 'bypass-current' | 'ignore-current';

export interface UpdateWorkflowExecutionRequest {
  readonly shardId: number;
  readonly rangeId: number;
  readonly mode: UpdateWorkflowMode;
  readonly mutation: WorkflowMutation;
  /** A new run created in the same write, e.g. by continue-as-new. */
  readonly newSnapshot?: WorkflowSnapshot;
}

export type ConflictResolveWorkflowMode = 'update-current' | 'bypass-current';

export interface ConflictResolveWorkflowExecutionRequest {
  readonly shardId: number;
  readonly rangeId: number;
  readonly mode: ConflictResolveWorkflowMode;
  /** Replaces the run's whole state (sub-records included), conditioned on its dbRecordVersion. */
  readonly resetSnapshot: WorkflowSnapshot & { readonly expectedDbRecordVersion: number };
  readonly newSnapshot?: WorkflowSnapshot;
  /** The run that is current now, when it is not the reset run (it gets closed in the same write). */
  readonly currentMutation?: WorkflowMutation;
}

export interface CurrentExecution extends CurrentRunSnapshot {
  readonly namespaceId: string;
  readonly workflowId: string;
}

export interface TaskKey {
  readonly fireTime: EpochMicros;
  readonly taskId: number;
}

export interface GetHistoryTasksRequest extends PageRequest {
  readonly shardId: number;
  readonly category: TaskCategory;
  /** Immediate categories compare task ids only (fireTime ignored); scheduled ones compare (fireTime, taskId). */
  readonly inclusiveMin: TaskKey;
  readonly exclusiveMax: TaskKey;
}

export interface StoredHistoryTask extends HistoryTask {
  readonly shardId: number;
}

export interface AddHistoryTasksRequest {
  readonly shardId: number;
  readonly rangeId: number;
  readonly tasks: readonly HistoryTask[];
}

export interface ExecutionStore {
  /**
   * Fenced by the shard rangeId (ShardOwnershipLostError). Mode failures raise
   * CurrentWorkflowConditionFailedError carrying the current run; an existing row for the
   * same run id raises WorkflowConditionFailedError.
   */
  createWorkflowExecution(request: CreateWorkflowExecutionRequest): Promise<void>;
  updateWorkflowExecution(request: UpdateWorkflowExecutionRequest): Promise<void>;
  conflictResolveWorkflowExecution(request: ConflictResolveWorkflowExecutionRequest): Promise<void>;

  /** NotFoundError when the run does not exist. */
  getWorkflowExecution(shardId: number, key: WorkflowKey): Promise<WorkflowMutableState>;
  /** NotFoundError when the workflow id has no current run. */
  getCurrentExecution(shardId: number, namespaceId: string, workflowId: string): Promise<CurrentExecution>;
  /** Removes the run and all its sub-records. Idempotent. */
  deleteWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void>;
  /** Removes the current row only if it still points at `key.runId`. Idempotent. */
  deleteCurrentWorkflowExecution(shardId: number, key: WorkflowKey): Promise<void>;
  /** Every run in a shard, in a stable order. */
  listConcreteExecutions(shardId: number, page: PageRequest): Promise<Page<ExecutionRow>>;

  /** Fenced by the shard rangeId. */
  addHistoryTasks(request: AddHistoryTasksRequest): Promise<void>;
  getHistoryTasks(request: GetHistoryTasksRequest): Promise<Page<StoredHistoryTask>>;
  completeHistoryTask(shardId: number, category: TaskCategory, key: TaskKey): Promise<void>;
  /** Deletes every task in [inclusiveMin, exclusiveMax) of the category. */
  rangeCompleteHistoryTasks(shardId: number, category: TaskCategory, inclusiveMin: TaskKey, exclusiveMax: TaskKey): Promise<void>;
}
