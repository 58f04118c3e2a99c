/**
 * `npm run bench`: the Hourglass stores against the raw driver of each database (SQLite,
 * PostgreSQL, MariaDB, Cassandra) doing the minimal equivalent work on the same schema, for
 * the persistence hot paths. See docs/benchmarks.md for how to read the output.
 */
import { USAGE, UsageError, parseOptions } from './options.js';
import type { BenchOptions } from './options.js';
import { runBenchmark } from './run-benchmark.js';
import { renderReport } from './table.js';

function reproduceCommand(options: BenchOptions): string {
  const modes = options.dbs.includes('sqlite') ? ` ${options.modes.map((m) => `--mode ${m}`).join(' ')}` : '';
  return `npm run bench -- --db ${options.dbs.join(',')} --ops ${options.ops} --rounds ${options.rounds}${modes} --output ${options.output}`;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Progress goes to stderr so `--output json` stays machine-readable on stdout.
  const report = await runBenchmark(options, reproduceCommand(options), (message) => process.stderr.write(`[bench] ${message}\n`));
  process.stdout.write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
  const mismatch = report.modes.find((m) => m.writtenMatch === false);
  if (mismatch) {
    process.stderr.write(`[bench] the targets wrote different rows in ${mismatch.mode} mode; the comparison is not valid\n`);
    return 1;
  }
  const serverMismatch = report.servers.find((s) => s.rowCountsMatch === false);
  if (serverMismatch) {
    process.stderr.write(`[bench] the targets wrote different row counts on ${serverMismatch.label}; the comparison is not valid\n`);
    return 1;
  }
  if (options.dbsChosen && report.notRun.length > 0) {
    process.stderr.write(`[bench] not run although chosen: ${report.notRun.map((n) => n.db).join(', ')}\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
