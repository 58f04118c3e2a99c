/**
 * History task categories. Immediate categories are read in task-id order; scheduled ones
 * by (fire time, task id). Stores choose their table by `kind`, never by id.
 */
export type TaskCategoryKind = 'immediate' | 'scheduled';

export interface TaskCategory {
  readonly id: number;
  readonly name: string;
  readonly kind: TaskCategoryKind;
}

export const TaskCategories = {
  Transfer: { id: 1, name: 'transfer', kind: 'immediate' },
  Timer: { id: 2, name: 'timer', kind: 'scheduled' },
  Replication: { id: 3, name: 'replication', kind: 'immediate' },
  Visibility: { id: 4, name: 'visibility', kind: 'immediate' },
  Archival: { id: 5, name: 'archival', kind: 'scheduled' },
} as const satisfies Record<string, TaskCategory>;

export function taskCategoryById(id: number): TaskCategory | undefined {
  return Object.values(TaskCategories).find((c) => c.id === id);
}
