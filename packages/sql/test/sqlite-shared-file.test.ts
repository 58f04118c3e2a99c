import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlStores } from '../src/open.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hourglass-sql-shared-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const blob = { encoding: 'test', data: new Uint8Array([1, 2, 3]) };

describe('two opens of one SQLite file in one process', () => {
  it('interleave their writes without stalling on the file lock', async () => {
    const filename = path.join(dir, 'shared.db');
    const a = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: true });
    // Opening (and setting up) while the first store is in use goes through the same connection lock.
    const [b] = await Promise.all([
      openSqlStores({ dialect: 'sqlite', filename, setupSchema: true }),
      a.namespaces.createNamespace({ id: 'first', name: 'first', data: blob, isGlobal: false }),
    ]);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).namespaces.createNamespace({ id: `ns-${i}`, name: `name-${i}`, data: blob, isGlobal: false })),
    );
    // Two separate synchronous connections would each wait out busy_timeout (5 s) while the other holds the lock.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await b.namespaces.listNamespaces({ pageSize: 100 })).items).toHaveLength(21);
    await a.close();
    expect((await b.namespaces.getNamespace({ id: 'ns-0' })).name).toBe('name-0');
    await b.close();
  });

  it('share the connection across paths that name the same file, and reopen cleanly after both closed', async () => {
    const filename = path.join(dir, 'real.db');
    const alias = path.join(dir, 'alias.db');
    const a = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: true });
    await symlink(filename, alias);
    const b = await openSqlStores({ dialect: 'sqlite', filename: alias });
    await Promise.all([
      a.namespaces.createNamespace({ id: 'x', name: 'x', data: blob, isGlobal: false }),
      b.namespaces.createNamespace({ id: 'y', name: 'y', data: blob, isGlobal: false }),
    ]);
    await Promise.all([a.close(), b.close(), a.close()]);
    const again = await openSqlStores({ dialect: 'sqlite', filename: alias });
    expect((await again.namespaces.listNamespaces({ pageSize: 10 })).items.map((n) => n.id)).toEqual(['x', 'y']);
    await again.close();
  });
});
