import { CompiledQuery } from 'kysely';
import { sqliteConnection } from '@hourglass/sql';
import { openBaselineDatabase } from './databases.js';
import { PAYLOADS, RANGE_ID, SHARD_ID } from './workload-data.js';
import { seedBaseline } from './workloads.js';
import { RawSqliteExecutor } from './raw-sqlite.js';

/**
 * The unit costs that explain the store/raw ratio: what each layer between a store call and
 * SQLite adds per statement, and what a write transaction costs on its own.
 */
export interface PerStatementCosts {
  /** Building, with Kysely's query builder, the store's 17-column INSERT INTO executions, without compiling it. */
  readonly kyselyBuildInsertUs: number;
  /** Building and compiling it to SQL text. */
  readonly kyselyCompileInsertUs: number;
  /** The same two for the store's current-run SELECT (3 WHERE terms). */
  readonly kyselyBuildSelectUs: number;
  readonly kyselyCompileSelectUs: number;
  /** better-sqlite3 prepare() of that INSERT: what each statement costs when it is not taken from a statement cache. */
  readonly prepareInsertUs: number;
  readonly prepareSelectUs: number;
  /** The shard-fence SELECT on a statement prepared once (the raw baseline's way). */
  readonly preparedSelectUs: number;
  /** The same SELECT from already-compiled SQL through the store's Kysely connection: driver path (promises, mutex, prepare or cache lookup). */
  readonly kyselyExecuteSelectUs: number;
}

export interface TransactionCosts {
  /** BEGIN IMMEDIATE; one one-row UPDATE; COMMIT — on cached prepared statements. */
  readonly rawWriteTransactionUs: number;
  /** The same through the store's Kysely connection. */
  readonly kyselyWriteTransactionUs: number;
}

/**
 * Many short batches, and the fastest one kept: on a machine shared with other processes a
 * short batch has a fair chance to run undisturbed, and the fastest batch is the one that did.
 * One longer unmeasured batch first lets the JIT settle.
 */
const BATCHES = 25;
const WARMUP_CALLS = 1_000;

/** Microseconds per call in the fastest of BATCHES batches of `callsPerBatch` calls. */
function timeSync(callsPerBatch: number, fn: () => unknown): number {
  for (let i = 0; i < WARMUP_CALLS; i++) fn();
  let fastest = Number.POSITIVE_INFINITY;
  for (let b = 0; b < BATCHES; b++) {
    const started = performance.now();
    for (let i = 0; i < callsPerBatch; i++) fn();
    fastest = Math.min(fastest, ((performance.now() - started) * 1000) / callsPerBatch);
  }
  return fastest;
}

async function timeAsync(callsPerBatch: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP_CALLS; i++) await fn();
  let fastest = Number.POSITIVE_INFINITY;
  for (let b = 0; b < BATCHES; b++) {
    const started = performance.now();
    for (let i = 0; i < callsPerBatch; i++) await fn();
    fastest = Math.min(fastest, ((performance.now() - started) * 1000) / callsPerBatch);
  }
  return fastest;
}

const FENCE_SQL = 'SELECT range_id FROM shards WHERE shard_id = ?';

export async function measurePerStatementCosts(callsPerBatch: number): Promise<PerStatementCosts> {
  const handle = await openBaselineDatabase(':memory:');
  new RawSqliteExecutor(handle).execute([seedBaseline()]);
  const connection = sqliteConnection(handle, { ownsHandle: true });
  const db = connection.db;
  try {
    const info = Buffer.from(PAYLOADS.executionInfo.data);
    const state = Buffer.from(PAYLOADS.executionState.data);
    const insertBuilder = () =>
      db
        .insertInto('executions')
        .values({
          shard_id: SHARD_ID,
          namespace_id: 'ns',
          workflow_id: 'wf',
          run_id: 'run',
          state: 2,
          status: 1,
          next_event_id: 3,
          last_write_version: 0,
          start_version: 0,
          create_request_id: 'req',
          db_record_version: 1,
          execution_info: info,
          execution_info_encoding: 'proto3',
          execution_state: state,
          execution_state_encoding: 'proto3',
          checksum: null,
          checksum_encoding: null,
        });
    const selectBuilder = () =>
      db.selectFrom('current_executions').selectAll().where('shard_id', '=', SHARD_ID).where('namespace_id', '=', 'ns').where('workflow_id', '=', 'wf');
    const buildInsert = () => insertBuilder().compile();
    const buildSelect = () => selectBuilder().compile();
    const insertSql = buildInsert().sql;
    const selectSql = buildSelect().sql;
    const fence = handle.prepare(FENCE_SQL);
    const fenceQuery = CompiledQuery.raw(FENCE_SQL, [SHARD_ID]);
    const costs: PerStatementCosts = {
      kyselyBuildInsertUs: timeSync(callsPerBatch, insertBuilder),
      kyselyCompileInsertUs: timeSync(callsPerBatch, buildInsert),
      kyselyBuildSelectUs: timeSync(callsPerBatch, selectBuilder),
      kyselyCompileSelectUs: timeSync(callsPerBatch, buildSelect),
      prepareInsertUs: timeSync(callsPerBatch, () => handle.prepare(insertSql)),
      prepareSelectUs: timeSync(callsPerBatch, () => handle.prepare(selectSql)),
      preparedSelectUs: timeSync(callsPerBatch, () => fence.get(SHARD_ID)),
      kyselyExecuteSelectUs: await timeAsync(callsPerBatch, () => db.executeQuery(fenceQuery)),
    };
    return costs;
  } finally {
    await connection.close();
  }
}

const TOUCH_SHARD_SQL = 'UPDATE shards SET range_id = ? WHERE shard_id = ?';

/** On a scratch database at `filename`, so file mode pays its real WAL append per commit. */
export async function measureTransactionCosts(filename: string, callsPerBatch: number): Promise<TransactionCosts> {
  const handle = await openBaselineDatabase(filename);
  new RawSqliteExecutor(handle).execute([seedBaseline()]);
  const touch = handle.prepare(TOUCH_SHARD_SQL);
  const rawTransaction = handle.transaction(() => touch.run(RANGE_ID, SHARD_ID));
  const connection = sqliteConnection(handle, { ownsHandle: true });
  const db = connection.db;
  try {
    const touchQuery = CompiledQuery.raw(TOUCH_SHARD_SQL, [RANGE_ID, SHARD_ID]);
    const begin = CompiledQuery.raw('begin immediate');
    const commit = CompiledQuery.raw('commit');
    return {
      rawWriteTransactionUs: timeSync(callsPerBatch, () => rawTransaction.immediate()),
      kyselyWriteTransactionUs: await timeAsync(callsPerBatch, () =>
        db.connection().execute(async (connection) => {
          await connection.executeQuery(begin);
          await connection.executeQuery(touchQuery);
          await connection.executeQuery(commit);
        }),
      ),
    };
  } finally {
    await connection.close();
  }
}
