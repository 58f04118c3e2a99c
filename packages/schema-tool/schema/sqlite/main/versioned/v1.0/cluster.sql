-- One row per cluster. `version` is the compare-and-set counter of saveClusterMetadata.
CREATE TABLE cluster_metadata (
  cluster_name TEXT NOT NULL PRIMARY KEY,
  num_history_shards INTEGER NOT NULL,
  data BLOB NOT NULL,
  data_encoding TEXT NOT NULL,
  version BIGINT NOT NULL
);

-- Membership heartbeats; times are epoch microseconds.
CREATE TABLE cluster_membership (
  host_id TEXT NOT NULL,
  role TEXT NOT NULL,
  rpc_address TEXT NOT NULL,
  rpc_port INTEGER NOT NULL,
  session_start BIGINT NOT NULL,
  last_heartbeat BIGINT NOT NULL,
  record_expiry BIGINT NOT NULL,
  PRIMARY KEY (host_id, role)
);
