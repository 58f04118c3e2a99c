/**
 * The few places where the baseline's SQL differs between databases. Everything else in the
 * workloads' baseline scripts is the same text on SQLite, PostgreSQL and MariaDB, written with
 * `?` placeholders (the PostgreSQL executor numbers them).
 *
 * Each variant is the cheapest way that database has to make the same check the store makes:
 * the store reads the shard and task-queue rows with a share lock on the server databases
 * (SQLite's BEGIN IMMEDIATE already excludes every other writer), so the baseline does too.
 */
export type BaselineSqlName = 'sqlite' | 'postgres' | 'mysql';

export interface BaselineSql {
  readonly name: BaselineSqlName;
  /** Appended to the fence / lease SELECT: the share lock the store takes on that row. */
  readonly shareLock: string;
  /** `INSERT … VALUES (…)` followed by this clause: on a duplicate key, overwrite `updates`. */
  upsert(keys: readonly string[], updates: readonly string[]): string;
  /** Deletes the first `?` (limit) rows matching `where` in `orderBy` order; params are where's, then the limit. */
  deleteFirst(table: string, where: string, orderBy: string): string;
}

const onConflictUpdate = (keys: readonly string[], updates: readonly string[]) =>
  `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.map((c) => `${c} = excluded.${c}`).join(', ')}`;

export const SQLITE_SQL: BaselineSql = {
  name: 'sqlite',
  shareLock: '',
  upsert: onConflictUpdate,
  deleteFirst: (table, where, orderBy) => `DELETE FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT ?`,
};

export const POSTGRES_SQL: BaselineSql = {
  name: 'postgres',
  shareLock: ' FOR SHARE',
  upsert: onConflictUpdate,
  // PostgreSQL has no DELETE … LIMIT; the key subquery is the usual way (and what the store sends).
  deleteFirst: (table, where, orderBy) => `DELETE FROM ${table} WHERE ${where} AND ${orderBy} IN (SELECT ${orderBy} FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT ?)`,
};

export const MARIADB_SQL: BaselineSql = {
  name: 'mysql',
  // MariaDB has no FOR SHARE.
  shareLock: ' LOCK IN SHARE MODE',
  upsert: (_keys, updates) => `ON DUPLICATE KEY UPDATE ${updates.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
  deleteFirst: (table, where, orderBy) => `DELETE FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT ?`,
};

/** The params of a deleteFirst statement: PostgreSQL's subquery repeats the WHERE, so its params come twice. */
export function repeatWhereParams(sql: BaselineSql, whereParams: readonly unknown[], limit: number): unknown[] {
  return sql.name === 'postgres' ? [...whereParams, ...whereParams, limit] : [...whereParams, limit];
}

/** `?` → `$1`, `$2`, … for PostgreSQL; the baseline's SQL has no `?` inside string literals. */
export function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
