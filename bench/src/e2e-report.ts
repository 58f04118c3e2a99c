import { cpus, loadavg, totalmem } from 'node:os';
import { median, percentile } from './stats.js';
import { renderTable } from './table.js';
import type { E2eRound } from './e2e-lanes.js';
import type { E2eOptions } from './e2e-options.js';

export type E2eDriverName = 'sdk' | 'raw-grpc';

export interface E2eSeries {
  readonly store: string;
  readonly storeVersion: string;
  readonly driver: E2eDriverName;
  readonly rounds: E2eRound[];
}

export interface RatioRange {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface E2eRow {
  readonly store: string;
  readonly driver: E2eDriverName;
  /** Medians over the measured rounds. */
  readonly workflowsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Throughput divided by the raw-gRPC lower bound's on the same store, per round. */
  readonly toRaw: RatioRange;
  /** Throughput divided by SQLite's with the same driver, per round. */
  readonly toSqlite: RatioRange;
}

export interface E2eReport {
  readonly options: E2eOptions;
  readonly machine: { cpuCount: number; cpuModel: string; totalMemoryGiB: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  readonly stores: { name: string; version: string }[];
  readonly skipped: { store: string; reason: string }[];
  readonly rows: E2eRow[];
}

function throughput(round: E2eRound): number {
  return round.workflows / (round.elapsedMs / 1000);
}

function roundPercentile(round: E2eRound, q: number): number {
  return percentile(Float64Array.from(round.latenciesMs).sort(), q);
}

function range(values: readonly number[]): RatioRange {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Ratios are taken round by round between series measured back to back, then summarised, so drift in machine load cancels out. */
function perRoundRatio(numerator: E2eSeries, denominator: E2eSeries | undefined): RatioRange {
  if (!denominator) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return range(numerator.rounds.map((round, i) => throughput(round) / throughput(denominator.rounds[i]!)));
}

export function summarise(series: readonly E2eSeries[]): E2eRow[] {
  const find = (store: string, driver: E2eDriverName) => series.find((s) => s.store === store && s.driver === driver);
  const sqlite = series[0]?.store;
  return series.map((s) => ({
    store: s.store,
    driver: s.driver,
    workflowsPerSec: median(s.rounds.map(throughput)),
    p50Ms: median(s.rounds.map((r) => roundPercentile(r, 0.5))),
    p99Ms: median(s.rounds.map((r) => roundPercentile(r, 0.99))),
    toRaw: perRoundRatio(s, find(s.store, 'raw-grpc')),
    toSqlite: perRoundRatio(s, sqlite === undefined ? undefined : find(sqlite, s.driver)),
  }));
}

export function describeMachine(loadAverageAtStart: number[]): E2eReport['machine'] {
  const list = cpus();
  return {
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart,
    loadAverageAtEnd: roundLoad(loadavg()),
  };
}

export function roundLoad(load: readonly number[]): number[] {
  return load.map((x) => Math.round(x * 100) / 100);
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

function ratio(r: RatioRange, rounds: number): string {
  if (!Number.isFinite(r.median)) return 'n/a';
  return rounds > 1 ? `${fixed(r.median, 2)} (${fixed(r.min, 2)}–${fixed(r.max, 2)})` : fixed(r.median, 2);
}

export function renderE2eReport(report: E2eReport): string {
  const { options, machine } = report;
  const table = renderTable(
    ['store', 'driver', 'workflows/s', 'p50 ms', 'p99 ms', '÷ raw gRPC (same store)', '÷ SQLite (same driver)'],
    report.rows.map((row) => [
      row.store,
      row.driver,
      fixed(row.workflowsPerSec, 1),
      fixed(row.p50Ms, 1),
      fixed(row.p99Ms, 1),
      ratio(row.toRaw, options.rounds),
      ratio(row.toSqlite, options.rounds),
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
  return [
    `End to end: ${options.workflows} one-activity workflows per round, ${options.concurrency} in flight, ${options.rounds} measured round(s) after one warm-up round; medians over rounds, ratios per round (median, min–max).`,
    '',
    table,
    '',
    `Stores: ${report.stores.map((s) => `${s.name} = ${s.version}`).join('; ')}`,
    ...report.skipped.map((s) => `Skipped ${s.store}: ${s.reason}`),
    `Machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, ${machine.platform}, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd.join(' ')} at end.`,
  ].join('\n');
}
