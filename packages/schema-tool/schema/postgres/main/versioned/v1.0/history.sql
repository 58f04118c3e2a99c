-- Several transactions may write the same node id; readers take the highest txn_id.
CREATE TABLE history_node (
  shard_id INTEGER NOT NULL,
  tree_id VARCHAR(64) COLLATE "C" NOT NULL,
  branch_id VARCHAR(64) COLLATE "C" NOT NULL,
  node_id BIGINT NOT NULL,
  txn_id BIGINT NOT NULL,
  prev_txn_id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  data_encoding VARCHAR(64) COLLATE "C" NOT NULL,
  PRIMARY KEY (shard_id, tree_id, branch_id, node_id, txn_id)
);

-- One row per branch; ancestors is the JSON list of inherited [begin, end) node ranges.
CREATE TABLE history_tree (
  shard_id INTEGER NOT NULL,
  tree_id VARCHAR(64) COLLATE "C" NOT NULL,
  branch_id VARCHAR(64) COLLATE "C" NOT NULL,
  ancestors TEXT NOT NULL,
  info TEXT NOT NULL,
  PRIMARY KEY (shard_id, tree_id, branch_id)
);
