import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { SchemaToolError } from './errors.js';
import { compareVersions, isValidVersion, normalizeVersion } from './versions.js';

/** One file of a version, with its text already read so a run never sees a half-edited file twice. */
export interface SchemaFile {
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

/** One `vX.Y/` directory: its manifest plus the files it lists, in the listed order. */
export interface SchemaVersion {
  readonly version: string;
  /** The oldest schema version that code written against this version still works with. */
  readonly minCompatibleVersion: string;
  readonly description: string;
  readonly dir: string;
  readonly files: readonly SchemaFile[];
  /** sha256 over the manifest and every listed file, recorded in the update history. */
  readonly checksum: string;
}

const MANIFEST = 'manifest.json';

/**
 * Reads every `vX.Y/manifest.json` under a versioned directory and returns them oldest first.
 * Anything malformed is reported with the path at fault, because a half-loaded schema must
 * never be applied.
 */
export function loadSchemaVersions(versionedDir: string): SchemaVersion[] {
  const dir = resolve(versionedDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SchemaToolError(`schema directory not found: ${dir}`);
  }
  const versions: SchemaVersion[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^v\d/.test(entry.name)) continue;
    versions.push(loadSchemaVersion(join(dir, entry.name)));
  }
  if (versions.length === 0) {
    throw new SchemaToolError(`schema directory ${dir} holds no vX.Y version directories`);
  }
  versions.sort((a, b) => compareVersions(a.version, b.version));
  for (let i = 1; i < versions.length; i++) {
    const previous = versions[i - 1]!;
    const current = versions[i]!;
    if (compareVersions(previous.version, current.version) === 0) {
      throw new SchemaToolError(`schema directories ${previous.dir} and ${current.dir} both declare version ${current.version}`);
    }
  }
  return versions;
}

export function loadSchemaVersion(versionDir: string): SchemaVersion {
  const manifestPath = join(versionDir, MANIFEST);
  if (!existsSync(manifestPath)) throw new SchemaToolError(`missing ${manifestPath}`);
  const manifestText = readFileSync(manifestPath, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch (err) {
    throw new SchemaToolError(`${manifestPath} is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = validateManifest(raw, manifestPath);
  const dirName = basename(versionDir);
  if (!isValidVersion(dirName.slice(1)) || compareVersions(dirName.slice(1), manifest.version) !== 0) {
    throw new SchemaToolError(`${manifestPath} declares version ${manifest.version} but its directory is named ${dirName}`);
  }
  const hash = createHash('sha256').update(manifestText);
  const files = manifest.files.map((name): SchemaFile => {
    const path = join(versionDir, name);
    if (!resolve(path).startsWith(resolve(versionDir) + sep)) {
      throw new SchemaToolError(`${manifestPath} lists ${name}, which lies outside its directory`);
    }
    if (!existsSync(path)) throw new SchemaToolError(`${manifestPath} lists ${name}, which does not exist`);
    const text = readFileSync(path, 'utf8');
    hash.update('\0').update(name).update('\0').update(text);
    return { name, path, text };
  });
  return {
    version: normalizeVersion(manifest.version),
    minCompatibleVersion: normalizeVersion(manifest.minCompatibleVersion),
    description: manifest.description,
    dir: versionDir,
    files,
    checksum: hash.digest('hex'),
  };
}

interface Manifest {
  version: string;
  minCompatibleVersion: string;
  description: string;
  files: string[];
}

function validateManifest(raw: unknown, path: string): Manifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SchemaToolError(`${path} must hold a JSON object`);
  }
  const record = raw as Record<string, unknown>;
  const requireString = (key: string): string => {
    const value = record[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new SchemaToolError(`${path}: "${key}" must be a non-empty string`);
    }
    return value;
  };
  const version = requireString('version');
  const minCompatibleVersion = requireString('minCompatibleVersion');
  for (const [key, value] of [['version', version], ['minCompatibleVersion', minCompatibleVersion]] as const) {
    if (!isValidVersion(value)) throw new SchemaToolError(`${path}: "${key}" is "${value}", expected dotted numbers such as 1.0`);
  }
  if (compareVersions(minCompatibleVersion, version) > 0) {
    throw new SchemaToolError(`${path}: minCompatibleVersion ${minCompatibleVersion} is newer than version ${version}`);
  }
  const description = typeof record['description'] === 'string' ? record['description'] : '';
  const files = record['files'];
  if (!Array.isArray(files) || files.length === 0 || !files.every((f): f is string => typeof f === 'string' && f.length > 0)) {
    throw new SchemaToolError(`${path}: "files" must be a non-empty array of file names`);
  }
  return { version, minCompatibleVersion, description, files };
}

/** Picks the versions strictly after `current` up to and including `target`, oldest first. */
export function versionsToApply(
  versions: readonly SchemaVersion[],
  current: string | undefined,
  target: string,
): SchemaVersion[] {
  return versions.filter(
    (v) => (current === undefined || compareVersions(v.version, current) > 0) && compareVersions(v.version, target) <= 0,
  );
}

/** Resolves a requested target version against the known ones; unknown versions are an error. */
export function resolveTarget(versions: readonly SchemaVersion[], requested: string | undefined, versionedDir: string): SchemaVersion {
  if (requested === undefined) return versions[versions.length - 1]!;
  const found = versions.find((v) => compareVersions(v.version, requested) === 0);
  if (!found) {
    throw new SchemaToolError(
      `unknown schema version ${requested} in ${versionedDir} (known: ${versions.map((v) => v.version).join(', ')})`,
    );
  }
  return found;
}
