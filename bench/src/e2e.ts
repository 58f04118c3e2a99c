import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { E2eRound } from './e2e-lanes.js';
import { parseE2eOptions, E2E_USAGE, E2eUsageError } from './e2e-options.js';
import type { E2eOptions } from './e2e-options.js';
import { describeMachine, renderE2eReport, roundLoad, summarise } from './e2e-report.js';
import type { E2eDriverName, E2eReport, E2eSeries } from './e2e-report.js';
import { RawDriver } from './e2e-raw-driver.js';
import { SdkDriver } from './e2e-sdk-driver.js';
import { openPostgresStore, openSqliteFileStore, postgresRunFile } from './e2e-stores.js';
import type { E2eStore } from './e2e-stores.js';

interface Driver {
  round(prefix: string, total: number, concurrency: number): Promise<E2eRound>;
  stop(): Promise<void>;
}

interface Target {
  readonly store: E2eStore;
  readonly drivers: Record<E2eDriverName, Driver>;
}

async function openStores(skipped: E2eReport['skipped']): Promise<E2eStore[]> {
  const stores = [await openSqliteFileStore()];
  const run = postgresRunFile();
  if (!run) {
    skipped.push({ store: 'postgres-15', reason: 'conformance/servers/.run/postgres-15.json is absent (start it with: bash conformance/servers/start.sh postgres-15)' });
    return stores;
  }
  try {
    stores.push(await openPostgresStore(run));
  } catch (err) {
    skipped.push({ store: 'postgres-15', reason: `could not open: ${err instanceof Error ? err.message : String(err)}` });
  }
  return stores;
}

async function run(options: E2eOptions): Promise<E2eReport> {
  const loadAtStart = roundLoad(loadavg());
  const skipped: E2eReport['skipped'] = [];
  const runId = randomUUID().slice(0, 8);
  const stores = await openStores(skipped);
  const targets: Target[] = [];
  try {
    for (const store of stores) {
      const address = store.address;
      targets.push({
        store,
        drivers: { sdk: await SdkDriver.start(address, `e2e-sdk-${runId}`), 'raw-grpc': await RawDriver.start(address, `e2e-raw-${runId}`) },
      });
    }
    const series = new Map<string, E2eSeries>();
    for (const target of targets) {
      for (const driver of ['sdk', 'raw-grpc'] as const) {
        series.set(`${target.store.name}/${driver}`, { store: target.store.name, storeVersion: target.store.serverVersion, driver, rounds: [] });
      }
    }
    // Round 0 warms up the JIT, the SDK's workflow threads and the database caches; it is not reported.
    for (let round = 0; round <= options.rounds; round++) {
      const workflows = round === 0 ? Math.min(options.workflows, 50) : options.workflows;
      // Alternating the order keeps a slow phase of the shared machine from always hitting the same series.
      const drivers: readonly E2eDriverName[] = round % 2 === 0 ? ['sdk', 'raw-grpc'] : ['raw-grpc', 'sdk'];
      const ordered = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of ordered) {
        for (const driver of drivers) {
          const sample = await target.drivers[driver].round(`${runId}-${target.store.name}-${driver}-r${round}`, workflows, options.concurrency);
          if (round > 0) series.get(`${target.store.name}/${driver}`)!.rounds.push(sample);
          process.stderr.write(`round ${round}${round === 0 ? ' (warm-up)' : ''} ${target.store.name} ${driver}: ${(sample.workflows / (sample.elapsedMs / 1000)).toFixed(1)} workflows/s\n`);
        }
      }
    }
    return {
      options,
      machine: describeMachine(loadAtStart),
      stores: stores.map((s) => ({ name: s.name, version: s.serverVersion })),
      skipped,
      rows: summarise([...series.values()]),
    };
  } finally {
    for (const target of targets) await Promise.all(Object.values(target.drivers).map((d) => d.stop()));
    for (const store of stores) await store.dispose();
  }
}

async function main(argv: readonly string[]): Promise<void> {
  let options;
  try {
    options = parseE2eOptions(argv);
  } catch (err) {
    if (!(err instanceof E2eUsageError)) throw err;
    process.stderr.write(`bench:e2e: ${err.message}\n\n${E2E_USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(E2E_USAGE);
    return;
  }
  const report = await run(options);
  process.stdout.write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${renderE2eReport(report)}\n`);
}

main(process.argv.slice(2)).then(
  // The SDK's native runtime keeps the event loop alive after the worker stops.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
