import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Row, ScriptUnit, SqlScript, SqlStatement, StatementResult } from './sql-script.js';

/**
 * The MariaDB baseline: one mysql2 connection (no pool), statements sent with `query` (the
 * text protocol, client-side escaping, as Kysely's MySQL driver in the store does). The
 * session is set to READ COMMITTED once when it opens, so a write unit is just
 * START TRANSACTION … COMMIT; the store asks for the level before every write transaction.
 */
export class RawMariadbExecutor {
  constructor(private readonly connection: Connection) {}

  static async prepareSession(connection: Connection): Promise<void> {
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  }

  async execute(units: readonly ScriptUnit[]): Promise<void> {
    for (const unit of units) {
      if (!unit.transaction) {
        await this.drive(unit.script());
        continue;
      }
      await this.connection.query('START TRANSACTION');
      try {
        await this.drive(unit.script());
      } catch (err) {
        await this.connection.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await this.connection.query('COMMIT');
    }
  }

  private async drive(script: SqlScript): Promise<void> {
    let step = script.next();
    while (!step.done) {
      step = script.next(await this.run(step.value));
    }
  }

  private async run(statement: SqlStatement): Promise<StatementResult> {
    if (statement.kind === 'run') {
      const [header] = await this.connection.query<ResultSetHeader>(statement.sql, [...statement.params]);
      return { changes: header.affectedRows };
    }
    const [rows] = await this.connection.query<RowDataPacket[]>(statement.sql, [...statement.params]);
    return statement.kind === 'get' ? (rows[0] as Row | undefined) : (rows as Row[]);
  }
}
