import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs the built `schema-tool --db cassandra` against the real nodes that
 * `bash conformance/servers/cassandra/start.sh <target>` starts; absent run files skip.
 */
const RUN_DIR = fileURLToPath(new URL('../../../conformance/servers/.run/', import.meta.url));
const CLI = fileURLToPath(new URL('../../schema-tool/dist/cli.js', import.meta.url));
const run = promisify(execFile);

interface RunFile {
  host: string;
  port: number;
  datacenter: string;
}

function runFile(target: string): RunFile | undefined {
  const file = `${RUN_DIR}${target}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunFile) : undefined;
}

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

for (const target of ['cassandra-4.0', 'cassandra-3.11']) {
  const server = runFile(target);
  describe.skipIf(server === undefined || !existsSync(CLI))(`${target}: schema-tool --db cassandra`, () => {
    const keyspace = `hg_cli_${randomBytes(4).toString('hex')}`;
    const flags = () => ['--db', 'cassandra', '--endpoint', server!.host, '--port', String(server!.port), '--datacenter', server!.datacenter, '--keyspace', keyspace];
    const cli = async (...args: string[]): Promise<CliOutcome> => {
      try {
        const { stdout, stderr } = await run(process.execPath, [CLI, ...args, ...flags()], { timeout: 120_000 });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
    const json = (outcome: CliOutcome) => JSON.parse(outcome.stdout) as Record<string, unknown>;

    beforeAll(async () => {
      expect((await cli('create-keyspace', '--replication-factor', '1')).code).toBe(0);
    }, 60_000);

    afterAll(async () => {
      await cli('drop-keyspace', '--force');
    }, 60_000);

    it('create-keyspace twice reports the keyspace exists the second time', async () => {
      expect(json(await cli('create-keyspace', '--output', 'json'))).toMatchObject({ ok: true, created: false, keyspace });
    });

    it('setup-schema applies the base version, update-schema --dry-run changes nothing, update-schema reaches the newest', async () => {
      expect(json(await cli('setup-schema', '--output', 'json'))).toMatchObject({ ok: true, version: '1.0', applied: ['1.0'] });
      expect(json(await cli('version', '--output', 'json'))).toMatchObject({ currentVersion: '1.0', compatible: false, pendingVersions: ['1.1'] });
      const dry = await cli('update-schema', '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('CREATE TABLE IF NOT EXISTS cluster_membership');
      expect(json(await cli('version', '--output', 'json'))).toMatchObject({ currentVersion: '1.0' });
      // Two updaters at once: the LWT lease lets one apply 1.1 and the other find it done.
      const [a, b] = await Promise.all([cli('update-schema', '--output', 'json'), cli('update-schema', '--output', 'json')]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect([json(a)['applied'], json(b)['applied']].map((v) => JSON.stringify(v)).sort()).toEqual(['["1.1"]', '[]']);
      const version = json(await cli('version', '--output', 'json'));
      expect(version).toMatchObject({ currentVersion: '1.1', compatible: true, pendingVersions: [] });
      expect((version['history'] as { newVersion: string }[]).map((h) => h.newVersion)).toEqual(['1.0', '1.1']);
    }, 120_000);

    it('validate passes on the clean schema and exits 1 naming the drift', async () => {
      expect((await cli('validate')).code).toBe(0);
      const admin = new cassandra.Client({ contactPoints: [server!.host], protocolOptions: { port: server!.port }, localDataCenter: server!.datacenter, keyspace });
      await admin.connect();
      try {
        await admin.execute('ALTER TABLE task_queues ADD unexpected_column text');
      } finally {
        await admin.shutdown();
      }
      const drift = await cli('validate', '--output', 'json');
      expect(drift.code).toBe(1);
      expect(json(drift)['differences']).toEqual(['column task_queues.unexpected_column is not part of the schema']);
    }, 120_000);

    it('rejects a keyspace name that is not a plain identifier before touching the cluster', async () => {
      const { code, stderr } = await run(process.execPath, [CLI, 'version', '--db', 'cassandra', '--port', String(server!.port), '--keyspace', 'x;DROP']).then(
        (r) => ({ code: 0, stderr: r.stderr }),
        (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? '' }),
      );
      expect(code).toBe(1);
      expect(stderr).toContain('keyspace "x;DROP"');
    });
  });
}
