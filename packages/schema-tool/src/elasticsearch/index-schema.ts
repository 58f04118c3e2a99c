import { resolve } from 'node:path';
import { SchemaVersionMismatchError } from '@hourglass/core';
import { SchemaToolError, describeCause } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { loadSchemaVersions, resolveTarget } from '../manifest.js';
import { defaultVersionedDir } from '../paths.js';
import type { ProgressEvent } from '../progress.js';
import { compareVersions } from '../versions.js';
import type { HttpMethod, SearchHttpClient, SearchHttpResponse, SearchRequest } from './http.js';
import { describeSearchResponse, searchErrorOf } from './http.js';
import type { IndexDefinition, JsonObject, SchemaMeta } from './mapping.js';
import { indexDefinitionAt, isJsonObject, mappingUpdate, metaMapping, readMeta } from './mapping.js';
import type { SearchServerInfo } from './server.js';
import { describeServer, typelessMappingQuery } from './server.js';

/** One visibility index on one server. */
export interface SearchIndexTarget {
  readonly client: SearchHttpClient;
  readonly server: SearchServerInfo;
  readonly index: string;
}

export function defaultSearchSchemaDir(): string {
  return defaultVersionedDir('elasticsearch', 'visibility');
}

/** The legacy `_template` API is the one every supported server (ES 6.8 to 8.x, OpenSearch) accepts. */
function templatePath(index: string): string {
  return `/_template/${encodeURIComponent(`${index}-template`)}`;
}

async function call(target: SearchIndexTarget, method: HttpMethod, path: string, request: SearchRequest = {}): Promise<SearchHttpResponse> {
  try {
    return await target.client.request(method, path, request);
  } catch (err) {
    throw new SchemaToolError(`${describeServer(target.server)} at ${target.client.baseUrl}: ${describeCause(err)}`, { cause: err });
  }
}

function expectOk(response: SearchHttpResponse, what: string): void {
  if (response.status < 200 || response.status >= 300) throw new SchemaToolError(`${what} failed: ${describeSearchResponse(response)}`);
}

export interface LiveIndex {
  readonly mappings: JsonObject;
  readonly settings: JsonObject;
  readonly meta: SchemaMeta | undefined;
}

/** The index's live typeless mapping and its `index.*` settings; undefined when the index does not exist. */
export async function readLiveIndex(target: SearchIndexTarget): Promise<LiveIndex | undefined> {
  const path = `/${encodeURIComponent(target.index)}`;
  const mappingResponse = await call(target, 'GET', `${path}/_mapping`, { query: typelessMappingQuery(target.server) });
  if (mappingResponse.status === 404) return undefined;
  expectOk(mappingResponse, `GET ${path}/_mapping`);
  const settingsResponse = await call(target, 'GET', `${path}/_settings`);
  expectOk(settingsResponse, `GET ${path}/_settings`);
  // Keyed by the concrete index name, which differs from target.index when that is an alias.
  const mappingEntry = Object.values(mappingResponse.body as JsonObject)[0];
  const settingsEntry = Object.values(settingsResponse.body as JsonObject)[0];
  const mappings = isJsonObject(mappingEntry) && isJsonObject(mappingEntry['mappings']) ? mappingEntry['mappings'] : {};
  const settings = isJsonObject(settingsEntry) && isJsonObject(settingsEntry['settings']) && isJsonObject(settingsEntry['settings']['index']) ? settingsEntry['settings']['index'] : {};
  return { mappings, settings, meta: readMeta(mappings) };
}

