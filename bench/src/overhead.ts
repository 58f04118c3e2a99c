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

const REPEATS = 7;

/**
 * The time per call of the fastest of REPEATS batches, in microseconds: for a unit cost the
 * fastest batch is the one other processes on the shared machine interfered with least.
 */
function timeSync(iterations: number, fn: () => unknown): number {
  const perCall: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    perCall.push(((performance.now() - started) * 1000) / iterations);
  }
  return Math.min(...perCall);
}

async function timeAsync(iterations: number, fn: () => Promise<unknown>): Promise<number> {
  const perCall: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    perCall.push(((performance.now() - started) * 1000) / iterations);
  }
  return Math.min(...perCall);
}

const FENCE_SQL = 'SELECT range_id FROM shards WHERE shard_id = ?';

export async function measurePerStatementCosts(iterations: number): Promise<PerStatementCosts> {
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
      kyselyBuildInsertUs: timeSync(iterations, insertBuilder),
      kyselyCompileInsertUs: timeSync(iterations, buildInsert),
      kyselyBuildSelectUs: timeSync(iterations, selectBuilder),
      kyselyCompileSelectUs: timeSync(iterations, buildSelect),
      prepareInsertUs: timeSync(iterations, () => handle.prepare(insertSql)),
      prepareSelectUs: timeSync(iterations, () => handle.prepare(selectSql)),
      preparedSelectUs: timeSync(iterations, () => fence.get(SHARD_ID)),
      kyselyExecuteSelectUs: await timeAsync(iterations, () => db.executeQuery(fenceQuery)),
    };
    return costs;
  } finally {
    await connection.close();
  }
}

const TOUCH_SHARD_SQL = 'UPDATE shards SET range_id = ? WHERE shard_id = ?';

/** On a scratch database at `filename`, so file mode pays its real WAL append per commit. */
export async function measureTransactionCosts(filename: string, iterations: number): Promise<TransactionCosts> {
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
      rawWriteTransactionUs: timeSync(iterations, () => rawTransaction.immediate()),
      kyselyWriteTransactionUs: await timeAsync(iterations, () =>
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
