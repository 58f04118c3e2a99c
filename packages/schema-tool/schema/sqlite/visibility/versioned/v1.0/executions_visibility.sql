-- Times are epoch microseconds; search attributes are a JSON object of {type, value} entries.
CREATE TABLE executions_visibility (
  namespace_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  workflow_type_name TEXT NOT NULL,
  task_queue TEXT NOT NULL,
  status INTEGER NOT NULL,
  start_time BIGINT NOT NULL,
  execution_time BIGINT NOT NULL,
  close_time BIGINT,
  execution_duration BIGINT,
  history_length BIGINT NOT NULL,
  history_size_bytes BIGINT NOT NULL,
  state_transition_count BIGINT NOT NULL,
  parent_workflow_id TEXT,
  parent_run_id TEXT,
  root_workflow_id TEXT,
  root_run_id TEXT,
  memo BLOB,
  memo_encoding TEXT,
  search_attributes TEXT NOT NULL,
  PRIMARY KEY (namespace_id, run_id)
);

CREATE INDEX executions_visibility_by_start ON executions_visibility (namespace_id, start_time, run_id);
CREATE INDEX executions_visibility_by_workflow_id ON executions_visibility (namespace_id, workflow_id);
