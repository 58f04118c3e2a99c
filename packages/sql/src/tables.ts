import type { ColumnType } from 'kysely';

/**
 * Row types of the tables in `packages/schema-tool/schema/<dialect>/{main,visibility}`.
 * Integer columns may come back as strings (pg int8) or bigints, so reads go through `int()`.
 */
export type Int = ColumnType<number | string | bigint, number, number>;
export type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
type NullableInt = ColumnType<number | string | bigint | null, number | null, number | null>;
type NullableBytes = ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;

export interface ClusterMetadataTable {
  cluster_name: string;
  num_history_shards: Int;
  data: Bytes;
  data_encoding: string;
  version: Int;
}

export interface ClusterMembershipTable {
  host_id: string;
  role: string;
  rpc_address: string;
  rpc_port: Int;
  session_start: Int;
  last_heartbeat: Int;
  record_expiry: Int;
}

export interface NamespacesTable {
  id: string;
  name: string;
  data: Bytes;
  data_encoding: string;
  is_global: Int;
  notification_version: Int;
}

export interface NamespaceMetadataTable {
  partition_id: Int;
  notification_version: Int;
}

export interface ShardsTable {
  shard_id: Int;
  range_id: Int;
  data: Bytes;
  data_encoding: string;
}

interface RunKeyColumns {
  shard_id: Int;
  namespace_id: string;
  workflow_id: string;
  run_id: string;
}

export interface ExecutionsTable extends RunKeyColumns {
  state: Int;
  status: Int;
  next_event_id: Int;
  last_write_version: Int;
  start_version: Int;
  create_request_id: string;
  db_record_version: Int;
  execution_info: Bytes;
  execution_info_encoding: string;
  execution_state: Bytes;
  execution_state_encoding: string;
  checksum: NullableBytes;
  checksum_encoding: string | null;
}

export interface CurrentExecutionsTable extends RunKeyColumns {
  create_request_id: string;
  state: Int;
  status: Int;
  start_version: Int;
  last_write_version: Int;
}

export interface ActivityInfoMapsTable extends RunKeyColumns {
  schedule_id: Int;
  data: Bytes;
  data_encoding: string;
}

export interface TimerInfoMapsTable extends RunKeyColumns {
  timer_id: string;
  data: Bytes;
  data_encoding: string;
}

export interface InitiatedInfoMapsTable extends RunKeyColumns {
  initiated_id: Int;
  data: Bytes;
  data_encoding: string;
}

export interface SignalsRequestedSetsTable extends RunKeyColumns {
  signal_id: string;
}

export interface BufferedEventsTable extends RunKeyColumns {
  seq: Int;
  data: Bytes;
  data_encoding: string;
}

export interface HistoryImmediateTasksTable {
  shard_id: Int;
  category_id: Int;
  task_id: Int;
  namespace_id: string;
  workflow_id: string;
  data: Bytes;
  data_encoding: string;
}

export interface HistoryScheduledTasksTable extends HistoryImmediateTasksTable {
  fire_time: Int;
}

export interface HistoryNodeTable {
  shard_id: Int;
  tree_id: string;
  branch_id: string;
  node_id: Int;
  txn_id: Int;
  prev_txn_id: Int;
  data: Bytes;
  data_encoding: string;
}

export interface HistoryTreeTable {
  shard_id: Int;
  tree_id: string;
  branch_id: string;
  ancestors: string;
  info: string;
}

export interface TaskQueuesTable {
  namespace_id: string;
  name: string;
  task_type: Int;
  range_id: Int;
  info: Bytes;
  info_encoding: string;
}

export interface TasksTable {
  namespace_id: string;
  name: string;
  task_type: Int;
  task_id: Int;
  expiry_time: NullableInt;
  data: Bytes;
  data_encoding: string;
}

export interface ExecutionsVisibilityTable {
  namespace_id: string;
  run_id: string;
  workflow_id: string;
  workflow_type_name: string;
  task_queue: string;
  status: Int;
  start_time: Int;
  execution_time: Int;
  close_time: NullableInt;
  execution_duration: NullableInt;
  history_length: Int;
  history_size_bytes: Int;
  state_transition_count: Int;
  parent_workflow_id: string | null;
  parent_run_id: string | null;
  root_workflow_id: string | null;
  root_run_id: string | null;
  memo: NullableBytes;
  memo_encoding: string | null;
  search_attributes: string;
}

export interface Database {
  cluster_metadata: ClusterMetadataTable;
  cluster_membership: ClusterMembershipTable;
  namespaces: NamespacesTable;
  namespace_metadata: NamespaceMetadataTable;
  shards: ShardsTable;
  executions: ExecutionsTable;
  current_executions: CurrentExecutionsTable;
  activity_info_maps: ActivityInfoMapsTable;
  timer_info_maps: TimerInfoMapsTable;
  child_execution_info_maps: InitiatedInfoMapsTable;
  request_cancel_info_maps: InitiatedInfoMapsTable;
  signal_info_maps: InitiatedInfoMapsTable;
  signals_requested_sets: SignalsRequestedSetsTable;
  buffered_events: BufferedEventsTable;
  history_immediate_tasks: HistoryImmediateTasksTable;
  history_scheduled_tasks: HistoryScheduledTasksTable;
  history_node: HistoryNodeTable;
  history_tree: HistoryTreeTable;
  task_queues: TaskQueuesTable;
  tasks: TasksTable;
  executions_visibility: ExecutionsVisibilityTable;
}

export type TableName = keyof Database;
