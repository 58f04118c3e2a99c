import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { MySqlContainer } from '@testcontainers/mysql';
import { TargetUnavailableError } from '../target.js';
import type { OpenedTarget } from '../target.js';
import { openOnFreshSqlDatabase } from './sql-server.js';
import { openOnFreshKeyspace } from './cassandra.js';
import { openOnFreshIndex } from './search.js';

export type ContainerRuntimeStatus = { readonly available: true; readonly description: string } | { readonly available: false; readonly reason: string };

/** Asks testcontainers for a working Docker-compatible runtime; never throws. */
export async function probeContainerRuntime(): Promise<ContainerRuntimeStatus> {
  try {
    const client = await getContainerRuntimeClient();
    return { available: true, description: `${client.info.containerRuntime.host} (${client.info.containerRuntime.remoteSocketPath})` };
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

const STARTUP_TIMEOUT_MS = 300_000;

/** Pull or start failures (no registry access, image missing, health check never passing) make the cell not-run. */
async function startOrUnavailable<T extends StartedTestContainer>(image: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw new TargetUnavailableError(`container ${image} did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function withContainerStop(opened: OpenedTarget, container: StartedTestContainer): OpenedTarget {
  return {
    ...opened,
    teardown: async () => {
      try {
        await opened.teardown();
      } finally {
        await container.stop();
      }
    },
  };
}

async function openThenStopOnFailure(container: StartedTestContainer, open: () => Promise<OpenedTarget>): Promise<OpenedTarget> {
  try {
    return withContainerStop(await open(), container);
  } catch (err) {
    await container.stop();
    throw err;
  }
}

export async function openPostgresContainer(image: string): Promise<OpenedTarget> {
  const container = await startOrUnavailable(image, () => new PostgreSqlContainer(image).withStartupTimeout(STARTUP_TIMEOUT_MS).start());
  return openThenStopOnFailure(container, () =>
    openOnFreshSqlDatabase('postgres', {
      host: container.getHost(),
      port: container.getPort(),
      user: container.getUsername(),
      password: container.getPassword(),
      adminDatabase: container.getDatabase(),
    }),
  );
}

export async function openMysqlContainer(image: string): Promise<OpenedTarget> {
  // The stores send blobs hex-encoded inside the statement, so a 4 MB blob needs a packet above
  // 8 MB; the images default to 4 MB (5.7). Character set as the local MariaDB runs.
  const container = await startOrUnavailable(image, () =>
    new MySqlContainer(image)
      .withCommand(['--max-allowed-packet=64M', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_bin'])
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start(),
  );
  return openThenStopOnFailure(container, () =>
    openOnFreshSqlDatabase('mysql', { host: container.getHost(), port: container.getPort(), user: 'root', password: container.getRootPassword() }),
  );
}

const CASSANDRA_DATACENTER = 'datacenter1';

export async function openCassandraContainer(image: string, version: string): Promise<OpenedTarget> {
  const container = await startOrUnavailable(image, () =>
    new GenericContainer(image)
      .withExposedPorts(9042)
      .withEnvironment({
        CASSANDRA_DC: CASSANDRA_DATACENTER,
        CASSANDRA_ENDPOINT_SNITCH: 'GossipingPropertyFileSnitch',
        CASSANDRA_NUM_TOKENS: '1',
        MAX_HEAP_SIZE: '1G',
        HEAP_NEWSIZE: '100M',
        JVM_EXTRA_OPTS: '-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.initial_token=0',
      })
      .withWaitStrategy(Wait.forAll([Wait.forListeningPorts(), Wait.forLogMessage(/Starting listening for CQL clients|Startup complete/)]))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start(),
  );
  return openThenStopOnFailure(container, () =>
    openOnFreshKeyspace({ host: container.getHost(), port: container.getMappedPort(9042), datacenter: CASSANDRA_DATACENTER }, version),
  );
}

export async function openElasticsearchContainer(image: string): Promise<OpenedTarget> {
  const container = await startOrUnavailable(image, () =>
    new GenericContainer(image)
      .withExposedPorts(9200)
      .withEnvironment({
        'discovery.type': 'single-node',
        'xpack.security.enabled': 'false',
        ES_JAVA_OPTS: '-Xms512m -Xmx512m',
      })
      .withWaitStrategy(Wait.forHttp('/', 9200).forStatusCode(200))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start(),
  );
  return openThenStopOnFailure(container, () => openOnFreshIndex(`http://${container.getHost()}:${container.getMappedPort(9200)}`));
}
