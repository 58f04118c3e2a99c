import type { DataBlob, HistoryTask, PersistenceStores } from '@hourglass/core';
import { BaselineCheckFailed, allRows, expectChanges, getRow, runStatement } from './sql-script.js';
import type { ScriptUnit, SqlScript } from './sql-script.js';
import { SQLITE_SQL, repeatWhereParams } from './baseline-sql.js';
import type { BaselineSql } from './baseline-sql.js';
import {
  PAYLOADS,
  RANGE_ID,
  SHARD_ID,
  TASK_QUEUE,
  TASK_PAGE_SIZE,
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
 * The hot paths, each as the Hourglass store call and as the baseline: the fewest statements
 * that write the same rows with the same checks (shard fence, run version, current run,
 * queue lease), on the same schema; one write transaction where the store call uses one, a
 * lone autocommit statement where the store sends one.
 *
 * Workloads run in the order listed within a round, and later ones use the rows earlier ones
 * wrote (update touches the runs create made; get and complete read the tasks create wrote).
 */
export interface Workload {
  readonly name: string;
  readonly description: string;
  store(stores: PersistenceStores, p: OpPosition): Promise<void>;
  /** The baseline in the given database's SQL (see baseline-sql.ts); SQLite by default. */
  baseline(p: OpPosition, sql?: BaselineSql): readonly ScriptUnit[];
}

/** better-sqlite3 binds Buffers as BLOBs; a view over the payload avoids a copy, as the store does. */
function bytes(blob: DataBlob): Buffer {
  return Buffer.from(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength);
}

function* assertShardFence(sql: BaselineSql): SqlScript {
  const shard = yield* getRow(`SELECT range_id FROM shards WHERE shard_id = ?${sql.shareLock}`, [SHARD_ID]);
  // Number(): PostgreSQL's driver returns BIGINT as a string.
  if (Number(shard?.range_id) !== RANGE_ID) throw new BaselineCheckFailed(`shard ${SHARD_ID} is at range ${String(shard?.range_id)}, expected ${RANGE_ID}`);
}

const INSERT_IMMEDIATE_TASK =
  'INSERT INTO history_immediate_tasks (shard_id, category_id, task_id, namespace_id, workflow_id, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)';
const INSERT_SCHEDULED_TASK =
  'INSERT INTO history_scheduled_tasks (shard_id, category_id, fire_time, task_id, namespace_id, workflow_id, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

function* insertHistoryTask(t: HistoryTask): SqlScript {
  if (t.category.kind === 'immediate') {
    yield* runStatement(INSERT_IMMEDIATE_TASK, [SHARD_ID, t.category.id, t.taskId, t.namespaceId, t.workflowId, bytes(t.data), t.data.encoding]);
  } else {
    yield* runStatement(INSERT_SCHEDULED_TASK, [SHARD_ID, t.category.id, t.fireTime, t.taskId, t.namespaceId, t.workflowId, bytes(t.data), t.data.encoding]);
  }
}

export const createExecution: Workload = {
  name: 'create execution',
  description: 'createWorkflowExecution brand-new: run row + current row + 1 transfer task, fenced by the shard range',
  async store(stores, p) {
    await stores.executions.createWorkflowExecution(createExecutionRequest(p));
  },
  baseline(p, sql = SQLITE_SQL) {
    const { snapshot: s } = createExecutionRequest(p);
    return [
      {
        transaction: true,
        *script() {
          yield* assertShardFence(sql);
          // The primary keys enforce "run does not exist" and "no current run" (brand-new).
          yield* runStatement(
            `INSERT INTO executions (shard_id, namespace_id, workflow_id, run_id, state, status, next_event_id, last_write_version, start_version,
               create_request_id, db_record_version, execution_info, execution_info_encoding, execution_state, execution_state_encoding, checksum, checksum_encoding)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
            [SHARD_ID, s.namespaceId, s.workflowId, s.runId, s.state, s.status, s.nextEventId, s.lastWriteVersion, s.startVersion,
              s.createRequestId, s.dbRecordVersion, bytes(s.executionInfo), s.executionInfo.encoding, bytes(s.executionState), s.executionState.encoding],
          );
          yield* runStatement(
            `INSERT INTO current_executions (shard_id, namespace_id, workflow_id, run_id, create_request_id, state, status, start_version, last_write_version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [SHARD_ID, s.namespaceId, s.workflowId, s.runId, s.createRequestId, s.state, s.status, s.startVersion, s.lastWriteVersion],
          );
          for (const t of s.tasks) yield* insertHistoryTask(t);
        },
      },
    ];
  },
};

export const completeWorkflowTask: Workload = {
  name: 'update execution',
  description: 'appendHistoryNodes (1 node) + updateWorkflowExecution update-current: next run version, 1 timer info, 1 transfer + 1 timer task, fenced',
  async store(stores, p) {
    await stores.history.appendHistoryNodes(appendEventsRequest(p));
    await stores.executions.updateWorkflowExecution(completeWorkflowTaskRequest(p));
  },
  baseline(p, sql = SQLITE_SQL) {
    const node = appendEventsRequest(p);
    const { mutation: m } = completeWorkflowTaskRequest(p);
    return [
      {
        // The store contract makes the append its own write (Temporal appends history before the state update).
        transaction: false,
        *script() {
          yield* runStatement(
            `INSERT INTO history_node (shard_id, tree_id, branch_id, node_id, txn_id, prev_txn_id, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ${sql.upsert(['shard_id', 'tree_id', 'branch_id', 'node_id', 'txn_id'], ['prev_txn_id', 'data', 'data_encoding'])}`,
            [node.shardId, node.branch.treeId, node.branch.branchId, node.nodeId, node.txnId, node.prevTxnId, bytes(node.events), node.events.encoding],
          );
        },
      },
      {
        transaction: true,
        *script() {
          yield* assertShardFence(sql);
          // The WHERE on db_record_version is the optimistic-concurrency check.
          const updated = yield* runStatement(
            `UPDATE executions SET state = ?, status = ?, next_event_id = ?, last_write_version = ?, start_version = ?, create_request_id = ?,
               db_record_version = ?, execution_info = ?, execution_info_encoding = ?, execution_state = ?, execution_state_encoding = ?, checksum = NULL, checksum_encoding = NULL
             WHERE shard_id = ? AND namespace_id = ? AND workflow_id = ? AND run_id = ? AND db_record_version = ?`,
            [m.state, m.status, m.nextEventId, m.lastWriteVersion, m.startVersion, m.createRequestId, m.dbRecordVersion,
              bytes(m.executionInfo), m.executionInfo.encoding, bytes(m.executionState), m.executionState.encoding,
              SHARD_ID, m.namespaceId, m.workflowId, m.runId, m.expectedDbRecordVersion],
          );
          expectChanges(updated, 1, 'run version check');
          for (const [timerId, info] of m.upsertTimerInfos) {
            yield* runStatement(
              `INSERT INTO timer_info_maps (shard_id, namespace_id, workflow_id, run_id, timer_id, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)
               ${sql.upsert(['shard_id', 'namespace_id', 'workflow_id', 'run_id', 'timer_id'], ['data', 'data_encoding'])}`,
              [SHARD_ID, m.namespaceId, m.workflowId, m.runId, timerId, bytes(info), info.encoding],
            );
          }
          for (const t of m.tasks) yield* insertHistoryTask(t);
          // The WHERE on run_id is the update-current check: the row must point at this run.
          const current = yield* runStatement(
            `UPDATE current_executions SET run_id = ?, create_request_id = ?, state = ?, status = ?, start_version = ?, last_write_version = ?
             WHERE shard_id = ? AND namespace_id = ? AND workflow_id = ? AND run_id = ?`,
            [m.runId, m.createRequestId, m.state, m.status, m.startVersion, m.lastWriteVersion, SHARD_ID, m.namespaceId, m.workflowId, m.runId],
          );
          expectChanges(current, 1, 'current run check');
        },
      },
    ];
  },
};

const QUEUE_KEY_WHERE = 'namespace_id = ? AND name = ? AND task_type = ?';
const QUEUE_KEY_PARAMS = [TASK_QUEUE.namespaceId, TASK_QUEUE.name, TASK_QUEUE.taskType] as const;

export const createTasks: Workload = {
  name: 'create tasks',
  description: 'createTasks: 1 matching task, fenced by the task queue range',
  async store(stores, p) {
    await stores.taskQueues.createTasks(createTasksRequest(p));
  },
  baseline(p, sql = SQLITE_SQL) {
    const request = createTasksRequest(p);
    return [
      {
        transaction: true,
        *script() {
          const queue = yield* getRow(`SELECT range_id FROM task_queues WHERE ${QUEUE_KEY_WHERE}${sql.shareLock}`, QUEUE_KEY_PARAMS);
          if (Number(queue?.range_id) !== TASK_QUEUE_RANGE_ID) throw new BaselineCheckFailed(`task queue is at range ${String(queue?.range_id)}`);
          for (const t of request.tasks) {
            // An upsert, as in the store: a repeated task id is a retry of the same write.
            yield* runStatement(
              `INSERT INTO tasks (namespace_id, name, task_type, task_id, expiry_time, data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)
               ${sql.upsert(['namespace_id', 'name', 'task_type', 'task_id'], ['expiry_time', 'data', 'data_encoding'])}`,
              [
              ...QUEUE_KEY_PARAMS,
              t.taskId,
              t.expiryTime ?? null,
              bytes(t.data),
              t.data.encoding,
              ],
            );
          }
        },
      },
    ];
  },
};

export const getTasks: Workload = {
  name: 'get tasks',
  description: `getTasks: one page of up to ${TASK_PAGE_SIZE} tasks by task id range`,
  async store(stores, p) {
    const page = await stores.taskQueues.getTasks(getTasksRequest(p));
    if (page.items.length === 0) throw new Error(`getTasks found no task for ${JSON.stringify(getTasksRequest(p))}`);
  },
  baseline(p) {
    const request = getTasksRequest(p);
    return [
      {
        transaction: false,
        *script() {
          const rows = yield* allRows(
            `SELECT task_id, expiry_time, data, data_encoding FROM tasks WHERE ${QUEUE_KEY_WHERE} AND task_id >= ? AND task_id < ? ORDER BY task_id LIMIT ?`,
            [...QUEUE_KEY_PARAMS, request.inclusiveMinTaskId, request.exclusiveMaxTaskId, request.pageSize],
          );
          if (rows.length === 0) throw new BaselineCheckFailed('getTasks found no task');
        },
      },
    ];
  },
};

export const completeTasks: Workload = {
  name: 'complete tasks',
  description: 'completeTasksLessThan: acks 1 task (limit 1)',
  async store(stores, p) {
    const deleted = await stores.taskQueues.completeTasksLessThan(completeTasksRequest(p));
    if (deleted !== 1) throw new Error(`completeTasksLessThan deleted ${deleted} tasks, expected 1`);
  },
  baseline(p, sql = SQLITE_SQL) {
    const request = completeTasksRequest(p);
    return [
      {
        transaction: false,
        *script() {
          const deleted = yield* runStatement(
            sql.deleteFirst('tasks', `${QUEUE_KEY_WHERE} AND task_id < ?`, 'task_id'),
            repeatWhereParams(sql, [...QUEUE_KEY_PARAMS, request.exclusiveMaxTaskId], request.limit),
          );
          expectChanges(deleted, 1, 'completeTasksLessThan');
        },
      },
    ];
  },
};

/** In dependency order: see Workload. */
export const WORKLOADS: readonly Workload[] = [createExecution, completeWorkflowTask, createTasks, getTasks, completeTasks];

/** The rows every target needs before the first op: the owned shard and the task queue. */
export async function seedStore(stores: PersistenceStores): Promise<void> {
  await stores.shards.getOrCreateShard({ shardId: SHARD_ID, initialRangeId: RANGE_ID, initialShardInfo: PAYLOADS.shardInfo });
  await stores.taskQueues.createTaskQueue({ ...TASK_QUEUE, rangeId: TASK_QUEUE_RANGE_ID, info: PAYLOADS.taskQueueInfo });
}

export function seedBaseline(): ScriptUnit {
  return {
    transaction: true,
    *script() {
      yield* runStatement('INSERT INTO shards (shard_id, range_id, data, data_encoding) VALUES (?, ?, ?, ?)', [
        SHARD_ID,
        RANGE_ID,
        bytes(PAYLOADS.shardInfo),
        PAYLOADS.shardInfo.encoding,
      ]);
      yield* runStatement('INSERT INTO task_queues (namespace_id, name, task_type, range_id, info, info_encoding) VALUES (?, ?, ?, ?, ?, ?)', [
        ...QUEUE_KEY_PARAMS,
        TASK_QUEUE_RANGE_ID,
        bytes(PAYLOADS.taskQueueInfo),
        PAYLOADS.taskQueueInfo.encoding,
      ]);
    },
  };
}
