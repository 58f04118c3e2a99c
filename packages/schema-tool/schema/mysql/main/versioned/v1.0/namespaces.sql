CREATE TABLE namespaces (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL UNIQUE,
  data MEDIUMBLOB NOT NULL,
  data_encoding VARCHAR(64) NOT NULL,
  is_global INTEGER NOT NULL,
  notification_version BIGINT NOT NULL
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A single row: the version every namespace write bumps, so watchers can poll for changes.
CREATE TABLE namespace_metadata (
  partition_id INTEGER NOT NULL PRIMARY KEY,
  notification_version BIGINT NOT NULL
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO namespace_metadata (partition_id, notification_version) VALUES (0, 1);
