-- utf8mb4_bin makes ids case- and accent-sensitive and orders them by code point, as PostgreSQL's
-- C collation and SQLite do. Blobs are MEDIUMBLOB (up to 16 MB) so multi-megabyte payloads fit;
-- the server's max_allowed_packet must exceed the largest blob (MySQL 5.7 defaults to 4 MB).
-- Key lengths keep every primary key under InnoDB's 3072-byte limit at 4 bytes per character.
-- One row per cluster. `version` is the compare-and-set counter of saveClusterMetadata.
CREATE TABLE cluster_metadata (
  cluster_name VARCHAR(255) NOT NULL PRIMARY KEY,
  num_history_shards INTEGER NOT NULL,
  data MEDIUMBLOB NOT NULL,
  data_encoding VARCHAR(64) NOT NULL,
  version BIGINT NOT NULL
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Membership heartbeats; times are epoch microseconds.
CREATE TABLE cluster_membership (
  host_id VARCHAR(255) NOT NULL,
  role VARCHAR(255) NOT NULL,
  rpc_address VARCHAR(255) NOT NULL,
  rpc_port INTEGER NOT NULL,
  session_start BIGINT NOT NULL,
  last_heartbeat BIGINT NOT NULL,
  record_expiry BIGINT NOT NULL,
  PRIMARY KEY (host_id, role)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
