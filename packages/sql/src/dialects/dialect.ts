import type { Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { SearchAttributeType } from '@hourglass/core';
import type { SqlDialectName, SqlExecutor } from '@hourglass/schema-tool';
import type { Database } from '../tables.js';

/** How a driver failure should surface, before it is turned into a typed persistence error. */
export type DriverErrorKind =
  /** A unique or primary key already holds the value. */
  | 'duplicate-key'
  /** Deadlock, serialization failure, lock wait timeout, busy database: the whole transaction may be re-run. */
  | 'transient'
  /** Connection refused, reset or lost; server shutting down; pool exhausted. */
  | 'unavailable'
  /** A statement or query timeout fired: the outcome is unknown. */
  | 'timeout'
  /** The value does not fit its column (too long, out of range, too big a packet). */
  | 'invalid-value';

export type RowLock = 'share' | 'update';

/**
 * Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB as far as the stores
 * are concerned. The stores themselves are written once against this.
 */
export interface DialectBehaviour {
  readonly name: SqlDialectName;
  /** Statements that open a transaction that will write (SQLite takes the single writer lock here). */
  readonly beginWrite: readonly string[];
  /** Statements that open a read-only transaction seeing one consistent snapshot. */
  readonly beginRead: readonly string[];
  classifyError(err: unknown): DriverErrorKind | undefined;
  /** Adds the dialect's row-lock clause; SQLite has none (its write transactions already hold the database lock). */
  lockRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, lock: RowLock): SelectQueryBuilder<DB, TB, O>;
  /** Trailing clause of an INSERT that overwrites `updates` when a row with the same `keys` exists. */
  upsertClause(keys: readonly string[], updates: readonly string[]): RawBuilder<unknown>;
  /** Trailing clause of an INSERT that leaves an existing row with the same `keys` untouched. */
  insertIgnoreClause(keys: readonly string[]): RawBuilder<unknown>;
  /** Whether `x IN (SELECT … LIMIT n)` is allowed, which bounded deletes use (MySQL forbids it). */
  readonly limitInSubquery?: boolean;
  /** Present when the dialect can evaluate list-filter queries over search attributes. */
  readonly searchAttributes?: SearchAttributeSql;
}

/**
 * How one dialect reaches custom search attributes inside the `search_attributes` JSON column.
 * Every expression yields NULL (or false) when the run has no attribute of that name and type,
 * so a value stored under another type never compares as if it were this one.
 */
export interface SearchAttributeSql {
  /** The attribute's scalar value (Keyword, Text, Int, Double, Bool as 1/0, Datetime). */
  value(name: string, type: Exclude<SearchAttributeType, 'KeywordList'>): RawBuilder<unknown>;
  /** Whether the run has the KeywordList attribute at all. */
  listPresent(name: string): RawBuilder<SqlBool>;
  /** Whether the run's KeywordList holds at least one of `values`. */
  listContainsAny(name: string, values: readonly string[]): RawBuilder<SqlBool>;
  /** Full-text match of a Text value: every word of `query` occurs as a word of the text, ignoring case. */
  textMatches(text: RawBuilder<unknown>, query: string): RawBuilder<SqlBool>;
  /** Whether `text` begins with `prefix`, comparing exactly (LIKE would fold case and treat % and _ specially). */
  startsWith(text: RawBuilder<unknown>, prefix: string): RawBuilder<SqlBool>;
}


/** One opened database: the Kysely instance the stores use plus what the schema tool needs. */
export interface SqlConnection {
  readonly dialect: DialectBehaviour;
  readonly db: Kysely<Database>;
  readonly executor: SqlExecutor;
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

/** Node's socket error codes that mean the server cannot be reached or dropped us. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Where a PostgreSQL or MySQL/MariaDB server is and which database the stores use. */
export interface SqlServerConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  /** Upper bound of the connection pool; the dialect module picks a default. */
  readonly maxConnections?: number;
}
