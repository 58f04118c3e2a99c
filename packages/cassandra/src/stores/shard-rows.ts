/**
 * Key clauses of the rows sharing a shard's partition in the `executions` table. Columns a row
 * type does not use hold '' or 0, so every row type has a full primary key.
 */
export const RowType = {
  Shard: 0,
  Execution: 1,
  Current: 2,
  ImmediateTask: 3,
  ScheduledTask: 4,
} as const;

export const KEY_COLUMNS = 'shard_id, row_type, category_id, namespace_id, workflow_id, run_id, fire_time, task_id';

export const SHARD_KEY = "shard_id = ? AND row_type = 0 AND category_id = 0 AND namespace_id = '' AND workflow_id = '' AND run_id = '' AND fire_time = 0 AND task_id = 0";
export const EXECUTION_KEY = "shard_id = ? AND row_type = 1 AND category_id = 0 AND namespace_id = ? AND workflow_id = ? AND run_id = ? AND fire_time = 0 AND task_id = 0";
export const CURRENT_KEY = "shard_id = ? AND row_type = 2 AND category_id = 0 AND namespace_id = ? AND workflow_id = ? AND run_id = '' AND fire_time = 0 AND task_id = 0";
