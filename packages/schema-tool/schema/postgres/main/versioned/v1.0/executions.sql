-- Shard leases: every fenced execution write compares range_id inside its transaction.
CREATE TABLE shards (
  shard_id INTEGER NOT NULL PRIMARY KEY,
  range_id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL
);

CREATE TABLE executions (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  state INTEGER NOT NULL,
  status INTEGER NOT NULL,
  next_event_id BIGINT NOT NULL,
  last_write_version BIGINT NOT NULL,
  start_version BIGINT NOT NULL,
  create_request_id VARCHAR(255) COLLATE "C" NOT NULL,
  db_record_version BIGINT NOT NULL,
  execution_info BYTEA NOT NULL,
  execution_info_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  execution_state BYTEA NOT NULL,
  execution_state_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  checksum BYTEA,
  checksum_encoding VARCHAR(64) COLLATE "C",
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id)
);

-- Which run of a workflow id is current, with the columns create/update conditions compare.
CREATE TABLE current_executions (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  create_request_id VARCHAR(255) COLLATE "C" NOT NULL,
  state INTEGER NOT NULL,
  status INTEGER NOT NULL,
  start_version BIGINT NOT NULL,
  last_write_version BIGINT NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id)
);

CREATE TABLE activity_info_maps (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  schedule_id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, schedule_id)
);

CREATE TABLE timer_info_maps (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  timer_id VARCHAR(255) COLLATE "C" NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, timer_id)
);

CREATE TABLE child_execution_info_maps (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  initiated_id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, initiated_id)
);

CREATE TABLE request_cancel_info_maps (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  initiated_id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, initiated_id)
);

CREATE TABLE signal_info_maps (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  initiated_id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, initiated_id)
);

CREATE TABLE signals_requested_sets (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  signal_id VARCHAR(255) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, signal_id)
);

-- seq orders the events of one run; the writer holds the execution row, so max(seq) + 1 is safe.
CREATE TABLE buffered_events (
  shard_id INTEGER NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id, seq)
);

-- Immediate categories (transfer, visibility, replication) are read in task-id order.
CREATE TABLE history_immediate_tasks (
  shard_id INTEGER NOT NULL,
  category_id INTEGER NOT NULL,
  task_id BIGINT NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, category_id, task_id)
);

-- Scheduled categories (timer, archival) are read in (fire time, task id) order.
CREATE TABLE history_scheduled_tasks (
  shard_id INTEGER NOT NULL,
  category_id INTEGER NOT NULL,
  fire_time BIGINT NOT NULL,
  task_id BIGINT NOT NULL,
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  workflow_id VARCHAR(255) COLLATE "C" NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, category_id, fire_time, task_id)
);
