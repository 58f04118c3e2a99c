import type { PersistenceStores, VisibilityStore } from '@hourglass/core';
import { openSqlStores } from '@hourglass/sql';
import type { OpenSqlStoresOptions } from '@hourglass/sql';
import type { CassandraStoreConfig, ElasticsearchStoreConfig, ServerConfig, SqlStoreConfig, TlsConfig } from './server-config.js';

export interface ConfiguredStores {
  readonly stores: PersistenceStores;
  /** What the cluster reports as its persistence store, e.g. `postgres`. */
  readonly persistenceName: string;
  readonly visibilityName: string;
}

/**
 * Opens the main and visibility stores a config names. Schemas are only created or updated when
 * `autoSetupSchema` is on; otherwise an old or missing schema fails here with the store's
 * SchemaVersionMismatchError, which names the schema-tool command that fixes it.
 */
export async function openConfiguredStores(config: ServerConfig): Promise<ConfiguredStores> {
  const setupSchema = config.persistence.autoSetupSchema;
  const mainConfig = config.persistence.main;
  const main: PersistenceStores = mainConfig.kind === 'cassandra' ? await openCassandra(mainConfig, setupSchema) : await openSqlStores(sqlOptions(mainConfig, setupSchema));
  const visibilityConfig = config.persistence.visibility;
  if (visibilityConfig === undefined) {
    return { stores: main, persistenceName: mainConfig.kind, visibilityName: mainConfig.kind };
  }
  try {
    const visibility = await openVisibility(visibilityConfig, setupSchema);
    const stores: PersistenceStores = {
      clusterMetadata: main.clusterMetadata,
      namespaces: main.namespaces,
      shards: main.shards,
      executions: main.executions,
      history: main.history,
      taskQueues: main.taskQueues,
      visibility: visibility.store,
      close: async () => {
        await Promise.all([main.close(), visibility.close()]);
      },
    };
    return { stores, persistenceName: mainConfig.kind, visibilityName: visibilityConfig.kind };
  } catch (err) {
    await main.close().catch(() => undefined);
    throw err;
  }
}

async function openVisibility(config: SqlStoreConfig | ElasticsearchStoreConfig, setupSchema: boolean): Promise<{ store: VisibilityStore; close: () => Promise<void> }> {
  if (config.kind === 'elasticsearch') {
    // Loaded only when configured, so SQL-only deployments never load the search client.
    const { openElasticsearchVisibilityStore } = await import('@hourglass/elasticsearch');
    const store = await openElasticsearchVisibilityStore({
      url: config.url,
      index: config.index,
      setupSchema,
      ...(config.credentials === undefined ? {} : { username: config.credentials.username, password: config.credentials.password }),
    });
    return { store, close: async () => undefined };
  }
  // A separate SQL visibility database is opened as a whole SQL store; only its visibility part is used.
  const stores = await openSqlStores(sqlOptions(config, setupSchema));
  return { store: stores.visibility, close: () => stores.close() };
}

function sqlOptions(config: SqlStoreConfig, setupSchema: boolean): OpenSqlStoresOptions {
  if (config.kind === 'sqlite') return { dialect: 'sqlite', filename: config.filename, setupSchema };
  return {
    dialect: config.kind,
    host: config.host,
    port: config.port,
    user: config.user,
    ...(config.password === undefined ? {} : { password: config.password }),
    database: config.database,
    ...(config.pool.max === undefined ? {} : { maxConnections: config.pool.max }),
    ...(config.pool.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: config.pool.idleTimeoutMs }),
    ...(config.pool.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.pool.connectTimeoutMs }),
    ...(config.tls === undefined ? {} : { tls: tlsOptions(config.tls) }),
    setupSchema,
  };
}

function tlsOptions(tls: TlsConfig): { ca?: string; cert?: string; key?: string; serverName?: string; rejectUnauthorized: boolean } {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.serverName === undefined ? {} : { serverName: tls.serverName }),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

async function openCassandra(config: CassandraStoreConfig, setupSchema: boolean): Promise<PersistenceStores> {
  // Loaded only when configured, so SQL deployments never load the Cassandra driver.
  const { openCassandraStores } = await import('@hourglass/cassandra');
  return openCassandraStores({
    contactPoints: config.hosts,
    ...(config.port === undefined ? {} : { port: config.port }),
    localDataCenter: config.datacenter,
    keyspace: config.keyspace,
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    ...(config.tls === undefined ? {} : { tls: tlsOptions(config.tls) }),
    ...(config.consistency === undefined ? {} : { consistency: config.consistency }),
    ...(config.serialConsistency === undefined ? {} : { serialConsistency: config.serialConsistency }),
    setupSchema,
  });
}
