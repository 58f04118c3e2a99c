CREATE TABLE task_queues (
  namespace_id VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  task_type INTEGER NOT NULL,
  range_id BIGINT NOT NULL,
  info MEDIUMBLOB NOT NULL,
  info_encoding VARCHAR(64) NOT NULL,
  PRIMARY KEY (namespace_id, name, task_type)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tasks (
  namespace_id VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  task_type INTEGER NOT NULL,
  task_id BIGINT NOT NULL,
  expiry_time BIGINT,
  data MEDIUMBLOB NOT NULL,
  data_encoding VARCHAR(64) NOT NULL,
  PRIMARY KEY (namespace_id, name, task_type, task_id)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
