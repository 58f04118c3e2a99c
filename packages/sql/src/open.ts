import { InvalidPersistenceRequestError, UnavailableError, requireSafeInteger } from '@hourglass/core';
import type { PersistenceStores, VisibilityStore } from '@hourglass/core';
import { assertSchemaCompatible, setupSchema } from '@hourglass/schema-tool';
import type { ProgressEvent, StoreName } from '@hourglass/schema-tool';
import type { SqlConnection } from './dialects/dialect.js';
import type { ServerDialectOptions } from './dialects/server-options.js';
import { errorMessage } from './dialects/dialect.js';
import { isServerDialect, loadServerDialect } from './dialects/registry.js';
import type { ServerDialectName } from './dialects/registry.js';
import { openSqlite } from './dialects/sqlite.js';
import { SqlRunner, toPersistenceError } from './runner.js';
import { SqlClusterMetadataStore } from './stores/cluster-metadata.js';
import { SqlExecutionStore } from './stores/execution.js';
import { SqlHistoryStore } from './stores/history.js';
import { SqlNamespaceStore } from './stores/namespace.js';
import { SqlShardStore } from './stores/shard.js';
import { SqlTaskQueueStore } from './stores/task-queue.js';
import { SqlVisibilityStore } from './stores/visibility.js';
import { requireText } from './validate.js';

export interface SqliteStoreOptions {
  readonly dialect: 'sqlite';
  /** A file path, or ':memory:' for a private in-memory database (gone on close). */
  readonly filename: string;
  /** How long a write waits for another process's write lock before failing; default 5 s. */
  readonly busyTimeoutMs?: number;
}

/** Where the server is, plus the server dialects' pool, timeout and TLS settings. */
export type ServerStoreOptions = ServerDialectOptions & {
  readonly dialect: ServerDialectName;
};

export type SqlStoreOptions = SqliteStoreOptions | ServerStoreOptions;

export type OpenSqlStoresOptions = SqlStoreOptions & {
  /** Create or update the main and visibility schemas to the newest packaged version first. */
  readonly setupSchema?: boolean;
  /** How often a transaction that hit a deadlock or busy database is re-run; default 5. */
  readonly transientRetries?: number;
  readonly onSchemaProgress?: (event: ProgressEvent) => void;
};

export interface SqlPersistenceStores extends PersistenceStores {
  readonly visibility: VisibilityStore;
  readonly dialect: string;
  readonly serverVersion: string;
}

const SCHEMA_STORES: readonly StoreName[] = ['main', 'visibility'];

/**
 * Opens the SQL persistence stores. The schema is never changed ad hoc: with `setupSchema` it
 * is brought to the newest packaged version by schema-tool, and in every case a schema older
 * than this code's minimum is refused with the schema-tool command that fixes it.
 */
export async function openSqlStores(options: OpenSqlStoresOptions): Promise<SqlPersistenceStores> {
  validateOptions(options);
  const connection = await openConnection(options);
  try {
    for (const store of SCHEMA_STORES) {
      if (options.setupSchema === true) await setupSchema(connection.executor, { store, onProgress: options.onSchemaProgress });
      await assertSchemaCompatible(connection.executor, { store });
    }
    const serverVersion = await connection.serverVersion();
    return bundle(connection, new SqlRunner(connection, options.transientRetries), serverVersion);
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw toPersistenceError(connection.dialect, err);
  }
}

async function openConnection(options: OpenSqlStoresOptions): Promise<SqlConnection> {
  if (options.dialect === 'sqlite') {
    try {
      return openSqlite({ filename: options.filename, busyTimeoutMs: options.busyTimeoutMs });
    } catch (err) {
      // better-sqlite3 reports a missing directory as a TypeError and other failures as SQLITE_* codes;
      // either way the database cannot be reached from here.
      throw new UnavailableError(`cannot open SQLite database ${options.filename}: ${errorMessage(err)}`, { cause: err });
    }
  }
  const opener = await loadServerDialect(options.dialect);
  const { dialect: _dialect, setupSchema: _setup, transientRetries: _retries, onSchemaProgress: _progress, ...server } = options;
  return opener(server);
}

function bundle(connection: SqlConnection, runner: SqlRunner, serverVersion: string): SqlPersistenceStores {
  let closing: Promise<void> | undefined;
  return {
    dialect: connection.dialect.name,
    serverVersion,
    clusterMetadata: new SqlClusterMetadataStore(runner),
    namespaces: new SqlNamespaceStore(runner),
    shards: new SqlShardStore(runner),
    executions: new SqlExecutionStore(runner),
    history: new SqlHistoryStore(runner),
    taskQueues: new SqlTaskQueueStore(runner),
    visibility: new SqlVisibilityStore(runner),
    // Idempotent: a second close waits for the first instead of closing a closed driver.
    close: () => (closing ??= connection.close()),
  };
}

function validateOptions(options: unknown): asserts options is OpenSqlStoresOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidPersistenceRequestError('openSqlStores needs an options object');
  const o = options as Partial<Record<string, unknown>>;
  if (o.setupSchema !== undefined && typeof o.setupSchema !== 'boolean') throw new InvalidPersistenceRequestError('setupSchema must be a boolean');
  if (o.transientRetries !== undefined) requireSafeInteger(o.transientRetries, 'transientRetries', 0);
  if (o.dialect === 'sqlite') {
    requireText(o.filename, 'filename', 4096);
    if (o.busyTimeoutMs !== undefined) requireSafeInteger(o.busyTimeoutMs, 'busyTimeoutMs', 0);
    return;
  }
  if (!isServerDialect(o.dialect)) {
    throw new InvalidPersistenceRequestError(`dialect must be 'sqlite', 'postgres' or 'mysql', got ${JSON.stringify(o.dialect)}`);
  }
  requireText(o.host, 'host', 255);
  requireSafeInteger(o.port, 'port', 1);
  requireText(o.user, 'user', 255);
  requireText(o.database, 'database', 255);
  if (o.password !== undefined && typeof o.password !== 'string') throw new InvalidPersistenceRequestError('password must be a string');
  if (o.maxConnections !== undefined) requireSafeInteger(o.maxConnections, 'maxConnections', 1);
}
