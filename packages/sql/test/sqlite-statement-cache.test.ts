import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../src/dialects/sqlite.js';

describe('withStatementCache', () => {
  it('hands back the same prepared statement for the same SQL', () => {
    const handle = new BetterSqlite3(':memory:');
    const cached = withStatementCache(handle, 4);
    expect(cached.prepare('select 1')).toBe(cached.prepare('select 1'));
    expect(cached.prepare('select 1')).not.toBe(cached.prepare('select 2'));
    cached.close();
  });

  it('evicts the least recently used statement beyond its capacity', () => {
    const handle = new BetterSqlite3(':memory:');
    const cached = withStatementCache(handle, 2);
    const one = cached.prepare('select 1');
    const two = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(one); // now 2 is the least recently used
    cached.prepare('select 3');
    expect(cached.prepare('select 1')).toBe(one);
    expect(cached.prepare('select 2')).not.toBe(two);
    cached.close();
  });

  it('keeps cached statements valid across schema changes and closes the handle', () => {
    const handle = new BetterSqlite3(':memory:');
    const cached = withStatementCache(handle, 8);
    handle.exec('create table t (a integer)');
    cached.prepare('insert into t (a) values (1)').run();
    handle.exec('alter table t add column b integer');
    cached.prepare('insert into t (a) values (1)').run();
    expect(cached.prepare('select count(*) as n from t').get()).toEqual({ n: 2 });
    cached.close();
    expect(handle.open).toBe(false);
  });
});
