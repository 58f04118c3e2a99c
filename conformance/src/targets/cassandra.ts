import cassandra from 'cassandra-driver';
import { loadOpenCassandraStores } from '../store-modules.js';
import { TargetUnavailableError } from '../target.js';
import type { OpenedTarget } from '../target.js';
import { randomResourceName } from './random-name.js';
import { isServerUnreachable } from './unreachable.js';

export interface CassandraAddress {
  readonly host: string;
  readonly port: number;
  readonly datacenter: string;
}

async function withCassandra<T>(address: CassandraAddress, body: (client: cassandra.Client) => Promise<T>): Promise<T> {
  const client = new cassandra.Client({
    contactPoints: [address.host],
    protocolOptions: { port: address.port },
    localDataCenter: address.datacenter,
  });
  try {
    await client.connect();
  } catch (err) {
    await client.shutdown();
    throw isServerUnreachable(err)
      ? new TargetUnavailableError(`cassandra not reachable at ${address.host}:${address.port}: ${String(err)}`, { cause: err })
      : err;
  }
  try {
    return await body(client);
  } finally {
    await client.shutdown();
  }
}

/** Opens the stores in a fresh keyspace; teardown closes them and drops the keyspace. */
export async function openOnFreshKeyspace(address: CassandraAddress, expectedVersion: string): Promise<OpenedTarget> {
  const keyspace = randomResourceName();
  const releaseVersion = await withCassandra(address, async (client) => {
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    const rs = await client.execute('SELECT release_version FROM system.local');
    return String(rs.first()?.get('release_version') ?? expectedVersion);
  });
  const dropKeyspace = () => withCassandra(address, (client) => client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`));
  try {
    const openCassandraStores = await loadOpenCassandraStores();
    const stores = await openCassandraStores({
      contactPoints: [address.host],
      port: address.port,
      localDataCenter: address.datacenter,
      keyspace,
      setupSchema: true,
    });
    return {
      stores,
      visibility: stores.visibility,
      serverVersion: stores.serverVersion ?? releaseVersion,
      teardown: async () => {
        try {
          await stores.close();
        } finally {
          await dropKeyspace();
        }
      },
    };
  } catch (err) {
    await dropKeyspace();
    throw err;
  }
}
