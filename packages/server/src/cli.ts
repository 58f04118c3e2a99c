#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { openSqlStores } from '@hourglass/sql';
import { startFromConfigCommand } from './config/start-command.js';
import { parseDynamicConfig, parseSearchAttributeFlags } from './dev-config.js';
import { HourglassServer } from './server.js';
import { NamespaceRegistry } from './frontend/namespace-registry.js';
import { createLogger, isLogLevel } from './util/logger.js';
import type { LogFormat } from './util/logger.js';

const USAGE = `Usage: hourglass server start-dev [options]
       hourglass server start --config <file>   (production stores; see server start --help)

Runs a Temporal-compatible development server on SQLite.

Options:
  --port <n>                     gRPC port (default 7233)
  --ip <addr>                    address to bind (default 127.0.0.1)
  -n, --namespace <name>         namespace to create at start (repeatable; "default" always exists)
  -f, --db-filename <path>       SQLite file to persist to (default: in memory, lost on exit)
  --log-format json|pretty       (default json)
  --log-level debug|info|warn|error   (default info)
  --dynamic-config-value K=V     dynamic config, V as JSON (repeatable; unknown keys are ignored with a warning)
  --search-attribute NAME=TYPE   custom search attribute for the created namespaces (repeatable)
  --headless                     do not serve the web UI (this server has none)
  --ui-port <n>, --http-port <n> accepted for compatibility; this server serves neither
  -h, --help
`;

function fail(message: string): never {
  process.stderr.write(`hourglass: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parsePort(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${flag} must be a port number, got '${value}'`);
  return n;
}

async function startDev(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        ip: { type: 'string' },
        namespace: { type: 'string', short: 'n', multiple: true },
        'db-filename': { type: 'string', short: 'f' },
        'log-format': { type: 'string' },
        'log-level': { type: 'string' },
        'dynamic-config-value': { type: 'string', multiple: true },
        'search-attribute': { type: 'string', multiple: true },
        headless: { type: 'boolean' },
        'ui-port': { type: 'string' },
        'http-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    return;
  }
  const format = (v['log-format'] ?? 'json') as LogFormat;
  if (format !== 'json' && format !== 'pretty') fail(`--log-format must be json or pretty, got '${format}'`);
  const level = v['log-level'] ?? 'info';
  if (!isLogLevel(level)) fail(`--log-level must be debug, info, warn or error, got '${level}'`);
  const log = createLogger({ level, format });
  const port = parsePort(v.port, '--port', 7233);
  parsePort(v['ui-port'], '--ui-port', 0);
  parsePort(v['http-port'], '--http-port', 0);
  if (!v.headless && v['ui-port'] !== undefined) log.warn('this server has no web UI; --ui-port is ignored');
  if (v['http-port'] !== undefined) log.warn('this server has no HTTP/JSON gateway; --http-port is ignored');

  let dynamic;
  let searchAttributes;
  try {
    dynamic = parseDynamicConfig(v['dynamic-config-value'] ?? [], log);
    searchAttributes = parseSearchAttributeFlags(v['search-attribute'] ?? []);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }

  const filename = v['db-filename'] ?? ':memory:';
  const stores = await openSqlStores({ dialect: 'sqlite', filename, setupSchema: true });
  const namespaces = [...new Set(['default', ...(v.namespace ?? [])])];
  const server = await HourglassServer.start({
    stores,
    port,
    ip: v.ip ?? '127.0.0.1',
    namespaces,
    persistenceName: 'sqlite',
    log,
    ...dynamic,
  });
  if (Object.keys(searchAttributes).length > 0) {
    const registry = new NamespaceRegistry(stores.namespaces);
    for (const name of namespaces) {
      await registry.update(name, (data) => Object.assign(data.searchAttributes, searchAttributes));
    }
  }
  log.info('dev server ready', { address: `${v.ip ?? '127.0.0.1'}:${server.port}`, db: filename, namespaces });

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

async function main(argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  if (group === 'server' && command === 'start-dev') return startDev(rest);
  if (group === 'server' && command === 'start') return startFromConfigCommand(rest);
  if (group === undefined || group === '-h' || group === '--help' || group === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  fail(`unknown command '${[group, command].filter(Boolean).join(' ')}'`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`hourglass: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
