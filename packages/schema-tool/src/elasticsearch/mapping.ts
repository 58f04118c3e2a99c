import { SchemaToolError } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';

/**
 * Each version file is a JSON fragment `{ "settings"?: {...}, "mappings": {...} }` in the
 * typeless 7.x form. The index at version X has the fragments of every version up to X merged:
 * later fragments add properties and may replace dynamic_templates; only the first version may
 * carry settings, because the static index settings cannot change on a live index.
 */
export type JsonObject = Record<string, unknown>;

export interface IndexDefinition {
  readonly settings: JsonObject;
  readonly mappings: JsonObject;
}

export interface SchemaMeta {
  readonly schemaVersion: string;
  readonly minCompatibleVersion: string;
}

/** Our bookkeeping lives in the mapping's `_meta`, so it travels with the index and needs no side table. */
export const META_KEY = 'hourglass';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Fragment {
  readonly settings?: JsonObject;
  readonly mappings: JsonObject;
}

function parseFragment(version: SchemaVersion, name: string, text: string): Fragment {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SchemaToolError(`${version.dir}/${name} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isJsonObject(raw) || !isJsonObject(raw['mappings'])) {
    throw new SchemaToolError(`${version.dir}/${name} must be an object with a "mappings" object`);
  }
  const extra = Object.keys(raw).filter((key) => key !== 'mappings' && key !== 'settings');
  if (extra.length > 0) throw new SchemaToolError(`${version.dir}/${name}: unknown top-level keys ${extra.join(', ')}`);
  if (raw['settings'] !== undefined && !isJsonObject(raw['settings'])) {
    throw new SchemaToolError(`${version.dir}/${name}: "settings" must be an object`);
  }
  if (isJsonObject(raw['mappings']['_meta'])) {
    throw new SchemaToolError(`${version.dir}/${name}: "_meta" is written by schema-tool, not by version files`);
  }
  return raw as unknown as Fragment;
}

/** Merges `properties` recursively; any other key of the later fragment replaces the earlier value. */
function mergeMappings(base: JsonObject, next: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(next)) {
    const previous = merged[key];
    if (key === 'properties' && isJsonObject(previous) && isJsonObject(value)) {
      const properties: JsonObject = { ...previous };
      for (const [field, fieldMapping] of Object.entries(value)) {
        const old = properties[field];
        properties[field] = isJsonObject(old) && isJsonObject(fieldMapping) ? mergeMappings(old, fieldMapping) : fieldMapping;
      }
      merged[key] = properties;
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

/** The full index definition at the newest of `versions` (which must be oldest first). */
export function indexDefinitionAt(versions: readonly SchemaVersion[]): IndexDefinition {
  let settings: JsonObject = {};
  let mappings: JsonObject = {};
  versions.forEach((version, position) => {
    for (const file of version.files) {
      const fragment = parseFragment(version, file.name, file.text);
      if (fragment.settings !== undefined) {
        if (position > 0) {
          throw new SchemaToolError(`${version.dir}/${file.name}: only the first version may set index settings (they are static on a live index)`);
        }
        settings = { ...settings, ...fragment.settings };
      }
      mappings = mergeMappings(mappings, fragment.mappings);
    }
  });
  return { settings, mappings };
}

/** The mapping change that takes an index from the `from` versions to the `to` versions. */
export function mappingUpdate(from: readonly SchemaVersion[], to: readonly SchemaVersion[]): JsonObject {
  const before = indexDefinitionAt(from).mappings;
  const after = indexDefinitionAt(to).mappings;
  const update: JsonObject = {};
  for (const [key, value] of Object.entries(after)) {
    if (key === 'properties') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) update[key] = value;
  }
  // PUT _mapping merges properties, so sending the complete set is both safe and simplest.
  update['properties'] = after['properties'] ?? {};
  return update;
}

export function metaMapping(meta: SchemaMeta): JsonObject {
  return { _meta: { [META_KEY]: { store: 'visibility', schemaVersion: meta.schemaVersion, minCompatibleVersion: meta.minCompatibleVersion } } };
}

/** Reads our `_meta` from a live mapping; undefined when the index was not created by schema-tool. */
export function readMeta(mappings: JsonObject): SchemaMeta | undefined {
  const meta = mappings['_meta'];
  const ours = isJsonObject(meta) ? meta[META_KEY] : undefined;
  if (!isJsonObject(ours)) return undefined;
  const { schemaVersion, minCompatibleVersion } = ours;
  if (typeof schemaVersion !== 'string' || typeof minCompatibleVersion !== 'string') return undefined;
  return { schemaVersion, minCompatibleVersion };
}
