import { execFileSync } from 'node:child_process';
import type { Reporter, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';
import type { CellMeta } from './cell-meta.js';
import { buildMatrix } from './matrix.js';
import { DEFAULT_REPORT_FILE, cellReport, formatMatrix, writeReport } from './report.js';
import type { CellObservation, ConformanceReport } from './report.js';

/** The file whose top-level describe blocks are the matrix cells. */
const STORES_SUITE = /conformance\/test\/stores\.test\.ts$/;

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function errorText(error: { message?: string; name?: string }): string {
  return `${error.name ?? 'Error'}: ${error.message ?? ''}`;
}

function observe(suite: TestSuite | undefined, moduleErrors: readonly string[]): CellObservation {
  const seen = { passed: 0, failed: 0, skipped: 0 };
  const metas: CellMeta[] = [];
  if (suite === undefined) return { ...seen, metas, suiteErrors: moduleErrors };
  for (const test of suite.children.allTests()) {
    const state = test.result().state;
    if (state === 'passed') seen.passed++;
    else if (state === 'failed') seen.failed++;
    else seen.skipped++;
    const meta = test.meta().hourglassCell;
    if (meta !== undefined) metas.push(meta);
  }
  return { ...seen, metas, suiteErrors: [...moduleErrors, ...suite.errors().map(errorText)] };
}

/**
 * Turns the run of conformance/test/stores.test.ts into the matrix report: writes
 * conformance/reports/latest.json and prints the table after vitest's own summary.
 */
export default class ConformanceMatrixReporter implements Reporter {
  private vitest: Vitest | undefined;
  private startedAt = new Date();

  private readonly reportFile: string;

  /** Vitest passes the options given next to the reporter in the config (none by default). */
  constructor(options: { readonly reportFile?: string } = {}) {
    this.reportFile = options.reportFile ?? DEFAULT_REPORT_FILE;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    this.startedAt = new Date();
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _unhandledErrors: unknown, reason: TestRunEndReason): Promise<void> {
    const module = testModules.find((m) => STORES_SUITE.test(m.moduleId.replaceAll('\\', '/')));
    if (module === undefined) return;
    const moduleErrors = module.errors().map(errorText);
    const suites = new Map<string, TestSuite>();
    for (const suite of module.children.suites()) suites.set(suite.name, suite);
    const finishedAt = new Date();
    const report: ConformanceReport = {
      run: {
        startedAt: this.startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - this.startedAt.getTime(),
        nodeVersion: process.version,
        platform: `${process.platform}-${process.arch}`,
        gitCommit: gitCommit(),
        hourglassTargets: process.env.HOURGLASS_TARGETS ?? null,
        vitestResult: reason,
      },
      targets: buildMatrix().map((target) => cellReport(target, observe(suites.get(target.name), moduleErrors))),
    };
    await writeReport(report, this.reportFile);
    const text = `\n${formatMatrix(report)}\nreport written to ${this.reportFile}\n`;
    if (this.vitest !== undefined) this.vitest.logger.log(text);
    else process.stdout.write(text);
  }
}
