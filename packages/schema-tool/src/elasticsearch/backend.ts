import { resolve } from 'node:path';
import type { CommandContext, CommandResult, SchemaBackend, SchemaDirRequest } from '../backend.js';
import type { OptionSpec, OptionValues } from '../cli/options.js';
import { SchemaToolError, describeCause } from '../errors.js';
import { loadSchemaVersions, resolveTarget } from '../manifest.js';
import { compareVersions, normalizeVersion } from '../versions.js';
import { SearchHttpClient } from './http.js';
import type { SearchIndexTarget } from './index-schema.js';
import { defaultSearchSchemaDir, dropSearchIndex, readLiveIndex, setupSearchSchema, updateSearchSchema } from './index-schema.js';
import { indexDefinitionAt } from './mapping.js';
import { describeServer, detectSearchServer } from './server.js';
import { compareIndex } from './validate.js';

export const SEARCH_CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { name: 'url', type: 'string', env: 'ES_URL', valueName: 'url', description: 'Elasticsearch/OpenSearch base URL', default: 'http://127.0.0.1:9200' },
  { name: 'index', type: 'string', env: 'ES_VIS_INDEX', valueName: 'name', description: 'visibility index name' },
  { name: 'es-user', type: 'string', env: 'ES_USER', valueName: 'name', description: 'basic-auth user for the search server' },
  { name: 'es-password', type: 'string', env: 'ES_PWD', valueName: 'secret', description: 'basic-auth password (prefer the env variable)' },
];

