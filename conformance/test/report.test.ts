import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellReport, formatMatrix, writeReport } from '../src/report.js';
import type { CellObservation, ConformanceReport, TargetDescription } from '../src/report.js';

const target: TargetDescription = { name: 'postgres-15', family: 'postgres', serverVersion: '15', provider: 'local-server' };
const seen = (o: Partial<CellObservation>): CellObservation => ({ passed: 0, failed: 0, skipped: 0, metas: [], suiteErrors: [], ...o });

describe('cell status', () => {
  it('passes only when tests passed and none failed, reporting the server version seen', () => {
    const r = cellReport(target, seen({ passed: 200, metas: [{ target: 'postgres-15', serverVersion: '15.4' }] }));
    expect(r).toEqual({ name: 'postgres-15', family: 'postgres', serverVersion: '15.4', provider: 'local-server', status: 'passed', passed: 200, failed: 0, skipped: 0 });
  });

  it('fails when any test failed', () => {
    const r = cellReport(target, seen({ passed: 199, failed: 1 }));
    expect([r.status, r.reason]).toEqual(['failed', '1 test(s) failed']);
  });

  it('fails when the target failed to open, even though its tests could not pass', () => {
    const r = cellReport(target, seen({ failed: 3, metas: [{ target: 'postgres-15', openError: 'Error: schema setup failed' }] }));
    expect([r.status, r.reason]).toEqual(['failed', 'open failed: Error: schema setup failed']);
  });

  it('fails on suite errors such as a failing teardown', () => {
    const r = cellReport(target, seen({ passed: 10, suiteErrors: ['Error: DROP DATABASE failed'] }));
    expect(r.status).toBe('failed');
  });

  it('is not-run with the reason when the target was unavailable, and never counts as passed', () => {
    const r = cellReport(target, seen({ skipped: 235, metas: [{ target: 'postgres-15', notRunReason: 'local server not started' }] }));
    expect([r.status, r.reason, r.passed, r.serverVersion]).toEqual(['not-run', 'local server not started', 0, '15']);
  });

  it('is not-run when no test ran at all', () => {
    const r = cellReport(target, seen({ skipped: 12 }));
    expect(r.status).toBe('not-run');
    expect(r.reason).toMatch(/no test of this target ran/);
  });

  it('leaves the version empty for embedded targets that never opened', () => {
    expect(cellReport({ name: 'sqlite-memory', family: 'sqlite', provider: 'embedded' }, seen({})).serverVersion).toBeNull();
  });
});

describe('matrix output', () => {
  const report: ConformanceReport = {
    run: { startedAt: 'a', finishedAt: 'b', durationMs: 1, nodeVersion: 'v20', platform: 'linux-x64', gitCommit: null, hourglassTargets: null, vitestResult: 'passed' },
    targets: [
      cellReport({ name: 'sqlite-memory', family: 'sqlite', provider: 'embedded' }, seen({ passed: 235, metas: [{ target: 'sqlite-memory', serverVersion: '3.50.1' }] })),
      cellReport(target, seen({ skipped: 259, metas: [{ target: 'postgres-15', notRunReason: 'local server not started' }] })),
      cellReport({ name: 'tc-mysql-5.7', family: 'mysql', serverVersion: '5.7', provider: 'testcontainers' }, seen({ passed: 1, failed: 2 })),
    ],
  };

  it('prints one row per target with status, counts and reason, and a summary line', () => {
    const lines = formatMatrix(report).split('\n');
    expect(lines[0]).toBe('Hourglass conformance matrix');
    expect(lines.find((l) => l.startsWith('sqlite-memory'))).toMatch(/sqlite\s+3\.50\.1\s+embedded\s+PASSED\s+235\s+0\s+0$/);
    expect(lines.find((l) => l.startsWith('postgres-15'))).toMatch(/NOT-RUN\s+0\s+0\s+259\s+local server not started$/);
    expect(lines.find((l) => l.startsWith('tc-mysql-5.7'))).toMatch(/FAILED\s+1\s+2\s+0\s+2 test\(s\) failed$/);
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 1 not run (of 3 targets)');
  });

  it('writes the report as JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-report-'));
    try {
      const file = path.join(dir, 'nested', 'latest.json');
      await writeReport(report, file);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
