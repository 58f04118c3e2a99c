CREATE TABLE namespaces (
  id VARCHAR(64) COLLATE "C" NOT NULL PRIMARY KEY,
  name VARCHAR(255) COLLATE "C" NOT NULL UNIQUE,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  is_global INTEGER NOT NULL,
  notification_version BIGINT NOT NULL
);

-- A single row: the version every namespace write bumps, so watchers can poll for changes.
CREATE TABLE namespace_metadata (
  partition_id INTEGER NOT NULL PRIMARY KEY,
  notification_version BIGINT NOT NULL
);

INSERT INTO namespace_metadata (partition_id, notification_version) VALUES (0, 1);
