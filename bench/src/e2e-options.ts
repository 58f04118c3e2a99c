export interface E2eOptions {
  /** Workflows per measured round, per store and driver. */
  readonly workflows: number;
  readonly rounds: number;
  /** Workflows in flight at once. */
  readonly concurrency: number;
  readonly output: 'table' | 'json';
}

export const DEFAULT_E2E_OPTIONS: E2eOptions = { workflows: 200, rounds: 5, concurrency: 10, output: 'table' };

export const E2E_USAGE = `Usage: npm run bench:e2e -- [--workflows N] [--rounds R] [--concurrency C] [--output table|json]

Runs N one-activity workflows per round on the server in-process, on SQLite (file) and on
PostgreSQL 15 when conformance/servers/.run/postgres-15.json exists, once through the official
SDK worker and client and once as the bare gRPC calls such a workflow needs (the lower bound).
Defaults: --workflows ${DEFAULT_E2E_OPTIONS.workflows} --rounds ${DEFAULT_E2E_OPTIONS.rounds} --concurrency ${DEFAULT_E2E_OPTIONS.concurrency}.
`;

export class E2eUsageError extends Error {}

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 1) throw new E2eUsageError(`${flag} must be a positive integer, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  return n;
}

export function parseE2eOptions(argv: readonly string[]): E2eOptions | 'help' {
  let options = { ...DEFAULT_E2E_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--workflows') options = { ...options, workflows: positive(flag, value) };
    else if (flag === '--rounds') options = { ...options, rounds: positive(flag, value) };
    else if (flag === '--concurrency') options = { ...options, concurrency: positive(flag, value) };
    else if (flag === '--output') {
      if (value !== 'table' && value !== 'json') throw new E2eUsageError(`--output must be table or json, got ${JSON.stringify(value)}`);
      options = { ...options, output: value };
    } else throw new E2eUsageError(`unknown flag ${flag}`);
    i++;
  }
  return options;
}
