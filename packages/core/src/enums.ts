/** Numeric values match Temporal's enums so they can be copied to and from the API unchanged. */
export const WorkflowState = {
  Created: 1,
  Running: 2,
  Completed: 3,
  Zombie: 4,
  Void: 5,
  Corrupted: 6,
} as const;
export type WorkflowState = (typeof WorkflowState)[keyof typeof WorkflowState];

export const WorkflowExecutionStatus = {
  Running: 1,
  Completed: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  ContinuedAsNew: 6,
  TimedOut: 7,
} as const;
export type WorkflowExecutionStatus = (typeof WorkflowExecutionStatus)[keyof typeof WorkflowExecutionStatus];

export const workflowExecutionStatusNames: Readonly<Record<WorkflowExecutionStatus, string>> = {
  1: 'Running',
  2: 'Completed',
  3: 'Failed',
  4: 'Canceled',
  5: 'Terminated',
  6: 'ContinuedAsNew',
  7: 'TimedOut',
};

export function workflowExecutionStatusFromName(name: string): WorkflowExecutionStatus | undefined {
  for (const [value, n] of Object.entries(workflowExecutionStatusNames)) {
    if (n === name) return Number(value) as WorkflowExecutionStatus;
  }
  return undefined;
}

export const TaskQueueType = {
  Workflow: 1,
  Activity: 2,
  Nexus: 3,
} as const;
export type TaskQueueType = (typeof TaskQueueType)[keyof typeof TaskQueueType];
