/** What a history task asks for; stored as JSON in the task's data blob. */
export type TransferTaskData =
  | { kind: 'workflow-task'; runId: string; scheduledEventId: number; taskQueue: string; sticky: boolean }
  | { kind: 'activity-task'; runId: string; scheduledEventId: number; attempt: number; taskQueue: string }
  | { kind: 'close-execution'; runId: string }
  | { kind: 'start-child'; runId: string; initiatedEventId: number }
  | { kind: 'cancel-external'; runId: string; initiatedEventId: number }
  | { kind: 'signal-external'; runId: string; initiatedEventId: number };

export type TimerTaskData =
  | { kind: 'user-timer'; runId: string; timerId: string; startedEventId: number }
  | { kind: 'workflow-task-timeout'; runId: string; scheduledEventId: number; attempt: number; timeout: 'schedule-to-start' | 'start-to-close' }
  | {
      kind: 'activity-timeout';
      runId: string;
      scheduledEventId: number;
      attempt: number;
      timeout: 'schedule-to-start' | 'start-to-close' | 'schedule-to-close' | 'heartbeat';
    }
  | { kind: 'activity-retry'; runId: string; scheduledEventId: number; attempt: number }
  /** The first workflow task after a start delay, or a failed workflow task's next attempt. */
  | { kind: 'workflow-backoff'; runId: string; attempt?: number }
  | { kind: 'workflow-run-timeout'; runId: string }
  /** A closed run reached the end of its namespace's retention. */
  | { kind: 'delete-history'; runId: string };

export type VisibilityTaskData = { kind: 'upsert'; runId: string } | { kind: 'close'; runId: string };

export type PendingTask =
  | { category: 'transfer'; data: TransferTaskData }
  | { category: 'timer'; fireTimeMs: number; data: TimerTaskData }
  | { category: 'visibility'; data: VisibilityTaskData };
