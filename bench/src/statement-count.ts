import BetterSqlite3 from 'better-sqlite3';

/** What one operation sends to SQLite. */
export interface StatementCount {
  /** SQL statements, not counting BEGIN / COMMIT / ROLLBACK. */
  readonly statements: number;
  readonly transactions: number;
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback)\b/i;

/**
 * Counts the statements `work` prepares. Kysely's SQLite driver prepares every statement it
 * runs, so for the store and the kysely-sql target this is exactly what they send. Patches
 * better-sqlite3 for the duration of `work` only; never used while timing.
 */
export async function countPreparedStatements(work: () => Promise<void>): Promise<{ statements: number; transactions: number }> {
  const prototype = BetterSqlite3.prototype as unknown as { prepare: (this: BetterSqlite3.Database, sql: string) => BetterSqlite3.Statement };
  const original = prototype.prepare;
  let statements = 0;
  let transactions = 0;
  prototype.prepare = function countingPrepare(this: BetterSqlite3.Database, sql: string) {
    if (!TRANSACTION_CONTROL.test(sql)) statements++;
    else if (/^\s*begin/i.test(sql)) transactions++;
    return original.call(this, sql);
  };
  try {
    await work();
  } finally {
    prototype.prepare = original;
  }
  return { statements, transactions };
}
