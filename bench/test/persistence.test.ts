import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Runs the built entry point exactly as `npm run bench` does, with a handful of ops, to keep
// it runnable. It checks the shape of the report only: timings from a test mean nothing.
const entry = fileURLToPath(new URL('../dist/persistence.js', import.meta.url));
const run = promisify(execFile);

const TARGETS = ['hourglass', 'kysely-sql', 'raw'];
const WORKLOADS = ['create execution', 'update execution', 'create tasks', 'get tasks', 'complete tasks'];

describe('npm run bench (built entry point, tiny --ops)', () => {
  it('is built (npm run build)', () => {
    expect(existsSync(entry), `${entry} is missing: run npm run build first`).toBe(true);
  });

  it('reports every workload for every target in both storage modes, and the targets wrote the same rows', async () => {
    const { stdout } = await run(process.execPath, [entry, '--db', 'sqlite', '--ops', '12', '--rounds', '1', '--output', 'json'], { maxBuffer: 16 * 2 ** 20 });
    const report = JSON.parse(stdout);
    expect(report.benchmark).toBe('persistence');
    expect(report.machine.cpuCount).toBeGreaterThan(0);
    expect(report.machine.loadAverageAtStart).toHaveLength(3);
    expect(report.modes.map((m: { mode: string }) => m.mode)).toEqual(['file', 'memory']);
    for (const mode of report.modes) {
      expect(mode.workloads.map((w: { name: string }) => w.name)).toEqual(WORKLOADS);
      for (const workload of mode.workloads) {
        expect(Object.keys(workload.targets).sort()).toEqual([...TARGETS].sort());
        for (const target of TARGETS) {
          expect(workload.targets[target].rounds).toHaveLength(1);
          expect(Object.keys(workload.targets[target].summary).sort()).toEqual(['meanUs', 'opsPerSec', 'p50Us', 'p99Us']);
        }
        expect(Object.keys(workload.ratios).sort()).toEqual(['hourglassToKyselySql', 'hourglassToRaw', 'kyselySqlToRaw']);
        for (const target of TARGETS) {
          expect(Object.keys(workload.timeSplit[target]).sort()).toEqual(['compileUs', 'otherUs', 'prepareUs', 'sqliteUs', 'statements', 'totalUs', 'transactions']);
        }
        for (const target of TARGETS) {
          expect(Object.keys(workload.cpuShares[target]).sort()).toEqual(['@hourglass/core', '@hourglass/sql', 'bench', 'gc', 'kysely', 'native', 'node', 'other']);
        }
        expect(workload.statementsPerOp.hourglass.statements).toBeGreaterThan(0);
        expect(workload.statementsPerOp.baseline.statements).toBeGreaterThan(0);
      }
    }
    expect(report.modes[0].writtenMatch).toBe(true);
    expect(report.servers).toEqual([]);
    expect(report.notRun).toEqual([]);
  }, 120_000);

  it('prints "not run: <reason>" for a chosen server it cannot find, with no numbers, and exits 1', async () => {
    const emptyRunDir = mkdtempSync(join(tmpdir(), 'bench-no-servers-'));
    try {
      const env = { ...process.env, HOURGLASS_SERVERS_RUN_DIR: emptyRunDir };
      const failed = await run(process.execPath, [entry, '--db', 'postgres,mariadb,cassandra', '--ops', '5', '--rounds', '1'], { env }).catch((err: unknown) => err);
      expect(failed).toMatchObject({ code: 1 });
      const stdout = String((failed as { stdout: string }).stdout);
      for (const label of ['PostgreSQL', 'MariaDB', 'Cassandra']) expect(stdout).toContain(`## ${label}\n\nnot run: no connection file`);
      expect(stdout).not.toContain('MySQL');
      expect(stdout).not.toContain('| workload');
    } finally {
      rmSync(emptyRunDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('prints the Markdown table and refuses unknown arguments', async () => {
    const { stdout } = await run(process.execPath, [entry, '--db', 'sqlite', '--ops', '5', '--rounds', '1', '--mode', 'memory']);
    expect(stdout).toContain('| workload');
    expect(stdout).toContain('## memory');
    await expect(run(process.execPath, [entry, '--bogus'])).rejects.toMatchObject({ code: 2 });
  }, 120_000);
});
