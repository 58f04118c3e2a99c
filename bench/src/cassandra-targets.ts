import cassandra from 'cassandra-driver';
import { openCassandraStores } from '@hourglass/cassandra';
import type { CassandraStores } from '@hourglass/cassandra';
import { setupCassandraSchema } from '@hourglass/schema-tool';
import { CASSANDRA_QUERY_OPTIONS, RawCassandraExecutor } from './raw-cassandra.js';
import { BENCH_DATABASE_NAMES, cassandraAddress, isUnreachable, ServerNotAvailable } from './servers.js';
import { StoreTarget } from './server-targets.js';
import type { OpenedServer, ServerTarget } from './server-targets.js';
import type { OpPosition } from './workload-data.js';
import { completeTasks, completeWorkflowTask, createExecution, createTasks, getTasks, seedStore } from './workloads.js';
import type { Workload } from './workloads.js';

/** The Cassandra baseline of each workload (the SQL baselines in workloads.ts do not apply to CQL). */
const BASELINES = new Map<Workload, (raw: RawCassandraExecutor, p: OpPosition) => Promise<void>>([
  [createExecution, (raw, p) => raw.createExecution(p)],
  [completeWorkflowTask, (raw, p) => raw.updateExecution(p)],
  [createTasks, (raw, p) => raw.createTasks(p)],
  [getTasks, (raw, p) => raw.getTasks(p)],
  [completeTasks, (raw, p) => raw.completeTasks(p)],
]);

class RawCassandraTarget implements ServerTarget {
  readonly name = 'raw';
  constructor(private readonly executor: RawCassandraExecutor) {}

  execute(workload: Workload, p: OpPosition): Promise<void> {
    const baseline = BASELINES.get(workload);
    if (!baseline) throw new Error(`no Cassandra baseline for workload ${workload.name}`);
    return baseline(this.executor, p);
  }
}

/** Tables the workloads write, in the Cassandra schema (runs, current rows, tasks and the shard share `executions`). */
const CASSANDRA_WRITTEN_TABLES = ['executions', 'history_node', 'task_queues'] as const;

export async function openCassandra(): Promise<OpenedServer> {
  const address = cassandraAddress();
  const client = (keyspace?: string) =>
    new cassandra.Client({
      contactPoints: [address.host],
      protocolOptions: { port: address.port },
      localDataCenter: address.datacenter,
      queryOptions: CASSANDRA_QUERY_OPTIONS,
      ...(keyspace ? { keyspace } : {}),
    });
  const admin = client();
  try {
    await admin.connect();
  } catch (err) {
    await admin.shutdown().catch(() => undefined);
    if (isUnreachable(err)) throw new ServerNotAvailable(`Cassandra at ${address.host}:${address.port} not reachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    throw err;
  }
  const keyspaces = Object.values(BENCH_DATABASE_NAMES);
  const dropAll = async () => {
    for (const keyspace of keyspaces) await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  };
  let stores: CassandraStores | undefined;
  let raw: cassandra.Client | undefined;
  try {
    await dropAll();
    for (const keyspace of keyspaces) {
      await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    }
    stores = await openCassandraStores({
      contactPoints: [address.host],
      port: address.port,
      localDataCenter: address.datacenter,
      keyspace: BENCH_DATABASE_NAMES.hourglass,
      setupSchema: true,
    });
    await seedStore(stores);
    raw = client(BENCH_DATABASE_NAMES.raw);
    await raw.connect();
    await setupCassandraSchema(raw, { keyspace: BENCH_DATABASE_NAMES.raw });
    const executor = new RawCassandraExecutor(raw);
    await executor.seed();
    const version = await admin.execute('SELECT release_version FROM system.local');
    const [openedStores, rawClient] = [stores, raw];
    return {
      db: 'cassandra',
      serverVersion: String(version.first()?.get('release_version') ?? 'unknown'),
      targets: [new StoreTarget(openedStores), new RawCassandraTarget(executor)],
      async rowCounts() {
        const counts = async (keyspace: string) => {
          const result: Record<string, number> = {};
          for (const table of CASSANDRA_WRITTEN_TABLES) {
            const rs = await admin.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.${table}`, [], { consistency: cassandra.types.consistencies.localQuorum, readTimeout: 60_000 });
            result[table] = Number(rs.first()?.get('n'));
          }
          return result;
        };
        return { hourglass: await counts(BENCH_DATABASE_NAMES.hourglass), raw: await counts(BENCH_DATABASE_NAMES.raw) };
      },
      async closeAll() {
        try {
          await openedStores.close();
          await rawClient.shutdown();
          await dropAll();
        } finally {
          await admin.shutdown();
        }
      },
    };
  } catch (err) {
    await stores?.close().catch(() => undefined);
    await raw?.shutdown().catch(() => undefined);
    await dropAll().catch(() => undefined);
    await admin.shutdown().catch(() => undefined);
    throw err;
  }
}
