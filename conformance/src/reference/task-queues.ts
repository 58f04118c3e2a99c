import { AlreadyExistsError, ConditionFailedError, NotFoundError, requireBlob, requireNonEmpty, requireSafeInteger } from '@hourglass/core';
import type {
  CompleteTasksLessThanRequest,
  CreateTaskQueueRequest,
  CreateTasksRequest,
  GetTasksRequest,
  MatchingTask,
  Page,
  PageRequest,
  TaskQueueKey,
  TaskQueueRecord,
  TaskQueueStore,
  UpdateTaskQueueRequest,
} from '@hourglass/core';
import { pageByKey } from './paging.js';

function keyOf(k: TaskQueueKey): string {
  requireNonEmpty(k.namespaceId, 'namespaceId');
  requireNonEmpty(k.name, 'name');
  requireSafeInteger(k.taskType, 'taskType', 1);
  return JSON.stringify([k.namespaceId, k.name, k.taskType]);
}

export class MemoryTaskQueueStore implements TaskQueueStore {
  private readonly queues = new Map<string, TaskQueueRecord>();
  private readonly tasks = new Map<string, Map<number, MatchingTask>>();

  async createTaskQueue(request: CreateTaskQueueRequest): Promise<void> {
    const key = keyOf(request);
    requireBlob(request.info, 'info');
    if (this.queues.has(key)) throw new AlreadyExistsError(`task queue ${request.name} exists`);
    this.queues.set(key, structuredClone({ namespaceId: request.namespaceId, name: request.name, taskType: request.taskType, rangeId: request.rangeId, info: request.info }));
  }

  async getTaskQueue(k: TaskQueueKey): Promise<TaskQueueRecord> {
    const record = this.queues.get(keyOf(k));
    if (record === undefined) throw new NotFoundError(`task queue ${k.name} not found`);
    return structuredClone(record);
  }

  private requireRange(key: string, rangeId: number): TaskQueueRecord {
    const record = this.queues.get(key);
    if (record?.rangeId !== rangeId) throw new ConditionFailedError(`task queue is at rangeId ${record?.rangeId ?? 'none'}, not ${rangeId}`);
    return record;
  }

  async updateTaskQueue(request: UpdateTaskQueueRequest): Promise<void> {
    const key = keyOf(request);
    requireBlob(request.info, 'info');
    const record = this.requireRange(key, request.previousRangeId);
    this.queues.set(key, structuredClone({ ...record, rangeId: request.rangeId, info: request.info }));
  }

  async listTaskQueues(request: PageRequest): Promise<Page<TaskQueueRecord>> {
    return structuredClone(pageByKey(this.queues.values(), (q) => [q.namespaceId, q.name, q.taskType], request));
  }

  async deleteTaskQueue(k: TaskQueueKey, rangeId: number): Promise<void> {
    const key = keyOf(k);
    this.requireRange(key, rangeId);
    this.queues.delete(key);
    this.tasks.delete(key);
  }

  async createTasks(request: CreateTasksRequest): Promise<void> {
    const key = keyOf(request);
    for (const t of request.tasks) requireBlob(t.data, 'data');
    this.requireRange(key, request.rangeId);
    const tasks = this.tasks.get(key) ?? new Map<number, MatchingTask>();
    for (const t of request.tasks) tasks.set(t.taskId, structuredClone(t));
    this.tasks.set(key, tasks);
  }

  async getTasks(request: GetTasksRequest): Promise<Page<MatchingTask>> {
    const key = keyOf(request);
    const matching = [...(this.tasks.get(key)?.values() ?? [])].filter((t) => t.taskId >= request.inclusiveMinTaskId && t.taskId < request.exclusiveMaxTaskId);
    return structuredClone(pageByKey(matching, (t) => [t.taskId], request));
  }

  async completeTasksLessThan(request: CompleteTasksLessThanRequest): Promise<number> {
    const key = keyOf(request);
    requireSafeInteger(request.limit, 'limit', 1);
    const tasks = this.tasks.get(key);
    const doomed = [...(tasks?.keys() ?? [])].filter((id) => id < request.exclusiveMaxTaskId).sort((a, b) => a - b).slice(0, request.limit);
    for (const id of doomed) tasks!.delete(id);
    return doomed.length;
  }
}
