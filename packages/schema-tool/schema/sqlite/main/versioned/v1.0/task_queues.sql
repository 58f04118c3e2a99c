CREATE TABLE task_queues (
  namespace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  task_type INTEGER NOT NULL,
  range_id BIGINT NOT NULL,
  info BLOB NOT NULL,
  info_encoding TEXT NOT NULL,
  PRIMARY KEY (namespace_id, name, task_type)
);

CREATE TABLE tasks (
  namespace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  task_type INTEGER NOT NULL,
  task_id BIGINT NOT NULL,
  expiry_time BIGINT,
  data BLOB NOT NULL,
  data_encoding TEXT NOT NULL,
  PRIMARY KEY (namespace_id, name, task_type, task_id)
);
