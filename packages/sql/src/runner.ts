import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import {
  AlreadyExistsError,
  InvalidPersistenceRequestError,
  PersistenceError,
  TimeoutError,
  UnavailableError,
} from '@hourglass/core';
import type { DialectBehaviour, SqlConnection } from './dialects/dialect.js';
import { errorMessage } from './dialects/dialect.js';
import type { Database } from './tables.js';

export const DEFAULT_TRANSIENT_RETRIES = 5;

const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * Thrown inside a transaction when a concurrent writer changed what the transaction checked
 * (e.g. a duplicate key on a row it found absent). The runner re-runs the whole transaction,
 * whose checks then report the real state.
 */
export class TransactionConflict extends Error {
  constructor(cause: unknown) {
    super('concurrent write conflict; the transaction will be re-run', { cause });
    this.name = 'TransactionConflict';
  }
}

/** The Kysely handle a unit of work runs on: the pool outside a transaction, one connection inside. */
export type Db = Kysely<Database>;

/**
 * Runs the stores' units of work: opens transactions the dialect's way, re-runs a whole
 * transaction when the database reports a transient conflict (deadlock, serialization
 * failure, busy), and turns every driver failure into a typed persistence error.
 *
 * Inside a transaction, statements must go through its handle, never through this runner
 * again: on SQLite a nested unit of work waits for the connection the transaction holds
 * (a deadlock once awaited), elsewhere it would not be atomic with the transaction. This is
 * not checked at run time, because tracking the async context (AsyncLocalStorage) costs
 * about a tenth of a store call on Node 20 and slows every promise in the process.
 */
export class SqlRunner {
  readonly dialect: DialectBehaviour;
  private readonly db: Db;
  // Compiled once: transaction control runs around every write, and compiling it each time costs more than running it.
  private readonly beginWrite: readonly CompiledQuery[];
  private readonly beginRead: readonly CompiledQuery[];

  constructor(
    connection: SqlConnection,
    private readonly transientRetries: number = DEFAULT_TRANSIENT_RETRIES,
  ) {
    this.dialect = connection.dialect;
    this.db = connection.db;
    this.beginWrite = connection.dialect.beginWrite.map((text) => CompiledQuery.raw(text));
    this.beginRead = connection.dialect.beginRead.map((text) => CompiledQuery.raw(text));
  }

  /** A single statement (or a few independent ones) outside any transaction. */
  run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.withRetries(() => work(this.db));
  }

  /** A transaction that writes: all of `work` commits, or none of it. */
  write<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.withRetries(() => this.transaction(this.beginWrite, work));
  }

  /** A read-only transaction, so multi-statement reads see one consistent state. */
  read<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.withRetries(() => this.transaction(this.beginRead, work));
  }

  /** True when `err` is the driver's duplicate-key failure (for callers that give it a specific meaning). */
  isDuplicateKey(err: unknown): boolean {
    return !(err instanceof PersistenceError) && this.dialect.classifyError(err) === 'duplicate-key';
  }

  private transaction<T>(begin: readonly CompiledQuery[], work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      for (const statement of begin) await conn.executeQuery(statement);
      let result: T;
      try {
        result = await work(conn);
      } catch (err) {
        await conn.executeQuery(ROLLBACK).catch(() => undefined);
        throw err;
      }
      try {
        await conn.executeQuery(COMMIT);
      } catch (err) {
        await conn.executeQuery(ROLLBACK).catch(() => undefined);
        throw err;
      }
      return result;
    });
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (err instanceof PersistenceError) throw err;
        const kind = err instanceof TransactionConflict ? 'transient' : this.dialect.classifyError(err);
        if (kind === 'transient' && tries < this.transientRetries) {
          await backoff(tries);
          continue;
        }
        throw toPersistenceError(this.dialect, err, tries);
      }
    }
  }
}

/**
 * Turns a driver failure into the typed persistence error its kind calls for. Unclassified
 * failures are bugs (bad SQL, schema drift) and come back unchanged.
 */
export function toPersistenceError(dialect: DialectBehaviour, err: unknown, retried = 0): unknown {
  if (err instanceof PersistenceError) return err;
  const kind = err instanceof TransactionConflict ? 'transient' : dialect.classifyError(err);
  const detail = `${dialect.name}: ${errorMessage(err)}`;
  switch (kind) {
    case 'duplicate-key':
      return new AlreadyExistsError(`record already exists (${detail})`, { cause: err });
    case 'transient':
      return new UnavailableError(`transaction kept conflicting after ${retried} retries (${detail})`, { cause: err });
    case 'unavailable':
      return new UnavailableError(`database unavailable (${detail})`, { cause: err });
    case 'timeout':
      return new TimeoutError(`database did not answer in time; the outcome is unknown (${detail})`, { cause: err });
    case 'invalid-value':
      return new InvalidPersistenceRequestError(`value rejected by the database (${detail})`, { cause: err });
    case undefined:
      return err;
  }
}

/** Short jittered exponential backoff, so two conflicting writers do not collide again in lockstep. */
function backoff(tries: number): Promise<void> {
  const base = Math.min(200, 5 * 2 ** tries);
  const delay = base / 2 + Math.random() * base;
  return new Promise((resolve) => setTimeout(resolve, delay));
}
