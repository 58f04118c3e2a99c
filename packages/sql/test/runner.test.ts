import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, ConditionFailedError, InvalidPersistenceRequestError, TimeoutError, UnavailableError } from '@hourglass/core';
import type { DriverErrorKind, SqlConnection } from '../src/dialects/dialect.js';
import { classifySqliteError, sqliteConnection } from '../src/dialects/sqlite.js';
import { SqlRunner, TransactionConflict } from '../src/runner.js';
import type { Db } from '../src/runner.js';

/** A driver failure the test dialect classifies as it is told to. */
class FakeDriverError extends Error {
  constructor(readonly kind: DriverErrorKind) {
    super(`fake ${kind}`);
  }
}

let handle: BetterSqlite3.Database;
let connection: SqlConnection;

beforeEach(() => {
  handle = new BetterSqlite3(':memory:');
  handle.exec('create table counter (id integer primary key, n integer not null); insert into counter values (1, 0);');
  const base = sqliteConnection(handle, { ownsHandle: true });
  connection = {
    ...base,
    dialect: { ...base.dialect, classifyError: (err) => (err instanceof FakeDriverError ? err.kind : classifySqliteError(err)) },
  };
});

afterEach(async () => {
  await connection.close();
});

async function counter(db: Db): Promise<number> {
  const row = await sql<{ n: number }>`select n from counter where id = 1`.execute(db);
  return row.rows[0]!.n;
}

async function increment(tx: Db): Promise<void> {
  await sql`update counter set n = n + 1 where id = 1`.execute(tx);
}

describe('SqlRunner retries', () => {
  it('re-runs a whole transaction after a transient failure, keeping only the successful attempt', async () => {
    const runner = new SqlRunner(connection, 3);
    let attempts = 0;
    const result = await runner.write(async (tx) => {
      attempts++;
      await increment(tx);
      if (attempts < 3) throw new FakeDriverError('transient');
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
    expect(await counter(connection.db)).toBe(1);
  });

  it('gives up with UnavailableError once the retries are used, and rolls every attempt back', async () => {
    const runner = new SqlRunner(connection, 2);
    let attempts = 0;
    const failure = runner.write(async (tx) => {
      attempts++;
      await increment(tx);
      throw new FakeDriverError('transient');
    });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({ retryable: true });
    expect(attempts).toBe(3);
    expect(await counter(connection.db)).toBe(0);
  });

  it('re-runs on TransactionConflict', async () => {
    const runner = new SqlRunner(connection, 1);
    let attempts = 0;
    await runner.write(async (tx) => {
      attempts++;
      if (attempts === 1) throw new TransactionConflict(new Error('raced'));
      await increment(tx);
    });
    expect(attempts).toBe(2);
    expect(await counter(connection.db)).toBe(1);
  });

  it('never retries a typed persistence error and passes it through unchanged', async () => {
    const runner = new SqlRunner(connection, 5);
    let attempts = 0;
    const condition = new ConditionFailedError('stale');
    await expect(
      runner.write(async (tx) => {
        attempts++;
        await increment(tx);
        throw condition;
      }),
    ).rejects.toBe(condition);
    expect(attempts).toBe(1);
    expect(await counter(connection.db)).toBe(0);
  });

  it.each([
    ['duplicate-key', AlreadyExistsError],
    ['unavailable', UnavailableError],
    ['timeout', TimeoutError],
    ['invalid-value', InvalidPersistenceRequestError],
  ] as const)('maps a %s driver failure to %s without retrying', async (kind, errorClass) => {
    const runner = new SqlRunner(connection, 5);
    let attempts = 0;
    const failure = runner.run(async () => {
      attempts++;
      throw new FakeDriverError(kind);
    });
    await expect(failure).rejects.toBeInstanceOf(errorClass);
    await expect(failure).rejects.toMatchObject({ cause: expect.any(FakeDriverError) });
    expect(attempts).toBe(1);
  });

  it('surfaces unclassified failures (bugs) unchanged', async () => {
    const runner = new SqlRunner(connection);
    const bug = new Error('not a driver error');
    await expect(runner.run(async () => Promise.reject(bug))).rejects.toBe(bug);
    await expect(runner.run((db) => sql`selec 1`.execute(db))).rejects.toThrow(/syntax error/);
  });

  it('maps a real duplicate key to AlreadyExistsError', async () => {
    const runner = new SqlRunner(connection);
    await expect(runner.run((db) => sql`insert into counter values (1, 5)`.execute(db))).rejects.toBeInstanceOf(AlreadyExistsError);
  });
});

describe('SqlRunner transactions on the single SQLite connection', () => {
  it('does not interleave concurrent transactions: read-modify-write with awaits in between loses no update', async () => {
    const runner = new SqlRunner(connection);
    const writers = Array.from({ length: 20 }, () =>
      runner.write(async (tx) => {
        const n = await counter(tx);
        await new Promise((resolve) => setTimeout(resolve, 1));
        await sql`update counter set n = ${n + 1} where id = 1`.execute(tx);
      }),
    );
    await Promise.all(writers);
    expect(await counter(connection.db)).toBe(20);
  });

  it('does not let a statement outside the transaction see its uncommitted writes', async () => {
    const runner = new SqlRunner(connection);
    let signalOpen!: () => void;
    const open = new Promise<void>((resolve) => (signalOpen = resolve));
    const transaction = runner.write(async (tx) => {
      await increment(tx);
      signalOpen();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await increment(tx);
    });
    await open;
    // Started while the transaction is open, from outside it: it waits for the commit.
    const seenOutside = await runner.run((db) => counter(db));
    await transaction;
    expect(seenOutside).toBe(2);
  });

  it('a transaction that failed leaves the connection usable for the next transaction', async () => {
    const runner = new SqlRunner(connection);
    await expect(runner.write(async (tx) => sql`insert into counter values (1, 1)`.execute(tx))).rejects.toBeInstanceOf(AlreadyExistsError);
    await runner.write(increment);
    expect(await counter(connection.db)).toBe(1);
  });
});
