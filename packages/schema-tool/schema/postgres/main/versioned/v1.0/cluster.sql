-- Id columns use the same VARCHAR lengths as the MySQL schema, so an over-long id fails the same
-- way (invalid value) on every server dialect. COLLATE "C" compares and orders them by code
-- point whatever the database's locale, as SQLite and MySQL's utf8mb4_bin do, so list order
-- and keyset paging are the same on every dialect.
-- One row per cluster. `version` is the compare-and-set counter of saveClusterMetadata.
CREATE TABLE cluster_metadata (
  cluster_name VARCHAR(255) COLLATE "C" NOT NULL PRIMARY KEY,
  num_history_shards INTEGER NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  version BIGINT NOT NULL
);

-- Membership heartbeats; times are epoch microseconds.
CREATE TABLE cluster_membership (
  host_id VARCHAR(255) COLLATE "C" NOT NULL,
  role VARCHAR(255) COLLATE "C" NOT NULL,
  rpc_address VARCHAR(255) COLLATE "C" NOT NULL,
  rpc_port INTEGER NOT NULL,
  session_start BIGINT NOT NULL,
  last_heartbeat BIGINT NOT NULL,
  record_expiry BIGINT NOT NULL,
  PRIMARY KEY (host_id, role)
);
