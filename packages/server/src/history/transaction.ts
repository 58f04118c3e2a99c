import { EventType } from '../grpc/api.js';
import type { HistoryEvent } from '../grpc/api.js';
import { timestampFromMs } from '../grpc/api.js';
import type { MutableState } from './mutable-state.js';
import type { PendingTask, TimerTaskData, TransferTaskData } from './task-data.js';

/** Attribute field name of each event type, e.g. 'workflowTaskScheduledEventAttributes'. */
export type EventAttributesKey = Extract<keyof HistoryEvent, `${string}EventAttributes`>;

/**
 * One change to one run: the new events and the tasks they cause. The engine commits the
 * events to the history branch and the row plus tasks in one execution write.
 */
export class WorkflowTxn {
  readonly events: HistoryEvent[] = [];
  readonly tasks: PendingTask[] = [];
  /** Update/query waiters to wake after the commit. */
  readonly afterCommit: (() => void)[] = [];
  /** Set when state changed without events or tasks (e.g. an activity started). */
  dirty = false;
  /** A run created in the same write (continue-as-new). */
  newRun: WorkflowTxn | undefined;

  constructor(
    readonly ms: MutableState,
    readonly now: number,
  ) {}

  /** Appends an event with the next event id. */
  addEvent<K extends EventAttributesKey>(eventType: number, key: K, attributes: NonNullable<HistoryEvent[K]>): HistoryEvent {
    const event: HistoryEvent = { eventId: this.ms.nextEventId++, eventTime: timestampFromMs(this.now), eventType, [key]: attributes };
    this.events.push(event);
    return event;
  }

  get workflowTaskRunning(): boolean {
    return this.ms.workflowTask?.startedEventId !== undefined;
  }

  /**
   * Adds an event that the workflow must see (signal, activity result...). While a workflow
   * task is running it is buffered, so the task's started event is followed by its completion.
   */
  addOrBuffer<K extends EventAttributesKey>(eventType: number, key: K, attributes: NonNullable<HistoryEvent[K]>): void {
    if (this.workflowTaskRunning) {
      this.ms.bufferedEvents.push({ eventTime: timestampFromMs(this.now), eventType, [key]: attributes });
      this.dirty = true;
      return;
    }
    this.addEvent(eventType, key, attributes);
  }

  /** Like addOrBuffer, returning the event id, or 0 while the event waits in the buffer. */
  addOrBufferEvent<K extends EventAttributesKey>(eventType: number, key: K, attributes: NonNullable<HistoryEvent[K]>): number {
    if (this.workflowTaskRunning) {
      this.addOrBuffer(eventType, key, attributes);
      return 0;
    }
    return Number(this.addEvent(eventType, key, attributes).eventId);
  }

  /** Gives buffered events their ids, in arrival order. Returns how many were flushed. */
  flushBuffered(): number {
    const buffered = this.ms.bufferedEvents;
    this.ms.bufferedEvents = [];
    for (const e of buffered) {
      e.eventId = this.ms.nextEventId++;
      this.events.push(e);
      if (e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        const child = this.ms.children[e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId ?? 0];
        if (child) child.startedEventId = e.eventId;
      }
    }
    return buffered.length;
  }

  transfer(data: TransferTaskData): void {
    this.tasks.push({ category: 'transfer', data });
  }

  timer(fireTimeMs: number, data: TimerTaskData): void {
    this.tasks.push({ category: 'timer', fireTimeMs, data });
  }

  visibility(kind: 'upsert' | 'close'): void {
    this.tasks.push({ category: 'visibility', data: { kind, runId: this.ms.runId } });
  }

  /** Schedules a workflow task unless one is already pending. */
  scheduleWorkflowTask(options: { attempt?: number; stickyAllowed?: boolean } = {}): void {
    const ms = this.ms;
    if (ms.workflowTask) return;
    const attempt = options.attempt ?? 1;
    const sticky = options.stickyAllowed !== false && ms.stickyTaskQueue !== undefined;
    const taskQueue = sticky ? ms.stickyTaskQueue! : ms.taskQueue;
    const scheduled = this.addEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 'workflowTaskScheduledEventAttributes', {
      taskQueue: sticky ? { name: taskQueue, kind: 2, normalName: ms.taskQueue } : { name: taskQueue, kind: 1 },
      startToCloseTimeout: { seconds: Math.ceil(ms.workflowTaskTimeoutMs / 1000) },
      attempt,
    });
    const scheduledEventId = Number(scheduled.eventId);
    ms.workflowTask = { scheduledEventId, attempt, taskQueue, sticky, scheduledTimeMs: this.now };
    this.transfer({ kind: 'workflow-task', runId: ms.runId, scheduledEventId, taskQueue, sticky });
    if (sticky && ms.stickyScheduleToStartMs) {
      this.timer(this.now + ms.stickyScheduleToStartMs, {
        kind: 'workflow-task-timeout',
        runId: ms.runId,
        scheduledEventId,
        attempt,
        timeout: 'schedule-to-start',
      });
    }
  }
}
