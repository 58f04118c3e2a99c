import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { DataBlob, WorkflowKey } from '@hourglass/core';
import type { DialectBehaviour } from '../dialects/dialect.js';
import type { Db } from '../runner.js';
import { bindBytes, int, readBlob } from '../values.js';

/**
 * The per-run sub-record tables (activity, timer, child, request-cancel and signal infos,
 * requested signal ids, buffered events). They share one shape, so they are handled by
 * table description rather than one copy of the code per table.
 */
export interface BlobMapTable<K extends number | string> {
  readonly table: 'activity_info_maps' | 'timer_info_maps' | 'child_execution_info_maps' | 'request_cancel_info_maps' | 'signal_info_maps';
  readonly keyColumn: 'schedule_id' | 'timer_id' | 'initiated_id';
  readonly keyKind: K extends number ? 'number' : 'string';
}

export const ACTIVITY_INFOS: BlobMapTable<number> = { table: 'activity_info_maps', keyColumn: 'schedule_id', keyKind: 'number' };
export const TIMER_INFOS: BlobMapTable<string> = { table: 'timer_info_maps', keyColumn: 'timer_id', keyKind: 'string' };
export const CHILD_EXECUTION_INFOS: BlobMapTable<number> = { table: 'child_execution_info_maps', keyColumn: 'initiated_id', keyKind: 'number' };
export const REQUEST_CANCEL_INFOS: BlobMapTable<number> = { table: 'request_cancel_info_maps', keyColumn: 'initiated_id', keyKind: 'number' };
export const SIGNAL_INFOS: BlobMapTable<number> = { table: 'signal_info_maps', keyColumn: 'initiated_id', keyKind: 'number' };

/** Every table whose rows belong to one run; deleting or resetting a run clears them all. */
export const RUN_SUB_TABLES = [
  'activity_info_maps',
  'timer_info_maps',
  'child_execution_info_maps',
  'request_cancel_info_maps',
  'signal_info_maps',
  'signals_requested_sets',
  'buffered_events',
] as const;

/** Rows per multi-row INSERT: well under every dialect's bound-parameter limit. */
const ROWS_PER_STATEMENT = 200;

function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function runMatches(shardId: number, key: WorkflowKey): RawBuilder<unknown> {
  return sql`shard_id = ${shardId} and namespace_id = ${key.namespaceId} and workflow_id = ${key.workflowId} and run_id = ${key.runId}`;
}

export async function upsertBlobMap<K extends number | string>(
  tx: Db,
  dialect: DialectBehaviour,
  spec: BlobMapTable<K>,
  shardId: number,
  key: WorkflowKey,
  entries: ReadonlyMap<K, DataBlob>,
): Promise<void> {
  const keyColumns = ['shard_id', 'namespace_id', 'workflow_id', 'run_id', spec.keyColumn];
  for (const batch of chunks([...entries])) {
    const values = batch.map(
      ([k, blob]) => sql`(${shardId}, ${key.namespaceId}, ${key.workflowId}, ${key.runId}, ${k}, ${bindBytes(blob.data)}, ${blob.encoding})`,
    );
    await sql`insert into ${sql.table(spec.table)} (shard_id, namespace_id, workflow_id, run_id, ${sql.ref(spec.keyColumn)}, data, data_encoding)
      values ${sql.join(values)} ${dialect.upsertClause(keyColumns, ['data', 'data_encoding'])}`.execute(tx);
  }
}

export async function deleteBlobMapKeys<K extends number | string>(
  tx: Db,
  spec: BlobMapTable<K>,
  shardId: number,
  key: WorkflowKey,
  keys: ReadonlySet<K>,
): Promise<void> {
  for (const batch of chunks([...keys])) {
    await sql`delete from ${sql.table(spec.table)} where ${runMatches(shardId, key)} and ${sql.ref(spec.keyColumn)} in (${sql.join(batch)})`.execute(tx);
  }
}

export async function readBlobMap<K extends number | string>(db: Db, spec: BlobMapTable<K>, shardId: number, key: WorkflowKey): Promise<Map<K, DataBlob>> {
  const result = await sql<{ k: unknown; data: unknown; data_encoding: unknown }>`select ${sql.ref(spec.keyColumn)} as k, data, data_encoding
    from ${sql.table(spec.table)} where ${runMatches(shardId, key)}`.execute(db);
  const map = new Map<K, DataBlob>();
  for (const row of result.rows) {
    const k = (spec.keyKind === 'number' ? int(row.k, spec.keyColumn) : String(row.k)) as K;
    map.set(k, readBlob(row.data, row.data_encoding, `${spec.table}.data`));
  }
  return map;
}

export async function insertSignalRequestedIds(tx: Db, dialect: DialectBehaviour, shardId: number, key: WorkflowKey, ids: ReadonlySet<string>): Promise<void> {
  const keyColumns = ['shard_id', 'namespace_id', 'workflow_id', 'run_id', 'signal_id'];
  for (const batch of chunks([...ids])) {
    const values = batch.map((id) => sql`(${shardId}, ${key.namespaceId}, ${key.workflowId}, ${key.runId}, ${id})`);
    await sql`insert into signals_requested_sets (shard_id, namespace_id, workflow_id, run_id, signal_id)
      values ${sql.join(values)} ${dialect.insertIgnoreClause(keyColumns)}`.execute(tx);
  }
}

export async function deleteSignalRequestedIds(tx: Db, shardId: number, key: WorkflowKey, ids: ReadonlySet<string>): Promise<void> {
  for (const batch of chunks([...ids])) {
    await sql`delete from signals_requested_sets where ${runMatches(shardId, key)} and signal_id in (${sql.join(batch)})`.execute(tx);
  }
}

export async function readSignalRequestedIds(db: Db, shardId: number, key: WorkflowKey): Promise<Set<string>> {
  const result = await sql<{ signal_id: string }>`select signal_id from signals_requested_sets where ${runMatches(shardId, key)}`.execute(db);
  return new Set(result.rows.map((r) => r.signal_id));
}

/** Appends after the run's newest buffered event; the caller holds the run's row lock. */
export async function appendBufferedEvents(tx: Db, shardId: number, key: WorkflowKey, events: DataBlob): Promise<void> {
  const last = await sql<{ seq: unknown }>`select max(seq) as seq from buffered_events where ${runMatches(shardId, key)}`.execute(tx);
  const lastSeq = last.rows[0]?.seq;
  const seq = lastSeq === null || lastSeq === undefined ? 1 : int(lastSeq, 'buffered_events.seq') + 1;
  await sql`insert into buffered_events (shard_id, namespace_id, workflow_id, run_id, seq, data, data_encoding)
    values (${shardId}, ${key.namespaceId}, ${key.workflowId}, ${key.runId}, ${seq}, ${bindBytes(events.data)}, ${events.encoding})`.execute(tx);
}

export async function readBufferedEvents(db: Db, shardId: number, key: WorkflowKey): Promise<DataBlob[]> {
  const result = await sql<{ data: unknown; data_encoding: unknown }>`select data, data_encoding from buffered_events
    where ${runMatches(shardId, key)} order by seq`.execute(db);
  return result.rows.map((r) => readBlob(r.data, r.data_encoding, 'buffered_events.data'));
}

export async function deleteRunSubRecords(tx: Db, shardId: number, key: WorkflowKey, tables: readonly (typeof RUN_SUB_TABLES)[number][] = RUN_SUB_TABLES): Promise<void> {
  for (const table of tables) await sql`delete from ${sql.table(table)} where ${runMatches(shardId, key)}`.execute(tx);
}
