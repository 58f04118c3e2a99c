-- Several transactions may write the same node id; readers take the highest txn_id.
CREATE TABLE history_node (
  shard_id INTEGER NOT NULL,
  tree_id VARCHAR(64) NOT NULL,
  branch_id VARCHAR(64) NOT NULL,
  node_id BIGINT NOT NULL,
  txn_id BIGINT NOT NULL,
  prev_txn_id BIGINT NOT NULL,
  data MEDIUMBLOB NOT NULL,
  data_encoding VARCHAR(64) NOT NULL,
  PRIMARY KEY (shard_id, tree_id, branch_id, node_id, txn_id)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per branch; ancestors is the JSON list of inherited [begin, end) node ranges.
CREATE TABLE history_tree (
  shard_id INTEGER NOT NULL,
  tree_id VARCHAR(64) NOT NULL,
  branch_id VARCHAR(64) NOT NULL,
  ancestors MEDIUMTEXT NOT NULL,
  info MEDIUMTEXT NOT NULL,
  PRIMARY KEY (shard_id, tree_id, branch_id)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
