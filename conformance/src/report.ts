import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellMeta } from './cell-meta.js';
import type { TargetFamily, TargetProvider } from './target.js';

export const DEFAULT_REPORT_FILE = fileURLToPath(new URL('../reports/latest.json', import.meta.url));

export type CellStatus = 'passed' | 'failed' | 'not-run';

export interface CellReport {
  readonly name: string;
  readonly family: TargetFamily;
  /** What the server reported when it ran; the requested version otherwise; null for neither. */
  readonly serverVersion: string | null;
  readonly provider: TargetProvider;
  readonly status: CellStatus;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly reason?: string;
}

export interface RunMetadata {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly gitCommit: string | null;
  readonly hourglassTargets: string | null;
  /** Vitest's verdict on the whole run ('passed', 'failed', 'interrupted'). */
  readonly vitestResult: string;
}

export interface ConformanceReport {
  readonly run: RunMetadata;
  readonly targets: readonly CellReport[];
}

export interface TargetDescription {
  readonly name: string;
  readonly family: TargetFamily;
  readonly serverVersion?: string;
  readonly provider: TargetProvider;
}

/** What the reporter saw of one target's describe block. */
export interface CellObservation {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Meta recorded by the target's tests that ran (every test records the same open outcome). */
  readonly metas: readonly CellMeta[];
  /** Hook or collection errors of the describe block (a failing teardown, a module that did not load). */
  readonly suiteErrors: readonly string[];
}

/**
 * Decides one cell's status. Failure wins over everything; a cell only passes when at least
 * one of its tests passed and none failed, so a cell that did not run is never counted as passed.
 */
export function cellReport(target: TargetDescription, seen: CellObservation): CellReport {
  const meta = seen.metas.find((m) => m.serverVersion !== undefined) ?? seen.metas[0];
  const base = {
    name: target.name,
    family: target.family,
    serverVersion: meta?.serverVersion ?? target.serverVersion ?? null,
    provider: target.provider,
    passed: seen.passed,
    failed: seen.failed,
    skipped: seen.skipped,
  };
  const openError = seen.metas.find((m) => m.openError !== undefined)?.openError;
  if (openError !== undefined) return { ...base, status: 'failed', reason: `open failed: ${openError}` };
  if (seen.suiteErrors.length > 0) return { ...base, status: 'failed', reason: seen.suiteErrors.join('; ') };
  if (seen.failed > 0) return { ...base, status: 'failed', reason: `${seen.failed} test(s) failed` };
  const notRun = seen.metas.find((m) => m.notRunReason !== undefined)?.notRunReason;
  if (notRun !== undefined) return { ...base, status: 'not-run', reason: notRun };
  if (seen.passed > 0) return { ...base, status: 'passed' };
  return { ...base, status: 'not-run', reason: 'no test of this target ran (filtered out, or the suite file was not part of the run)' };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A plain-text table of the matrix, one row per target. */
export function formatMatrix(report: ConformanceReport): string {
  const header = ['target', 'family', 'server version', 'provider', 'status', 'passed', 'failed', 'skipped', 'reason'];
  const rows = report.targets.map((t) => [t.name, t.family, t.serverVersion ?? '-', t.provider, t.status.toUpperCase(), String(t.passed), String(t.failed), String(t.skipped), t.reason ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === header.length - 1 ? 0 : r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  const count = (status: CellStatus) => report.targets.filter((t) => t.status === status).length;
  return [
    'Hourglass conformance matrix',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `${count('passed')} passed, ${count('failed')} failed, ${count('not-run')} not run (of ${report.targets.length} targets)`,
  ].join('\n');
}

export async function writeReport(report: ConformanceReport, file = DEFAULT_REPORT_FILE): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
