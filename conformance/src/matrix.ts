import { TargetUnavailableError } from './target.js';
import type { OpenedTarget, Target, TargetCapabilities, TargetFamily } from './target.js';
import { openSqliteFile, openSqliteMemory } from './targets/sqlite.js';
import { DEFAULT_RUN_DIR, readRunFile } from './targets/local-server.js';
import type { CassandraRunFile, SearchRunFile, SqlServerRunFile } from './targets/local-server.js';
import { openOnFreshSqlDatabase } from './targets/sql-server.js';
import { openOnFreshKeyspace } from './targets/cassandra.js';
import { openOnFreshIndex } from './targets/search.js';
import {
  openCassandraContainer,
  openElasticsearchContainer,
  openMysqlContainer,
  openPostgresContainer,
  probeContainerRuntime,
} from './targets/containers.js';
import type { ContainerRuntimeStatus } from './targets/containers.js';

/** What the matrix needs from its environment; tests inject their own. */
export interface MatrixEnvironment {
  /** Directory of `<target>.json` files written by conformance/servers/start.sh. */
  readonly runDir: string;
  /** Called at most once per matrix, when the first container target opens. */
  readonly probeContainerRuntime: () => Promise<ContainerRuntimeStatus>;
}

export const defaultMatrixEnvironment: MatrixEnvironment = { runDir: DEFAULT_RUN_DIR, probeContainerRuntime };

const CORE_AND_VISIBILITY: TargetCapabilities = { coreStores: true, visibility: true };
/** Cassandra keeps no visibility: Temporal dropped Cassandra standard visibility, and so does Hourglass. */
const CORE_ONLY: TargetCapabilities = { coreStores: true, visibility: false };
const VISIBILITY_ONLY: TargetCapabilities = { coreStores: false, visibility: true };

function memoize<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}

