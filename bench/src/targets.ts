import BetterSqlite3 from 'better-sqlite3';
import { openSqlStores, sqliteConnection } from '@hourglass/sql';
import type { SqlPersistenceStores } from '@hourglass/sql';
import type { BenchDirectory } from './databases.js';
import { describeWrittenTables, openBaselineDatabase, readPragmas } from './databases.js';
import type { SqlitePragmas, TableContent } from './databases.js';
import { KyselySqlExecutor } from './kysely-sql.js';
import { RawSqliteExecutor } from './raw-sqlite.js';
import type { OpPosition } from './workload-data.js';
import type { Workload } from './workloads.js';
import { seedBaseline, seedStore } from './workloads.js';

/**
 * - hourglass: the SQLite store from @hourglass/sql, as a server would open it;
 * - kysely-sql: the baseline's statements through the store's Kysely connection (see kysely-sql.ts);
 * - raw: the baseline's statements on better-sqlite3 prepared statements.
 */
export type TargetName = 'hourglass' | 'kysely-sql' | 'raw';

export const TARGET_NAMES: readonly TargetName[] = ['hourglass', 'kysely-sql', 'raw'];

export interface BenchTarget {
  readonly name: TargetName;
  /** Synchronous targets return nothing, so the timing loop does not add an await to them. */
  execute(workload: Workload, p: OpPosition): void | Promise<void>;
  close(): Promise<void>;
}

class HourglassTarget implements BenchTarget {
  readonly name = 'hourglass';
  constructor(private readonly stores: SqlPersistenceStores) {}

  execute(workload: Workload, p: OpPosition): Promise<void> {
    return workload.store(this.stores, p);
  }

  close(): Promise<void> {
    return this.stores.close();
  }
}

class RawTarget implements BenchTarget {
  readonly name = 'raw';
  private readonly executor: RawSqliteExecutor;
  constructor(private readonly handle: BetterSqlite3.Database) {
    this.executor = new RawSqliteExecutor(handle);
  }

  execute(workload: Workload, p: OpPosition): void {
    this.executor.execute(workload.baseline(p));
  }

  async close(): Promise<void> {
    this.handle.close();
  }
}

class KyselySqlTarget implements BenchTarget {
  readonly name = 'kysely-sql';
  constructor(private readonly executor: KyselySqlExecutor) {}

  execute(workload: Workload, p: OpPosition): Promise<void> {
    return this.executor.execute(workload.baseline(p));
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}

export interface OpenedTargets {
  readonly targets: readonly BenchTarget[];
  /** The baseline database's settings; the store's are set by the same code path (see databases.ts). */
  readonly pragmas: SqlitePragmas;
  closeAll(): Promise<void>;
}

/** Opens every target on its own database in `dir`, each with the main schema and the seed rows. */
export async function openTargets(dir: BenchDirectory): Promise<OpenedTargets> {
  const stores = await openSqlStores({ dialect: 'sqlite', filename: dir.filename('hourglass'), setupSchema: true });
  await seedStore(stores);
  const rawHandle = await openBaselineDatabase(dir.filename('raw'));
  new RawSqliteExecutor(rawHandle).execute([seedBaseline()]);
  const kyselyHandle = await openBaselineDatabase(dir.filename('kysely-sql'));
  new RawSqliteExecutor(kyselyHandle).execute([seedBaseline()]);
  const pragmas = readPragmas(rawHandle);
  const kyselySql = new KyselySqlExecutor(sqliteConnection(kyselyHandle, { ownsHandle: true }));
  const targets: BenchTarget[] = [new HourglassTarget(stores), new KyselySqlTarget(kyselySql), new RawTarget(rawHandle)];
  return {
    targets,
    pragmas,
    async closeAll() {
      for (const target of targets) await target.close();
    },
  };
}

/**
 * The written tables' content per target, read after the targets are closed: identical
 * content shows every target did the same work. In-memory databases are gone by then, so only
 * file mode checks.
 */
export function writtenContentAfterClose(dir: BenchDirectory): Record<TargetName, Record<string, TableContent>> | undefined {
  if (dir.mode !== 'file') return undefined;
  const content = {} as Record<TargetName, Record<string, TableContent>>;
  for (const name of TARGET_NAMES) {
    const handle = new BetterSqlite3(dir.filename(name), { readonly: true });
    try {
      content[name] = describeWrittenTables(handle);
    } finally {
      handle.close();
    }
  }
  return content;
}
