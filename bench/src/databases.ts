import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { setupSchema, sqliteExecutor } from '@hourglass/schema-tool';

export type StorageMode = 'file' | 'memory';

export const STORAGE_MODES: readonly StorageMode[] = ['file', 'memory'];

/** The settings the Hourglass SQLite store applies on open (packages/sql/src/dialects/sqlite.ts), mirrored so both sides run alike. */
const BUSY_TIMEOUT_MS = 5_000;

/** One temp directory per storage mode; every target gets its own database file in it. */
export class BenchDirectory {
  readonly path: string;

  constructor(readonly mode: StorageMode) {
    this.path = mkdtempSync(join(tmpdir(), `hourglass-bench-${mode}-`));
  }

  filename(target: string): string {
    return this.mode === 'memory' ? ':memory:' : join(this.path, `${target}.sqlite`);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** A better-sqlite3 database configured like the store's and carrying the same main schema, applied by the schema tool. */
export async function openBaselineDatabase(filename: string): Promise<BetterSqlite3.Database> {
  const handle = new BetterSqlite3(filename);
  handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!handle.memory) handle.pragma('journal_mode = WAL');
  handle.pragma('foreign_keys = ON');
  await setupSchema(sqliteExecutor(handle), { store: 'main' });
  return handle;
}

export interface SqlitePragmas {
  readonly journalMode: string;
  readonly synchronous: number;
  readonly sqliteVersion: string;
}

export function readPragmas(handle: BetterSqlite3.Database): SqlitePragmas {
  return {
    journalMode: String(handle.pragma('journal_mode', { simple: true })),
    synchronous: Number(handle.pragma('synchronous', { simple: true })),
    sqliteVersion: String(handle.prepare('select sqlite_version() as v').pluck().get()),
  };
}

/** The tables the workloads write. */
export const WRITTEN_TABLES = ['executions', 'current_executions', 'timer_info_maps', 'history_immediate_tasks', 'history_scheduled_tasks', 'history_node', 'tasks'] as const;

/** Rows and a digest of their content, per written table: equal across targets means they wrote the same rows, byte for byte. */
export interface TableContent {
  readonly rows: number;
  readonly sha256: string;
}

export function describeWrittenTables(handle: BetterSqlite3.Database): Record<string, TableContent> {
  const content: Record<string, TableContent> = {};
  for (const table of WRITTEN_TABLES) {
    const columnCount = handle.prepare(`SELECT * FROM ${table} LIMIT 0`).columns().length;
    const byEveryColumn = Array.from({ length: columnCount }, (_, i) => i + 1).join(', ');
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of handle.prepare(`SELECT * FROM ${table} ORDER BY ${byEveryColumn}`).raw().iterate() as Iterable<unknown[]>) {
      rows++;
      for (const value of row) {
        hash.update(value instanceof Uint8Array ? value : `${typeof value}:${String(value)}`);
        hash.update('\u0000');
      }
    }
    content[table] = { rows, sha256: hash.digest('hex') };
  }
  return content;
}
