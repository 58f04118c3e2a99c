/**
 * A baseline operation written once as a generator of SQL statements, so the same statements
 * can be driven synchronously over cached better-sqlite3 prepared statements (the raw
 * baseline) and asynchronously through Kysely (to separate Kysely's cost from the store's).
 */

export type StatementKind = 'get' | 'all' | 'run';

export interface SqlStatement {
  readonly kind: StatementKind;
  readonly sql: string;
  readonly params: readonly unknown[];
}

export type Row = Record<string, unknown>;

export type StatementResult = Row | undefined | Row[] | { readonly changes: number };

export type SqlScript = Generator<SqlStatement, void, StatementResult>;

/** One unit of work: either one write transaction (BEGIN IMMEDIATE … COMMIT) or one autocommit statement. */
export interface ScriptUnit {
  readonly transaction: boolean;
  readonly script: () => SqlScript;
}

export function* getRow(sql: string, params: readonly unknown[]): Generator<SqlStatement, Row | undefined, StatementResult> {
  return (yield { kind: 'get', sql, params }) as Row | undefined;
}

export function* allRows(sql: string, params: readonly unknown[]): Generator<SqlStatement, Row[], StatementResult> {
  return (yield { kind: 'all', sql, params }) as Row[];
}

export function* runStatement(sql: string, params: readonly unknown[]): Generator<SqlStatement, number, StatementResult> {
  const result = (yield { kind: 'run', sql, params }) as { changes: number };
  return result.changes;
}

/** A check the baseline makes, like the store does; failing one means the benchmark itself is broken. */
export class BaselineCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineCheckFailed';
  }
}

export function expectChanges(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new BaselineCheckFailed(`${what}: ${actual} rows changed, expected ${expected}`);
}