export function buildMatrix(env: MatrixEnvironment = defaultMatrixEnvironment): Target[] {
  const runtime = memoize(env.probeContainerRuntime);
  const requireRuntime = async (): Promise<void> => {
    const status = await runtime();
    if (!status.available) throw new TargetUnavailableError(`no container runtime: ${status.reason}`);
  };

  const localSql = (name: string, family: 'postgres' | 'mariadb', serverVersion: string): Target => ({
    name,
    family,
    serverVersion,
    provider: 'local-server',
    capabilities: CORE_AND_VISIBILITY,
    open: async () => {
      const run = await readRunFile<SqlServerRunFile>(env.runDir, name, ['host', 'port', 'user', 'database']);
      // MariaDB speaks the MySQL protocol, so the store opens it with the mysql dialect.
      return openOnFreshSqlDatabase(family === 'postgres' ? 'postgres' : 'mysql', {
        host: run.host,
        port: run.port,
        user: run.user,
        password: run.password,
        adminDatabase: run.database,
      });
    },
  });

  const localCassandra = (name: string, serverVersion: string): Target => ({
    name,
    family: 'cassandra',
    serverVersion,
    provider: 'local-server',
    capabilities: CORE_ONLY,
    open: async () => {
      const run = await readRunFile<CassandraRunFile>(env.runDir, name, ['host', 'port', 'datacenter']);
      return openOnFreshKeyspace({ host: run.host, port: run.port, datacenter: run.datacenter }, run.serverVersion ?? serverVersion);
    },
  });

  const localSearch = (name: string, family: 'elasticsearch' | 'opensearch', serverVersion: string): Target => ({
    name,
    family,
    serverVersion,
    provider: 'local-server',
    capabilities: VISIBILITY_ONLY,
    open: async () => {
      const run = await readRunFile<SearchRunFile>(env.runDir, name, ['url']);
      return openOnFreshIndex(run.url);
    },
  });

  const container = (
    name: string,
    family: TargetFamily,
    serverVersion: string,
    capabilities: TargetCapabilities,
    start: () => Promise<OpenedTarget>,
  ): Target => ({
    name,
    family,
    serverVersion,
    provider: 'testcontainers',
    capabilities,
    open: async () => {
      await requireRuntime();
      return start();
    },
  });

  const elastic = (version: string) => `docker.elastic.co/elasticsearch/elasticsearch:${version}`;

  return [
    { name: 'sqlite-memory', family: 'sqlite', provider: 'embedded', capabilities: CORE_AND_VISIBILITY, open: openSqliteMemory },
    { name: 'sqlite-file', family: 'sqlite', provider: 'embedded', capabilities: CORE_AND_VISIBILITY, open: openSqliteFile },

    localSql('postgres-15', 'postgres', '15'),
    localSql('postgres-10.18', 'postgres', '10.18'),
    localSql('postgres-13.4', 'postgres', '13.4'),
    localSql('mariadb-10.11', 'mariadb', '10.11'),
    localCassandra('cassandra-4.0', '4.0'),
    localCassandra('cassandra-3.11', '3.11'),
    localSearch('elasticsearch-7.10.2', 'elasticsearch', '7.10.2'),
    localSearch('elasticsearch-6.8.9', 'elasticsearch', '6.8.9'),
    localSearch('opensearch-2', 'opensearch', '2'),
    localSearch('elasticsearch-8', 'elasticsearch', '8.5.0'),

    container('tc-postgres-10.18', 'postgres', '10.18', CORE_AND_VISIBILITY, () => openPostgresContainer('postgres:10.18')),
    container('tc-postgres-13.4', 'postgres', '13.4', CORE_AND_VISIBILITY, () => openPostgresContainer('postgres:13.4')),
    container('tc-mysql-5.7', 'mysql', '5.7', CORE_AND_VISIBILITY, () => openMysqlContainer('mysql:5.7')),
    container('tc-mysql-8.0.19', 'mysql', '8.0.19', CORE_AND_VISIBILITY, () => openMysqlContainer('mysql:8.0.19')),
    container('tc-cassandra-3.11', 'cassandra', '3.11', CORE_ONLY, () => openCassandraContainer('cassandra:3.11', '3.11')),
    container('tc-cassandra-4.0', 'cassandra', '4.0', CORE_ONLY, () => openCassandraContainer('cassandra:4.0', '4.0')),
    container('tc-elasticsearch-6.8.23', 'elasticsearch', '6.8.23', VISIBILITY_ONLY, () => openElasticsearchContainer(elastic('6.8.23'))),
    container('tc-elasticsearch-7.10.2', 'elasticsearch', '7.10.2', VISIBILITY_ONLY, () => openElasticsearchContainer(elastic('7.10.2'))),
    container('tc-elasticsearch-8.5.0', 'elasticsearch', '8.5.0', VISIBILITY_ONLY, () => openElasticsearchContainer(elastic('8.5.0'))),
  ];
}

export interface SelectedTarget {
  readonly target: Target;
  /** Set when HOURGLASS_TARGETS leaves the target out. */
  readonly excludedReason?: string;
  /**
   * A required target that cannot be opened fails instead of reporting not-run: the embedded
   * targets always need nothing outside the repository, and CI requires every server it started.
   */
  readonly required?: boolean;
}

function parseNameList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function rejectUnknown(targets: readonly Target[], names: readonly string[], variable: string): void {
  const known = new Set(targets.map((t) => t.name));
  const unknown = names.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    throw new Error(`${variable} names unknown targets: ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
}

/**
 * Applies HOURGLASS_TARGETS (a comma list of target names; unset or empty means all) and
 * HOURGLASS_REQUIRED_TARGETS (targets that must open; embedded targets are always required when
 * selected). A name that matches no target is an error, so a typo cannot silently turn a run
 * into "nothing ran".
 */
export function selectTargets(targets: readonly Target[], hourglassTargets: string | undefined, requiredTargets?: string): SelectedTarget[] {
  const wanted = parseNameList(hourglassTargets);
  const required = parseNameList(requiredTargets);
  rejectUnknown(targets, wanted, 'HOURGLASS_TARGETS');
  rejectUnknown(targets, required, 'HOURGLASS_REQUIRED_TARGETS');
  const chosen = new Set(wanted);
  const mustOpen = new Set(required);
  return targets.map((target) => {
    if (wanted.length > 0 && !chosen.has(target.name)) {
      return { target, excludedReason: 'excluded by HOURGLASS_TARGETS' };
    }
    return { target, required: target.provider === 'embedded' || mustOpen.has(target.name) };
  });
}
