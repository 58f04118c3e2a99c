import cassandra from 'cassandra-driver';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import type { PersistenceStores } from '@hourglass/core';
import { assertCassandraSchemaCompatible, setupCassandraSchema } from '@hourglass/schema-tool';
import { mapDriverError } from './driver-errors.js';
import type { CassandraStoreOptions } from './options.js';
import { clientOptions, consistencyLevels, validateOptions } from './options.js';
import { CqlSession } from './session.js';
import { CassandraClusterMetadataStore } from './stores/cluster-metadata.js';
import { CassandraExecutionStore } from './stores/execution.js';
import { CassandraHistoryStore } from './stores/history.js';
import { CassandraNamespaceStore } from './stores/namespace.js';
import { CassandraShardStore } from './stores/shard.js';
import { CassandraTaskQueueStore } from './stores/task-queue.js';

export interface CassandraStores extends PersistenceStores {
  /** release_version of the node the driver first connected to. */
  readonly serverVersion: string;
}

/**
 * Connects to the keyspace and returns every store except visibility (which Cassandra
 * deployments keep in Elasticsearch). Refuses a keyspace whose schema is older than this code
 * needs, naming the schema-tool command that updates it.
 */
export async function openCassandraStores(options: CassandraStoreOptions): Promise<CassandraStores> {
  validateOptions(options);
  const levels = consistencyLevels(options);
  const client = new cassandra.Client(clientOptions(options, levels));
  try {
    await client.connect();
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    if (err instanceof cassandra.errors.ResponseError && /keyspace .* does not exist/i.test(err.message)) {
      const flags = `--endpoint ${options.contactPoints.join(',')} --port ${options.port ?? 9042} --datacenter ${options.localDataCenter} --keyspace ${options.keyspace}`;
      throw new InvalidPersistenceRequestError(
        `cassandra keyspace ${options.keyspace} does not exist; create it with: npx schema-tool create-keyspace --db cassandra ${flags} --replication-factor <n>, then: npx schema-tool update-schema --db cassandra ${flags}`,
        { cause: err },
      );
    }
    throw mapDriverError(err, `connect to keyspace ${options.keyspace}`);
  }
  try {
    if (options.setupSchema === true) {
      await setupCassandraSchema(client, { keyspace: options.keyspace, ...(options.schemaDir === undefined ? {} : { schemaDir: options.schemaDir }) });
    }
    await assertCassandraSchemaCompatible(client, {
      keyspace: options.keyspace,
      contactPoints: options.contactPoints,
      port: options.port ?? 9042,
      datacenter: options.localDataCenter,
      ...(options.schemaDir === undefined ? {} : { schemaDir: options.schemaDir }),
    });
    const session = new CqlSession(client, levels);
    const version = await session.execute('SELECT release_version FROM system.local', [], 'read server version');
    const shards = new CassandraShardStore(session);
    return {
      serverVersion: String(version.first()?.get('release_version') ?? 'unknown'),
      clusterMetadata: new CassandraClusterMetadataStore(session),
      namespaces: new CassandraNamespaceStore(session),
      shards,
      executions: new CassandraExecutionStore(session),
      history: new CassandraHistoryStore(session),
      taskQueues: new CassandraTaskQueueStore(session),
      close: () => client.shutdown(),
    };
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw mapDriverError(err, 'open');
  }
}