function text(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function connect(context: CommandContext): Promise<SearchIndexTarget> {
  const index = text(context.options, 'index');
  if (index === undefined) throw new SchemaToolError('--db elasticsearch needs --index (or ES_VIS_INDEX)');
  const url = text(context.options, 'url') ?? 'http://127.0.0.1:9200';
  const user = text(context.options, 'es-user');
  const client = new SearchHttpClient({ url, ...(user === undefined ? {} : { username: user, password: text(context.options, 'es-password') ?? '' }) });
  let server;
  try {
    server = await detectSearchServer(client);
  } catch (err) {
    throw new SchemaToolError(`cannot reach a search server at ${url}: ${describeCause(err)}`, { cause: err });
  }
  context.reporter.info(`connected to ${describeServer(server)} at ${url}`);
  return { client, server, index };
}

const versionedDir = (request: SchemaDirRequest): string => resolve(request.schemaDir ?? defaultSearchSchemaDir());

/** `--db elasticsearch`: the visibility index on Elasticsearch 6.8/7.x/8.x or OpenSearch. */
export const elasticsearchBackend: SchemaBackend = {
  name: 'elasticsearch',
  summary: 'Elasticsearch 6.8, 7.x, 8.x or OpenSearch visibility index (--url, --index)',
  stores: ['visibility'],
  connectionOptions: SEARCH_CONNECTION_OPTIONS,

  async setupSchema(context, request) {
    if (request.schemaFile !== undefined) throw new SchemaToolError('--schema-file applies SQL files; --db elasticsearch takes versioned JSON mapping directories (--schema-dir)');
    const dir = versionedDir(request);
    const base = loadSchemaVersions(dir)[0]!;
    const target = await connect(context);
    const existing = await readLiveIndex(target);
    if (existing !== undefined) {
      const version = existing.meta?.schemaVersion;
      if (version === undefined) throw new SchemaToolError(`index ${target.index} already exists but was not created by schema-tool`);
      context.reporter.info(`index ${target.index} is already set up at version ${version}; use update-schema to move it forward`);
      return setupResult(target.index, version, []);
    }
    const result = await setupSearchSchema(target, { schemaDir: dir, targetVersion: base.version, template: true, onProgress: (e) => context.reporter.progress(e) });
    return setupResult(target.index, result.version, result.applied);
  },

  async updateSchema(context, request) {
    const dir = versionedDir(request);
    const versions = loadSchemaVersions(dir);
    const goal = resolveTarget(versions, request.targetVersion === undefined ? undefined : normalizeVersion(request.targetVersion), dir);
    const target = await connect(context);
    const live = await readLiveIndex(target);
    if (request.dryRun) {
      const current = live?.meta?.schemaVersion;
      const pending = versions.filter((v) => (current === undefined || compareVersions(v.version, current) > 0) && compareVersions(v.version, goal.version) <= 0);
      return {
        ok: true,
        text: [`dry run: ${target.index} ${current ?? 'missing'} -> ${goal.version}; nothing is changed`, ...pending.map((v) => `  version ${v.version}: ${v.description} (${v.files.map((f) => f.name).join(', ')})`)],
        json: { command: 'update-schema', dryRun: true, index: target.index, currentVersion: current ?? null, targetVersion: goal.version, versions: pending.map((v) => v.version) },
      };
    }
    const onProgress = (e: Parameters<typeof context.reporter.progress>[0]) => context.reporter.progress(e);
    const result =
      live === undefined
        ? await setupSearchSchema(target, { schemaDir: dir, targetVersion: goal.version, template: true, onProgress })
        : await updateSearchSchema(target, versions, goal, { onProgress });
    const text =
      result.applied.length === 0
        ? [`${target.index}: already at version ${result.version}`]
        : [`${target.index}: updated ${result.previousVersion ?? 'missing'} -> ${result.version} (applied ${result.applied.join(', ')})`];
    return { ok: true, text, json: { command: 'update-schema', store: 'visibility', index: target.index, previousVersion: result.previousVersion ?? null, version: result.version, applied: result.applied } };
  },

  async createDatabase() {
    throw new SchemaToolError('--db elasticsearch has no database to create: setup-schema creates the index and its template');
  },

  async dropDatabase(context) {
    const target = await connect(context);
    const dropped = await dropSearchIndex(target);
    return {
      ok: true,
      text: [dropped.index ? `deleted index ${target.index}${dropped.template ? ' and its template' : ''}` : `index ${target.index} did not exist`],
      json: { command: 'drop-database', index: target.index, dropped: dropped.index, templateDropped: dropped.template },
    };
  },

  async version(context, request) {
    const versions = loadSchemaVersions(versionedDir(request));
    const latest = versions[versions.length - 1]!;
    const target = await connect(context);
    const live = await readLiveIndex(target);
    const current = live?.meta;
    const compatible = current !== undefined && compareVersions(current.schemaVersion, latest.minCompatibleVersion) >= 0;
    const pending = versions.filter((v) => current === undefined || compareVersions(v.version, current.schemaVersion) > 0).map((v) => v.version);
    const state = live === undefined ? 'index missing' : current === undefined ? 'index not created by schema-tool' : current.schemaVersion;
    return {
      ok: true,
      text: [
        `index:    ${target.index} on ${describeServer(target.server)}`,
        `current:  ${state}`,
        `required: ${latest.minCompatibleVersion} or newer`,
        `latest:   ${latest.version}`,
        `status:   ${compatible ? 'compatible' : 'needs update-schema'}${pending.length > 0 ? `; pending ${pending.join(', ')}` : ''}`,
      ],
      json: {
        command: 'version',
        store: 'visibility',
        index: target.index,
        server: target.server,
        currentVersion: current?.schemaVersion ?? null,
        minCompatibleVersion: current?.minCompatibleVersion ?? null,
        requiredVersion: latest.minCompatibleVersion,
        latestVersion: latest.version,
        compatible,
        pendingVersions: pending,
      },
    };
  },

  async validate(context, request) {
    const versions = loadSchemaVersions(versionedDir(request));
    const target = await connect(context);
    const live = await readLiveIndex(target);
    if (live === undefined) throw new SchemaToolError(`index ${target.index} does not exist; nothing to validate (run setup-schema)`);
    if (live.meta === undefined) throw new SchemaToolError(`index ${target.index} was not created by schema-tool (no _meta.hourglass in its mapping)`);
    const version = live.meta.schemaVersion;
    const applied = versions.filter((v) => compareVersions(v.version, version) <= 0);
    const differences = compareIndex(indexDefinitionAt(applied), live);
    const ok = differences.length === 0;
    return {
      ok,
      text: ok ? [`${target.index} mapping matches version ${version}`] : [`${target.index} mapping drifted from version ${version}:`, ...differences.map((d) => `  - ${d}`)],
      json: { command: 'validate', store: 'visibility', index: target.index, version, ok, differences },
    };
  },
};

function setupResult(index: string, version: string, applied: readonly string[]): CommandResult {
  return {
    ok: true,
    text: [applied.length > 0 ? `${index}: set up at version ${version}` : `${index}: already set up at version ${version}`],
    json: { command: 'setup-schema', store: 'visibility', index, version, applied },
  };
}
