import type { BenchReport, ModeReport } from './report.js';
import type { Ratio, Slowdown } from './stats.js';
import { CODE_OWNERS } from './cpu-profile.js';
import { TYPICAL_SHARE } from './profile.js';
import { TARGET_NAMES } from './targets.js';
import type { TargetName } from './targets.js';
import type { ServerDbReport } from './run-server-benchmark.js';
import { SERVER_TARGET_NAMES } from './server-targets.js';
import { WORKLOADS } from './workloads.js';

type Align = 'left' | 'right';

/** A Markdown table, so the same text reads well in a terminal and pastes into docs/benchmarks.md. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const cell = (text: string, c: number) => (align[c] === 'right' ? text.padStart(widths[c]!) : text.padEnd(widths[c]!));
  const line = (cells: readonly string[]) => `| ${cells.map((text, c) => cell(text, c)).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (align[c] === 'right' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

function grouped(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

function statements(count: { statements: number; transactions: number }): string {
  return `${fixed(count.statements, count.statements % 1 === 0 ? 0 : 1)} (${fixed(count.transactions, count.transactions % 1 === 0 ? 0 : 1)} tx)`;
}

function ratio(r: Ratio, rounds: number): string {
  return rounds > 1 ? `${fixed(r.median, 2)} (${fixed(r.min, 2)}–${fixed(r.max, 2)})` : fixed(r.median, 2);
}

function slowdownToRaw(workload: ModeReport['workloads'][number], target: TargetName): Slowdown | undefined {
  if (target === 'raw') return undefined;
  return target === 'hourglass' ? workload.ratios.hourglassToRaw : workload.ratios.kyselySqlToRaw;
}

function ratioCells(toRaw: Slowdown | undefined, rounds: number): [string, string] {
  return toRaw ? [ratio(toRaw.byMean, rounds), fixed(toRaw.byP50.median, 2)] : ['1', '1'];
}

export function renderModeTable(mode: ModeReport, rounds: number): string {
  const rows: string[][] = [];
  for (const workload of mode.workloads) {
    for (const target of TARGET_NAMES) {
      const s = workload.targets[target].summary;
      rows.push([
        target === 'hourglass' ? workload.name : '',
        target,
        grouped(s.opsPerSec),
        fixed(s.p50Us, 1),
        fixed(s.p99Us, 1),
        statements(target === 'hourglass' ? workload.statementsPerOp.hourglass : workload.statementsPerOp.baseline),
        ...ratioCells(slowdownToRaw(workload, target), rounds),
      ]);
    }
  }
  return renderTable(
    ['workload', 'target', 'ops/s', 'p50 µs', 'p99 µs', 'statements/op', '× raw, mean (round range)', '× raw, p50'],
    rows,
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** Where each target's time goes per op, from the instrumented pass. */
export function renderTimeSplitTable(mode: ModeReport): string {
  const rows: string[][] = [];
  for (const workload of mode.workloads) {
    for (const target of TARGET_NAMES) {
      const t = workload.timeSplit[target];
      rows.push([
        target === 'hourglass' ? workload.name : '',
        target,
        fixed(t.totalUs, 1),
        fixed(t.sqliteUs, 1),
        fixed(t.prepareUs, 1),
        fixed(t.compileUs, 1),
        fixed(t.otherUs, 1),
      ]);
    }
  }
  return renderTable(
    ['workload', 'target', 'total', 'in SQLite', 'prepare', 'Kysely compile', 'other JS'],
    rows,
    ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** Share of CPU samples per package, in percent, from the profiled pass. */
export function renderCpuSharesTable(mode: ModeReport): string {
  const rows: string[][] = [];
  for (const workload of mode.workloads) {
    for (const target of TARGET_NAMES) {
      const shares = workload.cpuShares[target];
      rows.push([target === 'hourglass' ? workload.name : '', target, ...CODE_OWNERS.map((o) => fixed(shares[o] * 100, 0))]);
    }
  }
  return renderTable(['workload', 'target', ...CODE_OWNERS.map((o) => `${o} %`)], rows, ['left', 'left', ...CODE_OWNERS.map((): Align => 'right')]);
}

/** One server database: the store and the raw driver per workload, with the ratio store / raw from the same run. */
export function renderServerTable(server: ServerDbReport, rounds: number): string {
  const rows: string[][] = [];
  for (const workload of server.workloads) {
    for (const target of SERVER_TARGET_NAMES) {
      const s = workload.targets[target].summary;
      rows.push([
        target === 'hourglass' ? workload.name : '',
        target,
        grouped(s.opsPerSec),
        fixed(s.p50Us, 1),
        fixed(s.p99Us, 1),
        ...ratioCells(target === 'hourglass' ? workload.hourglassToRaw : undefined, rounds),
      ]);
    }
  }
  return renderTable(
    ['workload', 'target', 'ops/s', 'p50 µs', 'p99 µs', '× raw, mean (round range)', '× raw, p50'],
    rows,
    ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
}

function renderServers(report: BenchReport): string[] {
  const out: string[] = [];
  for (const server of report.servers) {
    out.push(
      '',
      `## ${server.label} ${server.serverVersion} (server ${server.serverTarget}); 1-min load average during rounds ${fixed(server.loadAverage1m.min, 2)}–${fixed(server.loadAverage1m.max, 2)}`,
      '',
      renderServerTable(server, report.options.rounds),
    );
    if (server.rowCounts) {
      out.push(
        '',
        `written tables hold the same row counts on both targets: ${server.rowCountsMatch ? 'yes' : `NO ${JSON.stringify(server.rowCounts)}`} (${Object.entries(server.rowCounts.raw)
          .map(([table, n]) => `${table} ${n}`)
          .join(', ')})`,
      );
    }
  }
  for (const missing of report.notRun) out.push('', `## ${missing.db}`, '', `not run: ${missing.reason}`);
  return out;
}

export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [
    `Hourglass persistence benchmark — ${report.startedAt}`,
    `command: ${report.command}`,
    `source: commit ${report.source.commit}${report.source.uncommitted.length > 0 ? `, with uncommitted changes in ${report.source.uncommitted.join(', ')}` : ''}`,
    `machine: ${m.cpuCount} × ${m.cpuModel}, ${m.totalMemoryGiB} GiB, ${m.platform}, node ${m.node}${report.modes.length > 0 ? `, SQLite ${m.sqlite}` : ''}`,
    `load average (1/5/15 min): start ${m.loadAverageAtStart.join(' / ')}, end ${m.loadAverageAtEnd.join(' / ')}`,
    `${report.options.ops} ops per workload, target and round; ${report.options.rounds} measured round${report.options.rounds === 1 ? '' : 's'} (+${report.options.warmupRounds} warm-up); figures are medians over rounds; × raw = median over rounds of the per-round latency ratio (mean: throughput, stalls included; p50: the typical op)`,
    '',
    'workloads (hourglass = the store: @hourglass/sql on SQLite, PostgreSQL and MariaDB, @hourglass/cassandra on Cassandra; raw = the fewest statements writing the same rows with the same checks, on the plain driver: cached better-sqlite3 prepared statements, a pg client with named prepared statements, one mysql2 connection, cassandra-driver with prepared statements and the same conditional batches; kysely-sql (SQLite only) = the raw statements sent through the store\'s own Kysely connection):',
    ...WORKLOADS.map((w) => `- ${w.name}: ${w.description}`),
  ];
  for (const mode of report.modes) {
    out.push(
      '',
      `## ${mode.mode} (journal_mode=${mode.pragmas.journalMode}, synchronous=${mode.pragmas.synchronous}); 1-min load average during rounds ${fixed(mode.loadAverage1m.min, 2)}–${fixed(mode.loadAverage1m.max, 2)}`,
      '',
      renderModeTable(mode, report.options.rounds),
      '',
      `where the time goes, µs per op (instrumented pass after the timed rounds, mean over the fastest ${TYPICAL_SHARE * 100}% of ops; other JS = query builders, validation, promises and the connection mutex, row mapping, the baseline's own glue):`,
      '',
      renderTimeSplitTable(mode),
      '',
      'CPU samples by the package of the innermost frame, % (V8 sampling profiler, one more untimed pass; native = SQLite and V8 builtins):',
      '',
      renderCpuSharesTable(mode),
      '',
      `hourglass / kysely-sql, mean: ${mode.workloads.map((w) => `${w.name} ${ratio(w.ratios.hourglassToKyselySql.byMean, report.options.rounds)}`).join(', ')}`,
      `write transaction (BEGIN IMMEDIATE + 1-row UPDATE + COMMIT, fastest of 25 batches): raw ${fixed(mode.transactionCosts.rawWriteTransactionUs, 1)} µs, through the store's Kysely connection ${fixed(mode.transactionCosts.kyselyWriteTransactionUs, 1)} µs`,
    );
    if (mode.written) out.push(`written tables identical across targets (rows and content digest): ${mode.writtenMatch ? 'yes' : `NO ${JSON.stringify(mode.written)}`}`);
  }
  const c = report.perStatementCosts;
  if (c === undefined) return [...out, ...renderServers(report)].join('\n');
  out.push(
    '',
    '## per-statement costs (µs per call, :memory:, fastest of 25 batches)',
    '',
    renderTable(
      ['step', 'µs'],
      [
        ['Kysely build only: INSERT INTO executions (17 columns)', fixed(c.kyselyBuildInsertUs, 2)],
        ['Kysely build + compile: that INSERT', fixed(c.kyselyCompileInsertUs, 2)],
        ['Kysely build only: SELECT current run (3 WHERE terms)', fixed(c.kyselyBuildSelectUs, 2)],
        ['Kysely build + compile: that SELECT', fixed(c.kyselyCompileSelectUs, 2)],
        ['better-sqlite3 prepare: that INSERT', fixed(c.prepareInsertUs, 2)],
        ['better-sqlite3 prepare: that SELECT', fixed(c.prepareSelectUs, 2)],
        ['shard-fence SELECT on a cached prepared statement', fixed(c.preparedSelectUs, 2)],
        ['the same SELECT, compiled SQL through the store\'s Kysely connection', fixed(c.kyselyExecuteSelectUs, 2)],
      ],
      ['left', 'right'],
    ),
  );
  return [...out, ...renderServers(report)].join('\n');
}
