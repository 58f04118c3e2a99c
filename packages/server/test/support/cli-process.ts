import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

/** The built CLI; the server suite runs after `tsc -b` (npm test builds first). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npx tsc -b packages/server\` first`);
}

/** An executable wrapper around the CLI, as SDK test environments expect a binary path. */
export function cliExecutable(): string {
  requireBuiltCli();
  const dir = mkdtempSync(join(tmpdir(), 'hourglass-bin-'));
  const path = join(dir, 'hourglass');
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${CLI_PATH}" "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface CliServer {
  readonly process: ChildProcess;
  readonly address: string;
  readonly port: number;
  readonly output: () => string;
}

/** Starts `hourglass server start-dev` as a child process and waits until it answers. */
export async function startCliServer(args: string[], fixedPort?: number): Promise<CliServer> {
  requireBuiltCli();
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, [CLI_PATH, 'server', 'start-dev', '--port', String(port), '--headless', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`server did not come up: ${String(err)}\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { process: child, address, port, output: () => output };
}

export async function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
