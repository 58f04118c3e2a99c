import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifySqliteError } from '../src/dialects/sqlite.js';

function failureOf(action: () => unknown): unknown {
  try {
    action();
  } catch (err) {
    return err;
  }
  throw new Error('the action did not fail');
}

describe('classifySqliteError', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hourglass-sql-errors-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('calls primary-key and unique violations duplicate-key', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec('create table t (id integer primary key, name text unique)');
    db.prepare('insert into t values (1, ?)').run('a');
    expect(classifySqliteError(failureOf(() => db.prepare('insert into t values (1, ?)').run('b')))).toBe('duplicate-key');
    expect(classifySqliteError(failureOf(() => db.prepare('insert into t values (2, ?)').run('a')))).toBe('duplicate-key');
    db.close();
  });

  it('calls a database locked by another connection transient', () => {
    const file = path.join(dir, 'locked.db');
    const holder = new BetterSqlite3(file);
    const waiter = new BetterSqlite3(file);
    waiter.pragma('busy_timeout = 0');
    holder.exec('create table t (id integer)');
    holder.exec('begin immediate');
    expect(classifySqliteError(failureOf(() => waiter.exec('begin immediate')))).toBe('transient');
    holder.exec('rollback');
    holder.close();
    waiter.close();
  });

  it('calls a read-only database unavailable', () => {
    const file = path.join(dir, 'ro.db');
    new BetterSqlite3(file).exec('create table t (id integer)');
    const db = new BetterSqlite3(file, { readonly: true });
    expect(classifySqliteError(failureOf(() => db.exec('insert into t values (1)')))).toBe('unavailable');
    db.close();
  });

  it('leaves bugs (bad SQL, NOT NULL) and foreign errors unclassified', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec('create table t (id integer not null)');
    expect(classifySqliteError(failureOf(() => db.exec('selec 1')))).toBeUndefined();
    expect(classifySqliteError(failureOf(() => db.exec('insert into t values (null)')))).toBeUndefined();
    expect(classifySqliteError(new Error('plain'))).toBeUndefined();
    expect(classifySqliteError({ code: 'ECONNRESET' })).toBeUndefined();
    db.close();
  });
});
