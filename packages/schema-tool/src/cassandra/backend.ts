import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type cassandra from 'cassandra-driver';
import type { CommandContext, CommandResult, SchemaBackend, SchemaDirRequest, SetupRequest } from '../backend.js';
import { SchemaToolError, SchemaUpdateError, describeCause } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { loadSchemaVersions, resolveTarget, versionsToApply } from '../manifest.js';
import { defaultVersionedDir } from '../paths.js';
import { splitStatements } from '../sql/split.js';
import { compareVersions, isValidVersion, normalizeVersion } from '../versions.js';
import { BOOKKEEPING_TABLES, ensureBookkeeping, readHistory, readStoreState, recordVersion } from './bookkeeping.js';
import type { CassandraTarget } from './connect.js';
import { CASSANDRA_CONNECTION_OPTIONS, cassandraTargetFrom, connectCassandra, requireKeyspace, requireKeyspaceName } from './connect.js';
import { compareKeyspaces, introspectKeyspace } from './introspect.js';
import { CASSANDRA_STORE } from './schema.js';
import { versionStatements } from './statements.js';
import { updateCassandraStore } from './update.js';

async function withClient<T>(target: CassandraTarget, keyspace: string | undefined, work: (client: cassandra.Client) => Promise<T>): Promise<T> {
  const client = await connectCassandra(target, keyspace);
  try {
    return await work(client);
  } finally {
    await client.shutdown();
  }
}

async function keyspaceExists(client: cassandra.Client, keyspace: string): Promise<boolean> {
  const rs = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], { prepare: true });
  return rs.rowLength > 0;
}

