import type { DataBlob } from '../blob.js';
import type { TaskQueueType } from '../enums.js';
import type { Page, PageRequest } from '../page-token.js';
import type { EpochMicros } from '../time.js';

export interface TaskQueueKey {
  readonly namespaceId: string;
  /** The partition's full name (root partitions use the user-visible name). */
  readonly name: string;
  readonly taskType: TaskQueueType;
}

export interface TaskQueueRecord extends TaskQueueKey {
  /** The lease: the partition owner bumps it on takeover; every write checks it. */
  readonly rangeId: number;
  readonly info: DataBlob;
}

export interface MatchingTask {
  readonly taskId: number;
  /** Absent for tasks that never expire. */
  readonly expiryTime?: EpochMicros;
  readonly data: DataBlob;
}

export interface CreateTaskQueueRequest extends TaskQueueKey {
  readonly rangeId: number;
  readonly info: DataBlob;
}

export interface UpdateTaskQueueRequest extends TaskQueueKey {
  readonly rangeId: number;
  readonly info: DataBlob;
  readonly previousRangeId: number;
}

export interface CreateTasksRequest extends TaskQueueKey {
  /** Must equal the queue's stored rangeId. */
  readonly rangeId: number;
  readonly tasks: readonly MatchingTask[];
}

export interface GetTasksRequest extends TaskQueueKey, PageRequest {
  readonly inclusiveMinTaskId: number;
  readonly exclusiveMaxTaskId: number;
}

export interface CompleteTasksLessThanRequest extends TaskQueueKey {
  readonly exclusiveMaxTaskId: number;
  /** At most this many tasks are deleted in one call. */
  readonly limit: number;
}

export interface TaskQueueStore {
  /** AlreadyExistsError when the queue exists. */
  createTaskQueue(request: CreateTaskQueueRequest): Promise<void>;
  /** NotFoundError when absent. */
  getTaskQueue(key: TaskQueueKey): Promise<TaskQueueRecord>;
  /** ConditionFailedError when the stored rangeId is not `previousRangeId` (or the queue is gone). */
  updateTaskQueue(request: UpdateTaskQueueRequest): Promise<void>;
  listTaskQueues(request: PageRequest): Promise<Page<TaskQueueRecord>>;
  /** ConditionFailedError when the stored rangeId is not `rangeId`. Deletes the queue's tasks too. */
  deleteTaskQueue(key: TaskQueueKey, rangeId: number): Promise<void>;
  /** ConditionFailedError when the queue's rangeId is not the request's; no task is written then. */
  createTasks(request: CreateTasksRequest): Promise<void>;
  getTasks(request: GetTasksRequest): Promise<Page<MatchingTask>>;
  /** Returns how many tasks were deleted. */
  completeTasksLessThan(request: CompleteTasksLessThanRequest): Promise<number>;
}
