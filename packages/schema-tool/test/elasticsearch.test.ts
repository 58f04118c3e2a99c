import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSearchSchemaDir } from '../src/elasticsearch/index-schema.js';
import { indexDefinitionAt, mappingUpdate } from '../src/elasticsearch/mapping.js';
import { compareIndex } from '../src/elasticsearch/validate.js';
import { loadSchemaVersions } from '../src/manifest.js';
import { PACKAGE_ROOT, runCli } from './support/targets.js';

const versions = loadSchemaVersions(defaultSearchSchemaDir());

describe('elasticsearch visibility mapping files', () => {
  it('merge v1.0 and v1.1 into one definition; settings come only from v1.0', () => {
    const { settings, mappings } = indexDefinitionAt(versions);
    expect(settings).toMatchObject({ index: { number_of_shards: 1 } });
    const properties = mappings['properties'] as Record<string, unknown>;
    expect(properties['StartTime']).toEqual({ type: 'long' });
    expect(properties['HistorySizeBytes']).toEqual({ type: 'long' });
    expect(mappings['dynamic']).toBe('strict');
  });

  it('the v1.0 -> v1.1 update carries the new fields and no unchanged top-level keys', () => {
    const update = mappingUpdate(versions.slice(0, 1), versions);
    expect(Object.keys(update)).toEqual(['properties']);
    expect(update['properties']).toMatchObject({ RootRunId: { type: 'keyword' }, StateTransitionCount: { type: 'long' } });
  });
});

describe('compareIndex', () => {
  const expected = indexDefinitionAt(versions);
  /** What a live 7.x server answers for an index created from `expected`: objects lose "type": "object", flags become strings. */
  const liveLike = (): { mappings: Record<string, unknown>; settings: Record<string, unknown> } => {
    const mappings = JSON.parse(JSON.stringify(expected.mappings)) as Record<string, unknown>;
    const sa = (mappings['properties'] as Record<string, Record<string, unknown>>)['SearchAttributes']!;
    delete sa['type'];
    for (const group of Object.values(sa['properties'] as Record<string, Record<string, unknown>>)) group['dynamic'] = 'true';
    return { mappings, settings: { number_of_shards: '1', number_of_replicas: '2', sort: { field: ['Closed', 'StartTime', 'RunId'], order: ['asc', 'desc', 'asc'] } } };
  };

  it('finds no drift in an index as the server reports it, replicas being the operator’s choice', () => {
    expect(compareIndex(expected, liveLike())).toEqual([]);
  });

  it('accepts custom search attributes of the type their dynamic template gives, and flags everything else', () => {
    const live = liveLike();
    const properties = live.mappings['properties'] as Record<string, Record<string, unknown>>;
    const groups = properties['SearchAttributes']!['properties'] as Record<string, Record<string, unknown>>;
    groups['Int']!['properties'] = { Good: { type: 'long' }, Bad: { type: 'keyword' } };
    properties['Rogue'] = { type: 'keyword' };
    properties['HistoryLength'] = { type: 'integer' };
    delete properties['RootRunId'];
    live.settings['number_of_shards'] = '3';
    expect(compareIndex(expected, live).sort()).toEqual(
      [
        'field HistoryLength is integer, expected long',
        'field RootRunId is missing (expected keyword)',
        'field SearchAttributes.Int.Bad is keyword, but its dynamic template maps it to long',
        'index setting number_of_shards is 3, expected 1',
        'unexpected field Rogue (keyword)',
      ].sort(),
    );
  });
});

/** Search servers started by `bash conformance/servers/start.sh <target>`; a server that is not up is a named skip, never a pass. */
const RUN_DIR = process.env['HOURGLASS_SERVERS_RUN_DIR'] ?? resolve(PACKAGE_ROOT, '..', '..', 'conformance', 'servers', '.run');
for (const name of ['elasticsearch-7.10.2', 'opensearch-2', 'elasticsearch-6.8.9', 'elasticsearch-8']) {
  const runFile = resolve(RUN_DIR, `${name}.json`);
  if (!existsSync(runFile)) {
    describe.skip(`schema-tool --db elasticsearch on ${name}: not started (bash conformance/servers/start.sh ${name})`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }
  const { url } = JSON.parse(readFileSync(runFile, 'utf8')) as { url: string };
  describe(`schema-tool --db elasticsearch on ${name}`, () => {
    it('setup-schema creates v1.0, update-schema reaches v1.1, validate passes, then catches drift; drop-database removes it', async () => {
      const env = { ES_URL: url, ES_VIS_INDEX: `hg-schema-tool-${randomBytes(4).toString('hex')}` };
      const db = ['--db', 'elasticsearch', '--store', 'visibility', '--output', 'json'];
      try {
        const setup = await runCli(['setup-schema', ...db], env);
        expect(setup.code, setup.stderr).toBe(0);
        expect(JSON.parse(setup.stdout)).toMatchObject({ ok: true, version: '1.0', applied: ['1.0'] });

        const before = await runCli(['version', ...db], env);
        expect(JSON.parse(before.stdout)).toMatchObject({ currentVersion: '1.0', compatible: false, pendingVersions: ['1.1'] });

        const update = await runCli(['update-schema', ...db], env);
        expect(update.code, update.stderr).toBe(0);
        expect(JSON.parse(update.stdout)).toMatchObject({ previousVersion: '1.0', version: '1.1', applied: ['1.1'] });

        const valid = await runCli(['validate', ...db], env);
        expect(valid.code, valid.stdout + valid.stderr).toBe(0);

        const typeless = name.startsWith('elasticsearch-6') ? '?include_type_name=false' : '';
        const drift = await fetch(`${url}/${env.ES_VIS_INDEX}/_mapping${typeless}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ properties: { Rogue: { type: 'keyword' } } }),
        });
        expect(drift.status).toBe(200);
        const invalid = await runCli(['validate', ...db], env);
        expect(invalid.code).toBe(1);
        expect(JSON.parse(invalid.stdout)).toMatchObject({ ok: false, differences: ['unexpected field Rogue (keyword)'] });
      } finally {
        const dropped = await runCli(['drop-database', ...db, '--force'], env);
        expect(dropped.code, dropped.stderr).toBe(0);
      }
    });
  });
}
