import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, test } from 'vitest';
import { CLI_PATH, freePort, requireBuiltCli, waitForExit } from './support/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hourglass-config-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

function start(args: string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> } {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI_PATH, 'server', 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exited: waitForExit(child) };
}

describe('hourglass server start --config', () => {
  test('a config with several problems exits with code 2 and prints one line per problem', async () => {
    const path = writeConfig(
      'bad.yaml',
      ['persistence:', '  numHistoryShards: 0', '  main:', '    postgres: { host: h, port: abc, user: u, databse: d }', 'frontend: { prot: 1 }', 'log: { level: loud }', ''].join('\n'),
    );
    const run = start(['--config', path]);
    expect(await run.exited).toBe(2);
    expect(run.output().trimEnd().split('\n')).toEqual([
      `hourglass: ${path} has 6 problems:`,
      '  persistence.numHistoryShards: must be an integer from 1 to 16384, got 0',
      '  persistence.main.postgres.databse: unknown setting (expected one of: host, port, user, password, passwordFile, passwordEnv, database, pool, tls)',
      '  persistence.main.postgres.port: must be a port number, got "abc"',
      '  persistence.main.postgres.database: is required',
      '  frontend.prot: unknown setting (expected one of: ip, port, maxPayloadBytes)',
      '  log.level: must be one of debug, info, warn, error, got "loud"',
    ]);
  });

  test('without --config it exits with code 2 and the usage', async () => {
    const run = start([]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/--config is required[\s\S]*Usage: hourglass server start --config <file>/);
  });

  test('a database without the schema is refused with one error naming the schema-tool command', async () => {
    const path = writeConfig('no-schema.yaml', `persistence:\n  numHistoryShards: 1\n  main:\n    sqlite: { filename: ${join(dir, 'empty.db')} }\nfrontend: { port: 0 }\n`);
    const run = start(['--config', path]);
    expect(await run.exited).toBe(1);
    const lines = run.output().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hourglass: cannot start: the sqlite database has no main schema, but this code needs version .* run: npx schema-tool update-schema --db sqlite --store main/);
  });

  test('a valid config starts the server, which serves the configured namespaces and stops on SIGTERM', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const path = writeConfig(
      'sqlite.yaml',
      `persistence:\n  numHistoryShards: 2\n  autoSetupSchema: true\n  main:\n    sqlite: { filename: ${join(dir, 'ok.db')} }\nfrontend: { port: ${port} }\nnamespaces: [default, orders]\n`,
    );
    const run = start(['--config', path]);
    const address = `127.0.0.1:${port}`;
    let connection: Connection | undefined;
    for (let attempt = 0; connection === undefined; attempt++) {
      try {
        connection = await Connection.connect({ address, connectTimeout: 1000 });
        await connection.workflowService.getSystemInfo({});
      } catch (err) {
        await connection?.close();
        connection = undefined;
        if (attempt > 50 || run.child.exitCode !== null) throw new Error(`server did not come up: ${String(err)}\n${run.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const orders = await connection.workflowService.describeNamespace({ namespace: 'orders' });
    expect(orders.namespaceInfo?.name).toBe('orders');
    const cluster = await connection.workflowService.getClusterInfo({});
    expect(cluster.historyShardCount).toBe(2);
    await connection.close();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/"msg":"hourglass server stopped"/);
  });
});
