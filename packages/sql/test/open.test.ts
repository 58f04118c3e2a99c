import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, SchemaVersionMismatchError, UnavailableError } from '@hourglass/core';
import { setupSchema, sqliteExecutor } from '@hourglass/schema-tool';
import { DialectNotAvailableError, loadDialectModule } from '../src/dialects/registry.js';
import { openSqlStores } from '../src/open.js';
import type { OpenSqlStoresOptions } from '../src/open.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hourglass-sql-open-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const blob = (text: string) => ({ encoding: 'test', data: new TextEncoder().encode(text) });

describe('openSqlStores on SQLite', () => {
  it('sets up both schemas, reports dialect and server version, and keeps data across a reopen', async () => {
    const filename = path.join(dir, 'store.db');
    const first = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: true });
    expect(first.dialect).toBe('sqlite');
    expect(first.serverVersion).toMatch(/^3\.\d+\.\d+/);
    await first.namespaces.createNamespace({ id: 'ns-1', name: 'orders', data: blob('x'), isGlobal: false });
    await first.close();

    // setupSchema again is a no-op on an up-to-date schema, and without it the schema is only checked.
    for (const setup of [true, false]) {
      const again = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: setup });
      expect((await again.namespaces.getNamespace({ name: 'orders' })).id).toBe('ns-1');
      await again.close();
    }
  });

  it('uses WAL with a busy timeout for files', async () => {
    const filename = path.join(dir, 'wal.db');
    const stores = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: true, busyTimeoutMs: 1234 });
    await stores.close();
    const probe = new BetterSqlite3(filename);
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
  });

  it('refuses a database without the schema, naming the schema-tool command that fixes it', async () => {
    const filename = path.join(dir, 'empty.db');
    const failure = openSqlStores({ dialect: 'sqlite', filename });
    await expect(failure).rejects.toBeInstanceOf(SchemaVersionMismatchError);
    const err = (await failure.catch((e: unknown) => e)) as SchemaVersionMismatchError;
    expect(err.fixCommand).toContain('schema-tool');
    expect(err.fixCommand).toContain('--store main');
    expect(err.fixCommand).toContain(filename);
  });

  it('refuses a database whose visibility schema is missing even when main is current', async () => {
    const filename = path.join(dir, 'main-only.db');
    const handle = new BetterSqlite3(filename);
    await setupSchema(sqliteExecutor(handle), { store: 'main' });
    handle.close();
    const err = (await openSqlStores({ dialect: 'sqlite', filename }).catch((e: unknown) => e)) as SchemaVersionMismatchError;
    expect(err).toBeInstanceOf(SchemaVersionMismatchError);
    expect(err.fixCommand).toContain('--store visibility');
  });

  it('gives every :memory: open its own database', async () => {
    const a = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
    const b = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
    await a.namespaces.createNamespace({ id: 'ns-a', name: 'only-in-a', data: blob('a'), isGlobal: false });
    await expect(b.namespaces.listNamespaces({ pageSize: 10 })).resolves.toEqual({ items: [] });
    await a.close();
    await b.close();
  });

  it('closes once, however often close is called', async () => {
    const stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
    await Promise.all([stores.close(), stores.close()]);
    await expect(stores.close()).resolves.toBeUndefined();
  });

  it('reports a file that cannot be opened as UnavailableError', async () => {
    const filename = path.join(dir, 'no', 'such', 'dir', 'x.db');
    await expect(openSqlStores({ dialect: 'sqlite', filename, setupSchema: true })).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('openSqlStores options', () => {
  it.each([
    ['no dialect', { filename: 'x.db' }],
    ['an unknown dialect', { dialect: 'oracle', filename: 'x.db' }],
    ['an empty SQLite filename', { dialect: 'sqlite', filename: '' }],
    ['a negative busy timeout', { dialect: 'sqlite', filename: ':memory:', busyTimeoutMs: -1 }],
    ['a non-boolean setupSchema', { dialect: 'sqlite', filename: ':memory:', setupSchema: 'yes' }],
    ['a server without host', { dialect: 'postgres', port: 5432, user: 'u', database: 'd' }],
    ['a server with port 0', { dialect: 'mysql', host: 'localhost', port: 0, user: 'u', database: 'd' }],
    ['a server without database', { dialect: 'postgres', host: 'localhost', port: 5432, user: 'u' }],
  ])('rejects %s with InvalidPersistenceRequestError', async (_what, options) => {
    await expect(openSqlStores(options as unknown as OpenSqlStoresOptions)).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
  });
});

/** A TCP port on which nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openSqlStores on a server dialect', () => {
  it.each(['postgres', 'mysql'] as const)('reports a %s server that refuses connections as UnavailableError', async (dialect) => {
    const port = await closedPort();
    const failure = openSqlStores({ dialect, host: '127.0.0.1', port, user: 'nobody', database: 'none', setupSchema: true });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({ retryable: true, message: expect.stringContaining(String(port)) });
  });
});

describe('dialect registry', () => {
  it('reports a dialect module missing from the build as DialectNotAvailableError', async () => {
    const err = (await loadDialectModule('cockroach', { module: './cockroach.js', opener: 'openCockroachConnection' }).catch((e: unknown) => e)) as DialectNotAvailableError;
    expect(err).toBeInstanceOf(DialectNotAvailableError);
    expect(err).toBeInstanceOf(InvalidPersistenceRequestError);
    expect(err.message).toMatch(/'cockroach' is not available: this build has no \.\/cockroach\.js module/);
  });
});
