import type pg from 'pg';
import { numberPlaceholders } from './baseline-sql.js';
import type { Row, ScriptUnit, SqlScript, SqlStatement, StatementResult } from './sql-script.js';

/**
 * The PostgreSQL baseline: one `pg` client (no pool), every statement a named prepared
 * statement (parsed once per connection, then only bound and executed), write units inside
 * BEGIN … COMMIT at the server default READ COMMITTED (the level the store asks for).
 */
export class RawPostgresExecutor {
  private readonly names = new Map<string, { name: string; text: string }>();

  constructor(private readonly client: pg.Client) {}

  async execute(units: readonly ScriptUnit[]): Promise<void> {
    for (const unit of units) {
      if (!unit.transaction) {
        await this.drive(unit.script());
        continue;
      }
      await this.client.query('BEGIN');
      try {
        await this.drive(unit.script());
      } catch (err) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await this.client.query('COMMIT');
    }
  }

  private async drive(script: SqlScript): Promise<void> {
    let step = script.next();
    while (!step.done) {
      step = script.next(await this.run(step.value));
    }
  }

  private async run(statement: SqlStatement): Promise<StatementResult> {
    const prepared = this.prepared(statement.sql);
    const result = await this.client.query<Row>({ name: prepared.name, text: prepared.text, values: [...statement.params] });
    if (statement.kind === 'get') return result.rows[0];
    if (statement.kind === 'all') return result.rows;
    return { changes: result.rowCount ?? 0 };
  }

  private prepared(sql: string): { name: string; text: string } {
    let prepared = this.names.get(sql);
    if (!prepared) {
      prepared = { name: `bench_${this.names.size + 1}`, text: numberPlaceholders(sql) };
      this.names.set(sql, prepared);
    }
    return prepared;
  }
}
