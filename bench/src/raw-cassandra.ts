import cassandra from 'cassandra-driver';
import type { DataBlob, HistoryTask } from '@hourglass/core';
import { BaselineCheckFailed } from './sql-script.js';
import {
  PAYLOADS,
  RANGE_ID,
  SHARD_ID,
  TASK_QUEUE,
  TASK_QUEUE_RANGE_ID,
  appendEventsRequest,
  completeTasksRequest,
  completeWorkflowTaskRequest,
  createExecutionRequest,
  createTasksRequest,
  getTasksRequest,
} from './workload-data.js';
import type { OpPosition } from './workload-data.js';

/**
 * The Cassandra baseline: cassandra-driver with every statement prepared, at the consistency
 * levels the store uses by default (LOCAL_QUORUM, LOCAL_SERIAL for the Paxos round), on the
 * store's schema. Shard-scoped writes are one conditional (LWT) logged batch on the shard's
 * partition, as in the store, because that batch is the only way Cassandra has to make the
 * shard fence and the run / current-run checks atomic with the writes; the task-queue lease
 * is likewise a conditional batch on the queue's partition. What the baseline leaves out is
 * what the store adds on top of that minimum (see docs/benchmarks.md).
 */
export const CASSANDRA_QUERY_OPTIONS = {
  consistency: cassandra.types.consistencies.localQuorum,
  serialConsistency: cassandra.types.consistencies.localSerial,
  prepare: true,
} as const;

interface Cql {
  readonly query: string;
  readonly params: readonly unknown[];
}

const SHARD_KEY = "shard_id = ? AND row_type = 0 AND category_id = 0 AND namespace_id = '' AND workflow_id = '' AND run_id = '' AND fire_time = 0 AND task_id = 0";
const RUN_KEY = "shard_id = ? AND row_type = 1 AND category_id = 0 AND namespace_id = ? AND workflow_id = ? AND run_id = ? AND fire_time = 0 AND task_id = 0";
const CURRENT_KEY = "shard_id = ? AND row_type = 2 AND category_id = 0 AND namespace_id = ? AND workflow_id = ? AND run_id = '' AND fire_time = 0 AND task_id = 0";
const QUEUE_KEY = 'namespace_id = ? AND name = ? AND task_type = ?';
const QUEUE_PARAMS = [TASK_QUEUE.namespaceId, TASK_QUEUE.name, TASK_QUEUE.taskType] as const;

function bytes(blob: DataBlob): Buffer {
  return Buffer.from(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength);
}

const fence = (): Cql => ({ query: `UPDATE executions SET range_id = ? WHERE ${SHARD_KEY} IF range_id = ?`, params: [RANGE_ID, SHARD_ID, RANGE_ID] });

function insertTask(t: HistoryTask): Cql {
  const scheduled = t.category.kind === 'scheduled';
  return {
    query:
      'INSERT INTO executions (shard_id, row_type, category_id, namespace_id, workflow_id, run_id, fire_time, task_id, task_namespace_id, task_workflow_id, task_data, task_encoding) ' +
      "VALUES (?, ?, ?, '', '', '', ?, ?, ?, ?, ?, ?)",
    params: [SHARD_ID, scheduled ? 4 : 3, t.category.id, scheduled ? t.fireTime : 0, t.taskId, t.namespaceId, t.workflowId, bytes(t.data), t.data.encoding],
  };
}

export class RawCassandraExecutor {
  constructor(private readonly client: cassandra.Client) {}

  private execute(c: Cql): Promise<cassandra.types.ResultSet> {
    return this.client.execute(c.query, [...c.params], CASSANDRA_QUERY_OPTIONS);
  }

  /** A conditional batch: all its IFs hold and every statement applies, or none does. */
  private async conditionalBatch(statements: readonly Cql[], what: string): Promise<void> {
    const rs = await this.client.batch(
      statements.map((s) => ({ query: s.query, params: [...s.params] })),
      { ...CASSANDRA_QUERY_OPTIONS, logged: true },
    );
    if (rs.first()?.get('[applied]') !== true) throw new BaselineCheckFailed(`${what}: conditional batch not applied`);
  }

  async seed(): Promise<void> {
    await this.execute({
      query: "INSERT INTO executions (shard_id, row_type, category_id, namespace_id, workflow_id, run_id, fire_time, task_id, range_id, shard_info, shard_info_encoding) VALUES (?, 0, 0, '', '', '', 0, 0, ?, ?, ?)",
      params: [SHARD_ID, RANGE_ID, bytes(PAYLOADS.shardInfo), PAYLOADS.shardInfo.encoding],
    });
    await this.execute({
      query: `UPDATE task_queues SET range_id = ?, info = ?, info_encoding = ? WHERE ${QUEUE_KEY}`,
      params: [TASK_QUEUE_RANGE_ID, bytes(PAYLOADS.taskQueueInfo), PAYLOADS.taskQueueInfo.encoding, ...QUEUE_PARAMS],
    });
  }

