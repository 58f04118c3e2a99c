import { resolve } from 'node:path';
import type cassandra from 'cassandra-driver';
import { SchemaVersionMismatchError } from '@hourglass/core';
import { loadSchemaVersions, resolveTarget } from '../manifest.js';
import type { StoreName } from '../paths.js';
import { defaultVersionedDir } from '../paths.js';
import type { ProgressEvent } from '../progress.js';
import { shellQuote } from '../sql/executor.js';
import { compareVersions } from '../versions.js';
import { readStoreState } from './bookkeeping.js';
import { connectionFlags } from './connect.js';
import { updateCassandraStore } from './update.js';

/** Only the main store lives in Cassandra; visibility on Cassandra deployments is Elasticsearch's. */
export const CASSANDRA_STORE: StoreName = 'main';

export interface SetupCassandraSchemaOptions {
  /** The keyspace the client is bound to; it must exist. */
  readonly keyspace: string;
  /** Defaults to the newest packaged version. */
  readonly targetVersion?: string;
  readonly schemaDir?: string;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Brings the keyspace's main store to the target version; safe to call on every start and from many processes at once. */
export async function setupCassandraSchema(client: cassandra.Client, options: SetupCassandraSchemaOptions): Promise<{ version: string }> {
  const dir = options.schemaDir ?? defaultVersionedDir('cassandra', CASSANDRA_STORE);
  const versions = loadSchemaVersions(dir);
  const target = resolveTarget(versions, options.targetVersion, dir);
  const result = await updateCassandraStore(client, { keyspace: options.keyspace, store: CASSANDRA_STORE, versions, target, onProgress: options.onProgress });
  return { version: result.version };
}

export interface AssertCassandraCompatibleOptions {
  readonly keyspace: string;
  /** How the caller reached the cluster, so the fix command in the error reaches it too. */
  readonly contactPoints: readonly string[];
  readonly port: number;
  readonly datacenter: string;
  readonly schemaDir?: string;
}

/**
 * Throws SchemaVersionMismatchError when the keyspace's schema is older than the newest packaged
 * version's `minCompatibleVersion`; the message carries the schema-tool command that fixes it.
 */
export async function assertCassandraSchemaCompatible(client: cassandra.Client, options: AssertCassandraCompatibleOptions): Promise<void> {
  const dir = options.schemaDir ?? defaultVersionedDir('cassandra', CASSANDRA_STORE);
  const versions = loadSchemaVersions(dir);
  const newest = versions[versions.length - 1]!;
  const required = newest.minCompatibleVersion;
  const current = (await readStoreState(client, options.keyspace, CASSANDRA_STORE)).current?.currentVersion;
  if (current !== undefined && compareVersions(current, required) >= 0) return;
  const fixCommand = [
    'npx schema-tool update-schema --db cassandra',
    connectionFlags(options, options.keyspace),
    options.schemaDir === undefined ? undefined : `--schema-dir ${shellQuote(resolve(options.schemaDir))}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' ');
  const state = current === undefined ? 'has no hourglass schema' : `has schema version ${current}`;
  throw new SchemaVersionMismatchError(
    `the cassandra keyspace ${options.keyspace} ${state}, but this code needs version ${required} or newer (latest is ${newest.version}); run: ${fixCommand}`,
    current,
    required,
    fixCommand,
  );
}
