import { describe, expect, it } from 'vitest';
import { MARIADB_SQL, POSTGRES_SQL, SQLITE_SQL, numberPlaceholders, repeatWhereParams } from '../src/baseline-sql.js';
import { DEFAULT_OPTIONS, UsageError, parseOptions } from '../src/options.js';
import { DB_LABELS, isUnreachable } from '../src/servers.js';
import type { SqlStatement } from '../src/sql-script.js';
import { completeTasks, createTasks } from '../src/workloads.js';
import type { Workload } from '../src/workloads.js';
import type { BaselineSql } from '../src/baseline-sql.js';

/** The statements a baseline unit yields, fed with results that pass its checks. */
function statementsOf(workload: Workload, sql: BaselineSql): SqlStatement[] {
  const seen: SqlStatement[] = [];
  for (const unit of workload.baseline({ roundStart: 0, index: 0, opsPerRound: 10 }, sql)) {
    const script = unit.script();
    let step = script.next();
    while (!step.done) {
      seen.push(step.value);
      step = script.next(step.value.kind === 'get' ? { range_id: 1 } : step.value.kind === 'all' ? [{}] : { changes: 1 });
    }
  }
  return seen;
}

describe('--db and HOURGLASS_BENCH_DBS', () => {
  it('defaults to every database, not chosen', () => {
    expect(parseOptions([])).toMatchObject({ dbs: ['sqlite', 'postgres', 'mariadb', 'cassandra'], dbsChosen: false });
    expect(DEFAULT_OPTIONS.dbsChosen).toBe(false);
  });

  it('takes comma lists, repeated flags and the env var, in a fixed order', () => {
    expect(parseOptions(['--db', 'cassandra,postgres'])).toMatchObject({ dbs: ['postgres', 'cassandra'], dbsChosen: true });
    expect(parseOptions(['--db=MariaDB', '--db', 'sqlite'])).toMatchObject({ dbs: ['sqlite', 'mariadb'], dbsChosen: true });
    expect(parseOptions([], { HOURGLASS_BENCH_DBS: 'postgres' })).toMatchObject({ dbs: ['postgres'], dbsChosen: true });
    // The flag wins over the environment.
    expect(parseOptions(['--db', 'sqlite'], { HOURGLASS_BENCH_DBS: 'postgres' })).toMatchObject({ dbs: ['sqlite'] });
    expect(parseOptions([], { HOURGLASS_BENCH_DBS: ' ' })).toMatchObject({ dbsChosen: false });
  });

  it('refuses unknown databases, MySQL included (the server is MariaDB)', () => {
    expect(() => parseOptions(['--db', 'mysql'])).toThrow(UsageError);
    expect(() => parseOptions(['--db', ','])).toThrow(UsageError);
    expect(() => parseOptions([], { HOURGLASS_BENCH_DBS: 'oracle' })).toThrow(UsageError);
  });

  it('labels MariaDB as MariaDB', () => {
    expect(DB_LABELS.mariadb).toBe('MariaDB');
  });
});

describe('baseline SQL per database', () => {
  it('numbers placeholders for PostgreSQL', () => {
    expect(numberPlaceholders('SELECT a FROM t WHERE b = ? AND c < ? LIMIT ?')).toBe('SELECT a FROM t WHERE b = $1 AND c < $2 LIMIT $3');
  });

  it('keeps the SQLite baseline text as it was', () => {
    const [del] = statementsOf(completeTasks, SQLITE_SQL);
    expect(del?.sql).toBe('DELETE FROM tasks WHERE namespace_id = ? AND name = ? AND task_type = ? AND task_id < ? ORDER BY task_id LIMIT ?');
    const [lease, upsert] = statementsOf(createTasks, SQLITE_SQL);
    expect(lease?.sql).toBe('SELECT range_id FROM task_queues WHERE namespace_id = ? AND name = ? AND task_type = ?');
    expect(upsert?.sql).toContain('ON CONFLICT (namespace_id, name, task_type, task_id) DO UPDATE SET expiry_time = excluded.expiry_time, data = excluded.data, data_encoding = excluded.data_encoding');
  });

  it('locks the lease row as the store does, and upserts in each dialect', () => {
    const [pgLease] = statementsOf(createTasks, POSTGRES_SQL);
    expect(pgLease?.sql).toMatch(/ FOR SHARE$/);
    const [mariaLease, mariaUpsert] = statementsOf(createTasks, MARIADB_SQL);
    expect(mariaLease?.sql).toMatch(/ LOCK IN SHARE MODE$/);
    expect(mariaUpsert?.sql).toContain('ON DUPLICATE KEY UPDATE expiry_time = VALUES(expiry_time), data = VALUES(data), data_encoding = VALUES(data_encoding)');
  });

  it('deletes the first tasks with a key subquery on PostgreSQL, whose params repeat the WHERE', () => {
    const [del] = statementsOf(completeTasks, POSTGRES_SQL);
    expect(del?.sql).toBe(
      'DELETE FROM tasks WHERE namespace_id = ? AND name = ? AND task_type = ? AND task_id < ? AND task_id IN ' +
        '(SELECT task_id FROM tasks WHERE namespace_id = ? AND name = ? AND task_type = ? AND task_id < ? ORDER BY task_id LIMIT ?)',
    );
    expect(del?.params).toHaveLength(9);
    expect(repeatWhereParams(POSTGRES_SQL, ['a', 'b'], 1)).toEqual(['a', 'b', 'a', 'b', 1]);
    expect(repeatWhereParams(MARIADB_SQL, ['a', 'b'], 1)).toEqual(['a', 'b', 1]);
  });
});

describe('isUnreachable', () => {
  it('recognises refused connections, also wrapped, and the Cassandra driver\'s NoHostAvailableError', () => {
    expect(isUnreachable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnreachable(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ETIMEDOUT' }) }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('All host(s) tried for query failed'), { name: 'NoHostAvailableError' }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe(false);
  });
});
