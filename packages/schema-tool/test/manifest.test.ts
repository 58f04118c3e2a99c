import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSchemaVersions, resolveTarget, versionsToApply } from '../src/manifest.js';
import { compareVersions, normalizeVersion } from '../src/versions.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'portable');

describe('compareVersions', () => {
  it('orders numerically, component by component', () => {
    const sorted = ['1.10', '1.2', '0.9', '2', '1.2.1', '1.9'].sort(compareVersions);
    expect(sorted).toEqual(['0.9', '1.2', '1.2.1', '1.9', '1.10', '2']);
  });
  it('treats missing components as zero and accepts a leading v', () => {
    expect(compareVersions('1', '1.0')).toBe(0);
    expect(compareVersions('v1.3', '1.3')).toBe(0);
    expect(normalizeVersion('v01.02')).toBe('1.2');
  });
  it('rejects anything that is not dotted numbers', () => {
    expect(() => compareVersions('1.x', '1.0')).toThrow(/invalid schema version "1.x"/);
    expect(() => normalizeVersion('')).toThrow(/invalid schema version/);
  });
});

describe('loadSchemaVersions', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const scratch = (versions: Record<string, { manifest: unknown; files?: Record<string, string> }>): string => {
    const root = mkdtempSync(join(tmpdir(), 'schema-tool-manifest-'));
    dirs.push(root);
    for (const [dirName, { manifest, files }] of Object.entries(versions)) {
      mkdirSync(join(root, dirName));
      writeFileSync(join(root, dirName, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
      for (const [name, text] of Object.entries(files ?? {})) writeFileSync(join(root, dirName, name), text);
    }
    return root;
  };
  const manifest = (version: string, files = ['a.sql'], minCompatibleVersion = version) => ({ version, minCompatibleVersion, description: `v${version}`, files });

  it('loads the fixture oldest first with files in manifest order', () => {
    const versions = loadSchemaVersions(FIXTURE);
    expect(versions.map((v) => v.version)).toEqual(['1.0', '1.1', '1.2']);
    expect(versions[2]!.files.map((f) => f.name)).toEqual(['tasks.sql', 'tasks_index.sql']);
    expect(versions[2]!.minCompatibleVersion).toBe('1.1');
    expect(versions[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sorts v1.10 after v1.9 and ignores non-version entries', () => {
    const root = scratch({
      'v1.10': { manifest: manifest('1.10'), files: { 'a.sql': 'SELECT 10;' } },
      'v1.9': { manifest: manifest('1.9'), files: { 'a.sql': 'SELECT 9;' } },
      notes: { manifest: manifest('5.0'), files: { 'a.sql': '' } },
    });
    expect(loadSchemaVersions(root).map((v) => v.version)).toEqual(['1.9', '1.10']);
  });

  it('changes the checksum when a listed file changes', () => {
    const one = loadSchemaVersions(scratch({ 'v1.0': { manifest: manifest('1.0'), files: { 'a.sql': 'SELECT 1;' } } }));
    const two = loadSchemaVersions(scratch({ 'v1.0': { manifest: manifest('1.0'), files: { 'a.sql': 'SELECT 2;' } } }));
    expect(one[0]!.checksum).not.toBe(two[0]!.checksum);
  });

  it.each([
    ['a missing directory', () => '/nonexistent/schema-dir', /schema directory not found/],
    ['no version directories', () => scratch({}), /holds no vX.Y version directories/],
    ['invalid JSON', () => scratch({ 'v1.0': { manifest: '{ nope' } }), /is not valid JSON/],
    ['a directory that disagrees with the manifest', () => scratch({ 'v1.1': { manifest: manifest('1.0'), files: { 'a.sql': '' } } }), /declares version 1.0 but its directory is named v1.1/],
    ['a missing listed file', () => scratch({ 'v1.0': { manifest: manifest('1.0', ['gone.sql']) } }), /lists gone.sql, which does not exist/],
    ['a file outside the directory', () => scratch({ 'v1.0': { manifest: manifest('1.0', ['../escape.sql']) } }), /lies outside its directory/],
    ['empty files', () => scratch({ 'v1.0': { manifest: manifest('1.0', []) } }), /"files" must be a non-empty array/],
    ['a bad version', () => scratch({ 'v1.0': { manifest: { ...manifest('1.0'), version: 'one' } } }), /"version" is "one"/],
    ['minCompatibleVersion newer than version', () => scratch({ 'v1.0': { manifest: manifest('1.0', ['a.sql'], '1.1'), files: { 'a.sql': '' } } }), /minCompatibleVersion 1.1 is newer than version 1.0/],
    ['two directories for one version', () => scratch({ 'v1.0': { manifest: manifest('1.0'), files: { 'a.sql': '' } }, 'v1.00': { manifest: manifest('1.0'), files: { 'a.sql': '' } } }), /both declare version 1.0/],
  ])('rejects %s', (_name, makeDir, message) => {
    expect(() => loadSchemaVersions(makeDir())).toThrow(message);
  });
});

describe('version selection', () => {
  const versions = loadSchemaVersions(FIXTURE);
  it('applies everything after current up to target', () => {
    expect(versionsToApply(versions, undefined, '1.2').map((v) => v.version)).toEqual(['1.0', '1.1', '1.2']);
    expect(versionsToApply(versions, '1.0', '1.1').map((v) => v.version)).toEqual(['1.1']);
    expect(versionsToApply(versions, '1.2', '1.2')).toEqual([]);
    // A current version that no directory names still orders correctly.
    expect(versionsToApply(versions, '1.0.5', '1.2').map((v) => v.version)).toEqual(['1.1', '1.2']);
  });
  it('defaults the target to the newest and rejects unknown ones', () => {
    expect(resolveTarget(versions, undefined, FIXTURE).version).toBe('1.2');
    expect(resolveTarget(versions, '1.1', FIXTURE).version).toBe('1.1');
    expect(() => resolveTarget(versions, '3.0', FIXTURE)).toThrow(/unknown schema version 3.0 .*known: 1.0, 1.1, 1.2/);
  });
});
