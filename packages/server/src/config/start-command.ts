import { parseArgs } from 'node:util';
import { createLogger } from '../util/logger.js';
import { loadServerConfig } from './load-config.js';
import { ConfigError } from './problems.js';
import { startServerFromConfig } from './start-from-config.js';

export const START_USAGE = `Usage: hourglass server start --config <file>

Runs the server on the stores a YAML config file names (PostgreSQL, MySQL/MariaDB, SQLite or
Cassandra, with SQL or Elasticsearch visibility). See packages/server/examples/.

Options:
  -c, --config <file>   the config file (required)
  -h, --help
`;

/** Exit codes: 2 for a bad command line or config (fix the input), 1 when the stores or the server fail to start. */
export async function startFromConfigCommand(argv: string[]): Promise<void> {
  let values;
  try {
    values = parseArgs({ args: argv, strict: true, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    exitWith(2, `hourglass: ${err instanceof Error ? err.message : String(err)}\n\n${START_USAGE}`);
  }
  if (values.help) {
    process.stdout.write(START_USAGE);
    return;
  }
  if (values.config === undefined) exitWith(2, `hourglass: --config is required\n\n${START_USAGE}`);

  let config;
  try {
    config = loadServerConfig(values.config);
  } catch (err) {
    if (err instanceof ConfigError) exitWith(2, `hourglass: ${err.message}\n`);
    throw err;
  }
  const log = createLogger(config.log);
  let server;
  try {
    server = await startServerFromConfig(config, log);
  } catch (err) {
    // Store errors (schema too old, database unreachable, login refused) already say what to do; the stack adds nothing.
    exitWith(1, `hourglass: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  log.info('server ready', { address: `${config.frontend.ip}:${server.port}`, config: values.config });

  let signals = 0;
  const stop = (signal: string): void => {
    signals += 1;
    if (signals > 1) {
      log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    log.info('shutting down', { signal });
    server.shutdown(10_000).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function exitWith(code: number, text: string): never {
  process.stderr.write(text);
  process.exit(code);
}