export interface SetupSearchSchemaOptions {
  /** Defaults to the newest version. */
  readonly targetVersion?: string;
  /** Directory of `vX.Y/` subdirectories; defaults to the packaged schema. */
  readonly schemaDir?: string;
  /** Also install an index template for the index name (schema-tool does; per-test indices do not). */
  readonly template?: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface SetupSearchSchemaResult {
  readonly previousVersion: string | undefined;
  readonly version: string;
  readonly applied: readonly string[];
}

/**
 * Creates the index at the target version when it is missing, otherwise applies every later
 * version up to the target. Safe to call on every start and from concurrent starters.
 */
export async function setupSearchSchema(target: SearchIndexTarget, options: SetupSearchSchemaOptions = {}): Promise<SetupSearchSchemaResult> {
  const dir = resolve(options.schemaDir ?? defaultSearchSchemaDir());
  const versions = loadSchemaVersions(dir);
  const goal = resolveTarget(versions, options.targetVersion, dir);
  const wanted = versions.filter((v) => compareVersions(v.version, goal.version) <= 0);
  const live = await readLiveIndex(target);
  if (live === undefined) {
    const created = await createIndex(target, wanted, options);
    if (created) return { previousVersion: undefined, version: goal.version, applied: wanted.map((v) => v.version) };
  }
  return updateSearchSchema(target, versions, goal, options);
}

/** Brings an existing index forward to `goal`, one version at a time, recording each in `_meta`. */
export async function updateSearchSchema(
  target: SearchIndexTarget,
  versions: readonly SchemaVersion[],
  goal: SchemaVersion,
  options: Pick<SetupSearchSchemaOptions, 'template' | 'onProgress'> = {},
): Promise<SetupSearchSchemaResult> {
  const live = await readLiveIndex(target);
  if (live === undefined) throw new SchemaToolError(`index ${target.index} does not exist; run setup-schema first`);
  const current = requireOurIndex(target, live);
  const pending = versions.filter((v) => compareVersions(v.version, current.schemaVersion) > 0 && compareVersions(v.version, goal.version) <= 0);
  if (pending.length === 0) {
    options.onProgress?.({ type: 'up-to-date', store: 'visibility', version: current.schemaVersion });
    return { previousVersion: current.schemaVersion, version: current.schemaVersion, applied: [] };
  }
  const hasTemplate = options.template ?? (await call(target, 'HEAD', templatePath(target.index))).status === 200;
  let from = current.schemaVersion;
  for (const version of pending) {
    const before = versions.filter((v) => compareVersions(v.version, from) <= 0);
    const after = versions.filter((v) => compareVersions(v.version, version.version) <= 0);
    const steps = hasTemplate ? 2 : 1;
    options.onProgress?.({ type: 'version-start', store: 'visibility', from, version: version.version, description: version.description, statements: steps });
    const path = `/${encodeURIComponent(target.index)}/_mapping`;
    const body = { ...mappingUpdate(before, after), ...metaMapping({ schemaVersion: version.version, minCompatibleVersion: version.minCompatibleVersion }) };
    options.onProgress?.({ type: 'statement', store: 'visibility', version: version.version, file: version.files.map((f) => f.name).join(', '), index: 0, total: steps, sql: `PUT ${path}`, skipped: false });
    expectOk(await call(target, 'PUT', path, { query: typelessMappingQuery(target.server), body }), `schema version ${version.version}: PUT ${path}`);
    if (hasTemplate) {
      options.onProgress?.({ type: 'statement', store: 'visibility', version: version.version, file: 'index template', index: 1, total: steps, sql: `PUT ${templatePath(target.index)}`, skipped: false });
      await putTemplate(target, indexDefinitionAt(after), version);
    }
    options.onProgress?.({ type: 'version-done', store: 'visibility', version: version.version });
    from = version.version;
  }
  return { previousVersion: current.schemaVersion, version: from, applied: pending.map((v) => v.version) };
}

function requireOurIndex(target: SearchIndexTarget, live: LiveIndex): SchemaMeta {
  if (live.meta === undefined) {
    throw new SchemaToolError(`index ${target.index} exists but was not created by schema-tool (its mapping has no _meta.hourglass); refusing to change it`);
  }
  return live.meta;
}

/** Creates template (optionally) and index at the newest of `versions`; false when another starter created the index first. */
async function createIndex(target: SearchIndexTarget, versions: readonly SchemaVersion[], options: SetupSearchSchemaOptions): Promise<boolean> {
  const newest = versions[versions.length - 1]!;
  const definition = indexDefinitionAt(versions);
  const steps = options.template === true ? 2 : 1;
  options.onProgress?.({ type: 'version-start', store: 'visibility', from: undefined, version: newest.version, description: versions.map((v) => v.description).join('; '), statements: steps });
  if (options.template === true) {
    options.onProgress?.({ type: 'statement', store: 'visibility', version: newest.version, file: 'index template', index: 0, total: steps, sql: `PUT ${templatePath(target.index)}`, skipped: false });
    await putTemplate(target, definition, newest);
  }
  const path = `/${encodeURIComponent(target.index)}`;
  options.onProgress?.({ type: 'statement', store: 'visibility', version: newest.version, file: versions.flatMap((v) => v.files.map((f) => f.name)).join(', '), index: steps - 1, total: steps, sql: `PUT ${path}`, skipped: false });
  const response = await call(target, 'PUT', path, {
    query: typelessMappingQuery(target.server),
    body: { settings: definition.settings, mappings: { ...definition.mappings, ...metaMapping({ schemaVersion: newest.version, minCompatibleVersion: newest.minCompatibleVersion }) } },
  });
  if (response.status === 400 && searchErrorOf(response.body)?.type === 'resource_already_exists_exception') return false;
  expectOk(response, `PUT ${path}`);
  options.onProgress?.({ type: 'version-done', store: 'visibility', version: newest.version });
  return true;
}

async function putTemplate(target: SearchIndexTarget, definition: IndexDefinition, version: SchemaVersion): Promise<void> {
  const path = templatePath(target.index);
  const body = { index_patterns: [target.index], order: 0, settings: definition.settings, mappings: { ...definition.mappings, ...metaMapping({ schemaVersion: version.version, minCompatibleVersion: version.minCompatibleVersion }) } };
  expectOk(await call(target, 'PUT', path, { query: typelessMappingQuery(target.server), body }), `PUT ${path}`);
}

/** Deletes the index and its template; reports which existed. */
export async function dropSearchIndex(target: SearchIndexTarget): Promise<{ index: boolean; template: boolean }> {
  const indexResponse = await call(target, 'DELETE', `/${encodeURIComponent(target.index)}`);
  if (indexResponse.status !== 404) expectOk(indexResponse, `DELETE /${target.index}`);
  const templateResponse = await call(target, 'DELETE', templatePath(target.index));
  if (templateResponse.status !== 404) expectOk(templateResponse, `DELETE ${templatePath(target.index)}`);
  return { index: indexResponse.status !== 404, template: templateResponse.status !== 404 };
}

export interface AssertSearchCompatibleOptions {
  readonly schemaDir?: string;
  /** Connection flags to print in the fix command (e.g. `--url http://... --index ...`). */
  readonly connectionFlags?: string;
}

/**
 * Throws SchemaVersionMismatchError when the index is missing or older than what this code
 * needs (the newest packaged version's minCompatibleVersion), naming the command that fixes it.
 */
export async function assertSearchSchemaCompatible(target: SearchIndexTarget, options: AssertSearchCompatibleOptions = {}): Promise<string> {
  const dir = resolve(options.schemaDir ?? defaultSearchSchemaDir());
  const versions = loadSchemaVersions(dir);
  const newest = versions[versions.length - 1]!;
  const required = newest.minCompatibleVersion;
  const live = await readLiveIndex(target);
  const current = live?.meta?.schemaVersion;
  if (current !== undefined && compareVersions(current, required) >= 0) return current;
  const fixCommand = [
    `npx schema-tool ${live === undefined ? 'setup-schema' : 'update-schema'} --db elasticsearch --store visibility`,
    options.connectionFlags ?? `--url ${target.client.baseUrl} --index ${target.index}`,
    options.schemaDir === undefined ? undefined : `--schema-dir ${dir}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' ');
  const state = live === undefined ? 'does not exist' : current === undefined ? 'was not created by schema-tool' : `has schema version ${current}`;
  throw new SchemaVersionMismatchError(
    `visibility index ${target.index} on ${describeServer(target.server)} ${state}, but this code needs version ${required} or newer (latest is ${newest.version}); run: ${fixCommand}`,
    current,
    required,
    fixCommand,
  );
}
