import { CompiledQuery } from 'kysely';
import type { QueryResult } from 'kysely';
import type { SqlConnection } from '@hourglass/sql';
import type { Row, ScriptUnit, SqlScript, SqlStatement, StatementResult } from './sql-script.js';

interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * The baseline's exact statements sent through the store's own Kysely connection (built by
 * @hourglass/sql's sqliteConnection, so the same driver and driver settings) the way the
 * store's runner sends its own: one awaited query at a time, transactions opened with BEGIN
 * IMMEDIATE. No query builder is involved, so the gap to the raw baseline is the driver path
 * (promises, the connection mutex, preparing or looking up each statement), and the gap to the
 * store is the store's own work (query building and compiling, extra statements, validation).
 */
export class KyselySqlExecutor {
  private readonly db: SqlConnection['db'];

  constructor(private readonly connection: SqlConnection) {
    this.db = connection.db;
  }

  async execute(units: readonly ScriptUnit[]): Promise<void> {
    for (const unit of units) {
      if (!unit.transaction) {
        await drive(this.db, unit.script());
        continue;
      }
      await this.db.connection().execute(async (connection) => {
        await connection.executeQuery(BEGIN_IMMEDIATE);
        try {
          await drive(connection, unit.script());
        } catch (err) {
          await connection.executeQuery(ROLLBACK).catch(() => undefined);
          throw err;
        }
        await connection.executeQuery(COMMIT);
      });
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

async function drive(runner: QueryRunner, script: SqlScript): Promise<void> {
  let step = script.next();
  while (!step.done) {
    const result = await runner.executeQuery<Row>(CompiledQuery.raw(step.value.sql, [...step.value.params]));
    step = script.next(toStatementResult(step.value, result));
  }
}

function toStatementResult(statement: SqlStatement, result: QueryResult<Row>): StatementResult {
  if (statement.kind === 'get') return result.rows[0];
  if (statement.kind === 'all') return result.rows;
  return { changes: Number(result.numAffectedRows ?? 0n) };
}
