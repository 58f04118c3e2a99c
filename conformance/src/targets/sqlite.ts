import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOpenSqlStores } from '../store-modules.js';
import type { OpenedTarget } from '../target.js';

export async function openSqliteMemory(): Promise<OpenedTarget> {
  const openSqlStores = await loadOpenSqlStores();
  const stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  return {
    stores,
    visibility: stores.visibility,
    serverVersion: stores.serverVersion,
    teardown: () => stores.close(),
  };
}

export async function openSqliteFile(): Promise<OpenedTarget> {
  const openSqlStores = await loadOpenSqlStores();
  const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-conformance-'));
  try {
    const stores = await openSqlStores({ dialect: 'sqlite', filename: path.join(dir, 'conformance.db'), setupSchema: true });
    return {
      stores,
      visibility: stores.visibility,
      serverVersion: stores.serverVersion,
      teardown: async () => {
        try {
          await stores.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
