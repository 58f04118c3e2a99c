import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import type { QueryResult } from 'kysely';
import type { Row, ScriptUnit, SqlScript, SqlStatement, StatementResult } from './sql-script.js';

interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * The baseline's exact statements sent through Kysely's SQLite driver the way the store's
 * runner sends its own: one awaited query at a time on the driver's single connection,
 * transactions opened with BEGIN IMMEDIATE. No query builder is involved, so the gap to the
 * raw baseline is the driver path itself (a fresh prepare per statement, promises, the
 * connection mutex), and the gap to the store is the store's own work.
 */
export class KyselySqlExecutor {
  private readonly db: Kysely<Record<string, never>>;

  constructor(handle: BetterSqlite3.Database) {
    this.db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: handle }) });
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

  /** Kysely's SQLite driver closes the handle it was given. */
  close(): Promise<void> {
    return this.db.destroy();
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