function replication(target: CassandraTarget): string {
  const dc = target.datacenter.replace(/'/g, "''");
  return `{'class': 'NetworkTopologyStrategy', '${dc}': ${target.replicationFactor}}`;
}

/** `--db cassandra`: the main store in one keyspace; create-database/drop-database manage the keyspace. */
export const cassandraBackend: SchemaBackend = {
  name: 'cassandra',
  summary: 'Apache Cassandra 3.11 or newer (--keyspace names the keyspace; main store only)',
  stores: [CASSANDRA_STORE],
  connectionOptions: CASSANDRA_CONNECTION_OPTIONS,

  async setupSchema(context, request) {
    const target = cassandraTargetFrom(context.options);
    const keyspace = requireKeyspace(target);
    if (request.schemaFile !== undefined) return withClient(target, keyspace, (client) => applySchemaFile(client, keyspace, context, request));
    const versions = loadSchemaVersions(versionedDir(context, request));
    return withClient(target, keyspace, async (client) => {
      const existing = (await readStoreState(client, keyspace, context.store)).current;
      if (existing !== undefined) {
        context.reporter.info(`store ${context.store} is already set up at version ${existing.currentVersion}; use update-schema to move it forward`);
        return setupResult(context, existing.currentVersion, []);
      }
      const result = await updateCassandraStore(client, { keyspace, store: context.store, versions, target: versions[0]!, onProgress: (e) => context.reporter.progress(e) });
      return setupResult(context, result.version, result.applied);
    });
  },

  async updateSchema(context, request) {
    const target = cassandraTargetFrom(context.options);
    const keyspace = requireKeyspace(target);
    const dir = versionedDir(context, request);
    const versions = loadSchemaVersions(dir);
    const targetVersion = resolveTarget(versions, request.targetVersion === undefined ? undefined : normalizeVersion(request.targetVersion), dir);
    return withClient(target, keyspace, async (client) => {
      if (request.dryRun) return dryRun(client, keyspace, context, versions, targetVersion);
      const result = await updateCassandraStore(client, { keyspace, store: context.store, versions, target: targetVersion, onProgress: (e) => context.reporter.progress(e) });
      const text =
        result.applied.length === 0
          ? [`${context.store}: already at version ${result.version}`]
          : [`${context.store}: updated ${result.previousVersion ?? 'empty'} -> ${result.version} (applied ${result.applied.join(', ')})`];
      return { ok: true, text, json: { command: 'update-schema', store: context.store, previousVersion: result.previousVersion ?? null, version: result.version, applied: result.applied } };
    });
  },

  async createDatabase(context) {
    const target = cassandraTargetFrom(context.options);
    const keyspace = requireKeyspace(target);
    const created = await withClient(target, undefined, async (client) => {
      if (await keyspaceExists(client, keyspace)) return false;
      await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication(target)}`);
      return true;
    });
    return {
      ok: true,
      text: [created ? `created keyspace ${keyspace} (${target.datacenter}: ${target.replicationFactor} replicas)` : `keyspace ${keyspace} already exists`],
      json: { command: 'create-database', keyspace, created, datacenter: target.datacenter, replicationFactor: target.replicationFactor },
    };
  },

  async dropDatabase(context) {
    const target = cassandraTargetFrom(context.options);
    const keyspace = requireKeyspace(target);
    const dropped = await withClient(target, undefined, async (client) => {
      if (!(await keyspaceExists(client, keyspace))) return false;
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      return true;
    });
    return { ok: true, text: [dropped ? `dropped keyspace ${keyspace}` : `keyspace ${keyspace} did not exist`], json: { command: 'drop-database', keyspace, dropped } };
  },

  async version(context, request) {
    const target = cassandraTargetFrom(context.options);
    const keyspace = requireKeyspace(target);
    const versions = loadSchemaVersions(versionedDir(context, request));
    const latest = versions[versions.length - 1]!;
    return withClient(target, keyspace, async (client) => {
      const current = (await readStoreState(client, keyspace, context.store)).current;
      const history = await readHistory(client, keyspace, context.store);
      const compatible = current !== undefined && compareVersions(current.currentVersion, latest.minCompatibleVersion) >= 0;
      const pending = versionsToApply(versions, current?.currentVersion, latest.version).map((v) => v.version);
      const text = [
        `store:    ${context.store} (keyspace ${keyspace})`,
        `current:  ${current?.currentVersion ?? 'not set up'}${current ? ` (updated ${current.updateTime})` : ''}`,
        `required: ${latest.minCompatibleVersion} or newer`,
        `latest:   ${latest.version}`,
        `status:   ${compatible ? 'compatible' : 'needs update-schema'}${pending.length > 0 ? `; pending ${pending.join(', ')}` : ''}`,
      ];
      return {
        ok: true,
        text,
        json: {
          command: 'version',
          store: context.store,
          keyspace,
          currentVersion: current?.currentVersion ?? null,
          minCompatibleVersion: current?.minCompatibleVersion ?? null,
          requiredVersion: latest.minCompatibleVersion,
          latestVersion: latest.version,
          compatible,
          pendingVersions: pending,
          history,
        },
      };
    });
  },

  async validate(context, request) {
    const target = cassandraTargetFrom(context.options);
    const keyspace = requireKeyspace(target);
    const versions = loadSchemaVersions(versionedDir(context, request));
    return withClient(target, keyspace, async (client) => {
      const row = (await readStoreState(client, keyspace, context.store)).current;
      if (row === undefined) throw new SchemaToolError(`store ${context.store} in keyspace ${keyspace} is not set up; nothing to validate (run setup-schema)`);
      const applied = versions.filter((v) => compareVersions(v.version, row.currentVersion) <= 0);
      const scratch = requireKeyspaceName(`${keyspace.slice(0, 30)}_validate_${randomBytes(4).toString('hex')}`);
      context.reporter.info(`building the expected schema at version ${row.currentVersion} in scratch keyspace ${scratch}`);
      const expected = await withScratchKeyspace(client, target, scratch, async (scratchClient) => {
        for (const version of applied) {
          for (const [index, statement] of versionStatements(version).entries()) {
            try {
              await scratchClient.execute(statement.cql);
            } catch (err) {
              throw new SchemaUpdateError(version.version, statement.file, index, statement.cql, err);
            }
          }
        }
        return introspectKeyspace(scratchClient, scratch, BOOKKEEPING_TABLES);
      });
      const live = await introspectKeyspace(client, keyspace, BOOKKEEPING_TABLES);
      const drift = compareKeyspaces(expected, live);
      const ok = drift.differences.length === 0;
      const text = ok
        ? [`${context.store} schema in keyspace ${keyspace} matches version ${row.currentVersion} (${expected.size} tables checked)`]
        : [`${context.store} schema in keyspace ${keyspace} drifted from version ${row.currentVersion}:`, ...drift.differences.map((d) => `  - ${d}`)];
      if (drift.otherTables.length > 0) text.push(`note: tables outside the ${context.store} schema: ${drift.otherTables.join(', ')}`);
      return {
        ok,
        text,
        json: { command: 'validate', store: context.store, keyspace, version: row.currentVersion, ok, differences: drift.differences, otherTables: drift.otherTables, tablesChecked: expected.size },
      };
    });
  },
};

function versionedDir(context: CommandContext, request: SchemaDirRequest): string {
  return resolve(request.schemaDir ?? defaultVersionedDir('cassandra', context.store));
}

async function withScratchKeyspace<T>(client: cassandra.Client, target: CassandraTarget, scratch: string, work: (scratchClient: cassandra.Client) => Promise<T>): Promise<T> {
  await client.execute(`CREATE KEYSPACE ${scratch} WITH replication = ${replication({ ...target, replicationFactor: 1 })}`);
  try {
    return await withClient(target, scratch, work);
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${scratch}`);
  }
}

function setupResult(context: CommandContext, version: string, applied: readonly string[]): CommandResult {
  return {
    ok: true,
    text: [applied.length > 0 ? `${context.store}: set up at version ${version}` : `${context.store}: already set up at version ${version}`],
    json: { command: 'setup-schema', store: context.store, version, applied },
  };
}

async function dryRun(client: cassandra.Client, keyspace: string, context: CommandContext, versions: readonly SchemaVersion[], target: SchemaVersion): Promise<CommandResult> {
  const state = await readStoreState(client, keyspace, context.store);
  const current = state.current?.currentVersion;
  const pending = versionsToApply(versions, current, target.version);
  const text: string[] = [`-- dry run: ${context.store} ${current ?? 'empty'} -> ${target.version}; nothing is changed`];
  if (pending.length === 0) text.push(`-- already at version ${current}`);
  const planned = pending.map((version) => {
    const resumeFrom = state.pending?.version === version.version ? state.pending.applied : 0;
    const statements = versionStatements(version);
    text.push(`-- version ${version.version}: ${version.description}`);
    for (const [index, statement] of statements.entries()) {
      const done = index < resumeFrom;
      text.push(`-- ${statement.file}:${statement.line}${done ? ' (already applied by an interrupted run; skipped)' : ''}`);
      text.push(`${done ? '-- ' : ''}${statement.cql.replace(/\n/g, done ? '\n-- ' : '\n')};`);
    }
    return {
      version: version.version,
      description: version.description,
      statements: statements.map((s, index) => ({ file: s.file, line: s.line, cql: s.cql, alreadyApplied: index < resumeFrom })),
    };
  });
  return {
    ok: true,
    text,
    json: { command: 'update-schema', dryRun: true, store: context.store, currentVersion: current ?? null, targetVersion: target.version, versions: planned },
  };
}

/** `setup-schema --schema-file`: one CQL file applied as a whole, recorded as `--initial-version` unless versioning is off. */
async function applySchemaFile(client: cassandra.Client, keyspace: string, context: CommandContext, request: SetupRequest): Promise<CommandResult> {
  const path = resolve(request.schemaFile!);
  if (!existsSync(path)) throw new SchemaToolError(`schema file not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  let statements;
  try {
    statements = splitStatements(text);
  } catch (err) {
    throw new SchemaToolError(`${path}: ${describeCause(err)}`);
  }
  let version: SchemaVersion | undefined;
  if (!request.disableVersioning) {
    if (request.initialVersion === undefined || !isValidVersion(request.initialVersion)) {
      throw new SchemaToolError('--schema-file needs --disable-versioning, or --initial-version X.Y to record the version it creates');
    }
    const normalized = normalizeVersion(request.initialVersion);
    version = { version: normalized, minCompatibleVersion: normalized, description: `schema file ${path}`, dir: path, files: [{ name: path, path, text }], checksum: createHash('sha256').update(text).digest('hex') };
    await ensureBookkeeping(client);
    const existing = await readStoreState(client, keyspace, context.store);
    if (existing.current !== undefined || existing.pending !== undefined) {
      throw new SchemaToolError(`store ${context.store} is already set up (version ${existing.current?.currentVersion ?? `${existing.pending?.version}, interrupted`}); --schema-file only sets up an empty store`);
    }
  }
  for (const [index, statement] of statements.entries()) {
    context.reporter.info(`[${index + 1}/${statements.length}] ${statement.sql.split('\n')[0]}`);
    try {
      await client.execute(statement.sql);
    } catch (err) {
      throw new SchemaUpdateError(version?.version ?? 'unversioned', path, index, statement.sql, err);
    }
  }
  if (version) await recordVersion(client, context.store, undefined, version);
  return {
    ok: true,
    text: [`${context.store}: applied ${statements.length} statements from ${path}${version ? ` as version ${version.version}` : ' (versioning disabled)'}`],
    json: { command: 'setup-schema', store: context.store, schemaFile: path, statements: statements.length, version: version?.version ?? null },
  };
}
