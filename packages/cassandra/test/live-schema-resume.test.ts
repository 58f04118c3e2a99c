import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaUpdateError, setupCassandraSchema } from '@hourglass/schema-tool';
import type { ProgressEvent } from '@hourglass/schema-tool';

/**
 * Cassandra DDL is not transactional: an update that fails half-way must resume after the last
 * statement that completed. Runs against the node `conformance/servers/cassandra/start.sh
 * cassandra-4.0` starts; skipped when its run file is absent.
 */
const RUN_FILE = fileURLToPath(new URL('../../../conformance/servers/.run/cassandra-4.0.json', import.meta.url));
const server = existsSync(RUN_FILE) ? (JSON.parse(readFileSync(RUN_FILE, 'utf8')) as { host: string; port: number; datacenter: string }) : undefined;

function writeVersion(root: string, version: string, cql: string): void {
  const dir = join(root, `v${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version, minCompatibleVersion: version, description: `test ${version}`, files: ['tables.cql'] }));
  writeFileSync(join(dir, 'tables.cql'), cql);
}

describe.skipIf(server === undefined)('cassandra-4.0: an interrupted schema update resumes', () => {
  const keyspace = `hg_resume_${randomBytes(4).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), 'hg-cql-'));
  let client: cassandra.Client;

  beforeAll(async () => {
    const admin = new cassandra.Client({ contactPoints: [server!.host], protocolOptions: { port: server!.port }, localDataCenter: server!.datacenter });
    await admin.connect();
    await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await admin.shutdown();
    client = new cassandra.Client({ contactPoints: [server!.host], protocolOptions: { port: server!.port }, localDataCenter: server!.datacenter, keyspace });
    await client.connect();
  });

  afterAll(async () => {
    await client?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client?.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('records progress per statement and continues after the last one that ran', async () => {
    writeVersion(root, '1.0', 'CREATE TABLE a (k text PRIMARY KEY);\n');
    // The second statement fails; the first has already changed the keyspace.
    writeVersion(root, '1.1', 'ALTER TABLE a ADD v1 text;\nALTER TABLE no_such_table ADD v2 text;\nALTER TABLE a ADD v3 text;\n');
    const failed = await setupCassandraSchema(client, { keyspace, schemaDir: root }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(SchemaUpdateError);
    expect((failed as SchemaUpdateError).statementIndex).toBe(1);

    // The operator fixes the file; re-running must not repeat `ADD v1` (it would fail: the column exists).
    writeVersion(root, '1.1', 'ALTER TABLE a ADD v1 text;\nALTER TABLE a ADD v2 text;\nALTER TABLE a ADD v3 text;\n');
    const events: ProgressEvent[] = [];
    await expect(setupCassandraSchema(client, { keyspace, schemaDir: root, onProgress: (e) => events.push(e) })).resolves.toEqual({ version: '1.1' });
    expect(events.find((e) => e.type === 'version-start')).toMatchObject({ version: '1.1', resumingAt: 1 });
    expect(events.filter((e) => e.type === 'statement').map((e) => (e.type === 'statement' ? e.skipped : undefined))).toEqual([true, false, false]);
    const columns = await client.execute('SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [keyspace, 'a'], { prepare: true });
    expect(columns.rows.map((r) => r.get('column_name') as string).sort()).toEqual(['k', 'v1', 'v2', 'v3']);
  }, 60_000);
});
