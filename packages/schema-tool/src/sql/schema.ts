import { resolve } from 'node:path';
import { SchemaVersionMismatchError } from '@hourglass/core';
import { loadSchemaVersions, resolveTarget } from '../manifest.js';
import type { StoreName } from '../paths.js';
import { defaultVersionedDir } from '../paths.js';
import type { ProgressEvent } from '../progress.js';
import { compareVersions } from '../versions.js';
import { readStoreVersion } from './bookkeeping.js';
import type { SqlExecutor } from './executor.js';
import { shellQuote } from './executor.js';
import { updateStore } from './update.js';

export interface SetupSchemaOptions {
  readonly store: StoreName;
  /** Defaults to the newest version in the schema directory. */
  readonly targetVersion?: string;
  /** The directory holding `vX.Y/` subdirectories; defaults to the packaged schema for the executor's dialect. */
  readonly schemaDir?: string;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/**
 * Creates the bookkeeping tables when missing and brings the store to `targetVersion`, so a
 * store or server can call it on every start.
 */
export async function setupSchema(executor: SqlExecutor, options: SetupSchemaOptions): Promise<{ version: string }> {
  const dir = options.schemaDir ?? defaultVersionedDir(executor.dialect, options.store);
  const versions = loadSchemaVersions(dir);
  const target = resolveTarget(versions, options.targetVersion, dir);
  const result = await updateStore(executor, { store: options.store, versions, target, onProgress: options.onProgress });
  return { version: result.version };
}

export interface AssertCompatibleOptions {
  readonly store: StoreName;
  readonly schemaDir?: string;
}

/**
 * Throws SchemaVersionMismatchError when the database's schema is older than what this code
 * needs: the newest packaged version's `minCompatibleVersion`. The message carries the exact
 * schema-tool command that fixes it.
 */
export async function assertSchemaCompatible(executor: SqlExecutor, options: AssertCompatibleOptions): Promise<void> {
  const dir = options.schemaDir ?? defaultVersionedDir(executor.dialect, options.store);
  const versions = loadSchemaVersions(dir);
  const newest = versions[versions.length - 1]!;
  const required = newest.minCompatibleVersion;
  const current = (await readStoreVersion(executor, options.store))?.currentVersion;
  if (current !== undefined && compareVersions(current, required) >= 0) return;
  const fixCommand = [
    'npx schema-tool update-schema',
    `--db ${executor.dialect}`,
    `--store ${options.store}`,
    executor.connectionFlags,
    options.schemaDir === undefined ? undefined : `--schema-dir ${shellQuote(resolve(options.schemaDir))}`,
  ]
    .filter((part): part is string => part !== undefined && part.length > 0)
    .join(' ');
  const state = current === undefined ? `has no ${options.store} schema` : `has ${options.store} schema version ${current}`;
  throw new SchemaVersionMismatchError(
    `the ${executor.dialect} database ${state}, but this code needs version ${required} or newer (latest is ${newest.version}); run: ${fixCommand}`,
    current,
    required,
    fixCommand,
  );
}
