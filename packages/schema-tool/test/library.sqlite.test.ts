import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaVersionMismatchError } from '@hourglass/core';
import { assertSchemaCompatible, schemaRoot, setupSchema, sqliteExecutor } from '../src/index.js';
import type { ProgressEvent } from '../src/index.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'portable');

describe('library API on SQLite', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  const openDb = (): Database.Database => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-tool-lib-'));
    const db = new Database(join(dir, 'test.db'));
    cleanups.push(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return db;
  };

  it('sets up to the latest version, records history, and is idempotent', async () => {
    const db = openDb();
    const executor = sqliteExecutor(db);
    const events: ProgressEvent[] = [];
    const first = await setupSchema(executor, { store: 'main', schemaDir: FIXTURE, onProgress: (e) => events.push(e) });
    expect(first.version).toBe('1.2');
    expect(events.filter((e) => e.type === 'version-done').map((e) => (e as { version: string }).version)).toEqual(['1.0', '1.1', '1.2']);
    const columns = db.prepare(`SELECT name FROM pragma_table_info('namespaces')`).all() as { name: string }[];
    expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'data', 'notes']);
    expect(db.prepare('SELECT data FROM namespaces').get()).toEqual({ data: 'semi;colon' });

    const again = await setupSchema(executor, { store: 'main', schemaDir: FIXTURE });
    expect(again.version).toBe('1.2');
    const history = db.prepare(`SELECT old_version, new_version FROM schema_update_history WHERE store = 'main' ORDER BY new_version`).all();
    expect(history).toEqual([
      { old_version: null, new_version: '1.0' },
      { old_version: '1.0', new_version: '1.1' },
      { old_version: '1.1', new_version: '1.2' },
    ]);
  });

  it('stops at a target version and keeps stores apart', async () => {
    const db = openDb();
    const executor = sqliteExecutor(db);
    expect(await setupSchema(executor, { store: 'main', schemaDir: FIXTURE, targetVersion: '1.0' })).toEqual({ version: '1.0' });
    const rows = db.prepare('SELECT store, curr_version FROM schema_version').all();
    expect(rows).toEqual([{ store: 'main', curr_version: '1.0' }]);
    await expect(setupSchema(executor, { store: 'main', schemaDir: FIXTURE, targetVersion: '9.9' })).rejects.toThrow(/unknown schema version 9.9/);
  });

  it('assertSchemaCompatible names the fix command', async () => {
    const db = openDb();
    const executor = sqliteExecutor(db);
    const missing = await assertSchemaCompatible(executor, { store: 'main', schemaDir: FIXTURE }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SchemaVersionMismatchError);
    const error = missing as SchemaVersionMismatchError;
    expect(error.currentVersion).toBeUndefined();
    expect(error.minimumVersion).toBe('1.1');
    expect(error.fixCommand).toContain('schema-tool update-schema --db sqlite --store main --database ');
    expect(error.message).toContain(error.fixCommand);

    await setupSchema(executor, { store: 'main', schemaDir: FIXTURE, targetVersion: '1.0' });
    await expect(assertSchemaCompatible(executor, { store: 'main', schemaDir: FIXTURE })).rejects.toThrow(/version 1.0/);
    // 1.1 is the newest version's minCompatibleVersion, so it is enough.
    await setupSchema(executor, { store: 'main', schemaDir: FIXTURE, targetVersion: '1.1' });
    await assertSchemaCompatible(executor, { store: 'main', schemaDir: FIXTURE });
  });

  it('rolls a failing version back entirely', async () => {
    const db = openDb();
    const executor = sqliteExecutor(db);
    await setupSchema(executor, { store: 'main', schemaDir: FIXTURE, targetVersion: '1.1' });
    db.exec('CREATE TABLE tasks (x INT)');
    await expect(setupSchema(executor, { store: 'main', schemaDir: FIXTURE })).rejects.toThrow(/schema version 1.2: statement 1 of tasks.sql failed/);
    expect(db.prepare(`SELECT curr_version FROM schema_version WHERE store = 'main'`).get()).toEqual({ curr_version: '1.1' });
  });

  it('schemaRoot points at the package schema directory', () => {
    expect(schemaRoot()).toBe(join(import.meta.dirname, '..', 'schema'));
  });
});