  /** One batch: fence; the current row and the run row, each IF NOT EXISTS; the transfer task. Empty collections are not written. */
  async createExecution(p: OpPosition): Promise<void> {
    const { snapshot: s } = createExecutionRequest(p);
    await this.conditionalBatch(
      [
        fence(),
        {
          query:
            'INSERT INTO executions (shard_id, row_type, category_id, namespace_id, workflow_id, run_id, fire_time, task_id, current_run_id, create_request_id, state, status, last_write_version, start_version) ' +
            "VALUES (?, 2, 0, ?, ?, '', 0, 0, ?, ?, ?, ?, ?, ?) IF NOT EXISTS",
          params: [SHARD_ID, s.namespaceId, s.workflowId, s.runId, s.createRequestId, s.state, s.status, s.lastWriteVersion, s.startVersion],
        },
        {
          query:
            'INSERT INTO executions (shard_id, row_type, category_id, namespace_id, workflow_id, run_id, fire_time, task_id, execution_info, execution_info_encoding, execution_state, execution_state_encoding, ' +
            'state, status, next_event_id, last_write_version, start_version, create_request_id, db_record_version) VALUES (?, 1, 0, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS',
          params: [SHARD_ID, s.namespaceId, s.workflowId, s.runId, bytes(s.executionInfo), s.executionInfo.encoding, bytes(s.executionState), s.executionState.encoding,
            s.state, s.status, s.nextEventId, s.lastWriteVersion, s.startVersion, s.createRequestId, s.dbRecordVersion],
        },
        ...s.tasks.map(insertTask),
      ],
      'create execution',
    );
  }

  /** The history node (its own write), then one batch: fence; run row IF db_record_version; timer info; 2 tasks; current row IF current_run_id. */
  async updateExecution(p: OpPosition): Promise<void> {
    const node = appendEventsRequest(p);
    await this.execute({
      query: 'INSERT INTO history_node (tree_id, branch_id, node_id, txn_id, prev_txn_id, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)',
      params: [node.branch.treeId, node.branch.branchId, node.nodeId, node.txnId, node.prevTxnId, bytes(node.events), node.events.encoding],
    });
    const { mutation: m } = completeWorkflowTaskRequest(p);
    const timers = new Map([...m.upsertTimerInfos].map(([id, blob]) => [id, new cassandra.types.Tuple(blob.encoding, bytes(blob))]));
    await this.conditionalBatch(
      [
        fence(),
        {
          query:
            'UPDATE executions SET execution_info = ?, execution_info_encoding = ?, execution_state = ?, execution_state_encoding = ?, state = ?, status = ?, next_event_id = ?, ' +
            `last_write_version = ?, start_version = ?, create_request_id = ?, db_record_version = ?, checksum = null, checksum_encoding = null, timer_infos = timer_infos + ? WHERE ${RUN_KEY} IF db_record_version = ?`,
          params: [bytes(m.executionInfo), m.executionInfo.encoding, bytes(m.executionState), m.executionState.encoding, m.state, m.status, m.nextEventId,
            m.lastWriteVersion, m.startVersion, m.createRequestId, m.dbRecordVersion, timers, SHARD_ID, m.namespaceId, m.workflowId, m.runId, m.expectedDbRecordVersion],
        },
        ...m.tasks.map(insertTask),
        {
          query: `UPDATE executions SET current_run_id = ?, create_request_id = ?, state = ?, status = ?, last_write_version = ?, start_version = ? WHERE ${CURRENT_KEY} IF current_run_id = ?`,
          params: [m.runId, m.createRequestId, m.state, m.status, m.lastWriteVersion, m.startVersion, SHARD_ID, m.namespaceId, m.workflowId, m.runId],
        },
      ],
      'update execution',
    );
  }

  /** One batch on the queue's partition: the lease (IF range_id = ?) and the task. */
  async createTasks(p: OpPosition): Promise<void> {
    const request = createTasksRequest(p);
    await this.conditionalBatch(
      [
        { query: `UPDATE task_queues SET range_id = ? WHERE ${QUEUE_KEY} IF range_id = ?`, params: [TASK_QUEUE_RANGE_ID, ...QUEUE_PARAMS, TASK_QUEUE_RANGE_ID] },
        ...request.tasks.map((t) => ({
          query: 'INSERT INTO task_queues (namespace_id, name, task_type, task_id, expiry_time, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)',
          params: [...QUEUE_PARAMS, t.taskId, t.expiryTime ?? null, bytes(t.data), t.data.encoding],
        })),
      ],
      'create tasks',
    );
  }

  async getTasks(p: OpPosition): Promise<void> {
    const r = getTasksRequest(p);
    const rs = await this.execute({
      query: `SELECT task_id, expiry_time, data, data_encoding FROM task_queues WHERE ${QUEUE_KEY} AND task_id >= ? AND task_id < ? LIMIT ?`,
      params: [...QUEUE_PARAMS, r.inclusiveMinTaskId, r.exclusiveMaxTaskId, r.pageSize],
    });
    if (rs.rows.length === 0) throw new BaselineCheckFailed('getTasks found no task');
  }

  /** The ids below the ack level (limit 1), then one DELETE of that row. */
  async completeTasks(p: OpPosition): Promise<void> {
    const r = completeTasksRequest(p);
    const rs = await this.execute({ query: `SELECT task_id FROM task_queues WHERE ${QUEUE_KEY} AND task_id < ? LIMIT ?`, params: [...QUEUE_PARAMS, r.exclusiveMaxTaskId, r.limit] });
    const ids = rs.rows.map((row) => row.get('task_id') as unknown).filter((id) => id !== null);
    if (ids.length !== 1) throw new BaselineCheckFailed(`completeTasksLessThan found ${ids.length} tasks, expected 1`);
    await this.execute({ query: `DELETE FROM task_queues WHERE ${QUEUE_KEY} AND task_id = ?`, params: [...QUEUE_PARAMS, ids[0]] });
  }
}
