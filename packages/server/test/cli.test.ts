import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { CLI_PATH, requireBuiltCli, startCliServer, waitForExit } from './support/cli-process.js';

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('hourglass CLI', () => {
  test('an unknown flag is refused with usage and exit code 2', async () => {
    const { code, output } = await run(['server', 'start-dev', '--no-such-flag']);
    expect(code).toBe(2);
    expect(output).toMatch(/Usage: hourglass server start-dev/);
  });

  test('an invalid log format is refused', async () => {
    const { code, output } = await run(['server', 'start-dev', '--log-format', 'xml']);
    expect(code).toBe(2);
    expect(output).toMatch(/--log-format must be json or pretty/);
  });

  test('start-dev logs JSON lines, warns about unknown dynamic config, creates namespaces and stops cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const server = await startCliServer(['--namespace', 'extra', '--dynamic-config-value', 'some.unknown.key=true', '--log-format', 'json']);
    const { Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: server.address });
    const extra = await connection.workflowService.describeNamespace({ namespace: 'extra' });
    expect(extra.namespaceInfo?.name).toBe('extra');
    await connection.close();
    server.process.kill('SIGTERM');
    expect(await waitForExit(server.process)).toBe(0);
    const lines = server
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; msg: string; key?: string });
    expect(lines.some((l) => l.level === 'warn' && l.key === 'some.unknown.key')).toBe(true);
    expect(lines.some((l) => l.msg === 'hourglass server stopped')).toBe(true);
  });
});
