CREATE TABLE task_queues (
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  name VARCHAR(255) COLLATE "C" NOT NULL,
  task_type INTEGER NOT NULL,
  range_id BIGINT NOT NULL,
  info BYTEA NOT NULL,
  info_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (namespace_id, name, task_type)
);

CREATE TABLE tasks (
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  name VARCHAR(255) COLLATE "C" NOT NULL,
  task_type INTEGER NOT NULL,
  task_id BIGINT NOT NULL,
  expiry_time BIGINT,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (namespace_id, name, task_type, task_id)
);
