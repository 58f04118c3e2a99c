import type BetterSqlite3 from 'better-sqlite3';
import type { Row, ScriptUnit, SqlScript, StatementResult } from './sql-script.js';

/**
 * The baseline: better-sqlite3 used the fastest ordinary way — synchronous calls, every
 * statement prepared once and reused, write units inside BEGIN IMMEDIATE … COMMIT (the same
 * lock mode the store takes).
 */
export class RawSqliteExecutor {
  private readonly prepared = new Map<string, BetterSqlite3.Statement>();
  private readonly inTransaction: BetterSqlite3.Transaction<(unit: ScriptUnit) => void>;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.inTransaction = db.transaction((unit: ScriptUnit) => this.drive(unit.script()));
  }

  execute(units: readonly ScriptUnit[]): void {
    for (const unit of units) {
      if (unit.transaction) this.inTransaction.immediate(unit);
      else this.drive(unit.script());
    }
  }

  private drive(script: SqlScript): void {
    let step = script.next();
    while (!step.done) {
      const { kind, sql, params } = step.value;
      const statement = this.statement(sql);
      let result: StatementResult;
      if (kind === 'get') result = statement.get(...params) as Row | undefined;
      else if (kind === 'all') result = statement.all(...params) as Row[];
      else result = { changes: statement.run(...params).changes };
      step = script.next(result);
    }
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }
}
