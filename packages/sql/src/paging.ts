import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { decodePageToken, encodePageToken, requirePageSize } from '@hourglass/core';
import type { Page, PageRequest } from '@hourglass/core';

/**
 * Keyset paging: a page token holds the sort key of the last row returned, and the next
 * page starts strictly after it. Rows inserted meanwhile never shift or repeat a page.
 */
export type CursorKind = 'string' | 'number';
export type CursorValues<T extends readonly CursorKind[]> = { -readonly [K in keyof T]: T[K] extends 'string' ? string : number };

export function decodeCursor<const T extends readonly CursorKind[]>(token: Uint8Array | undefined, shape: T): CursorValues<T> | undefined {
  const cursor = decodePageToken(token, (value): value is { k: unknown[] } => {
    const k = value.k;
    return (
      Array.isArray(k) &&
      k.length === shape.length &&
      shape.every((kind, i) => (kind === 'string' ? typeof k[i] === 'string' : Number.isSafeInteger(k[i])))
    );
  });
  return cursor?.k as CursorValues<T> | undefined;
}

export interface SortColumn {
  /** A column reference, e.g. `run_id` or `t.run_id`. */
  readonly column: string;
  readonly descending?: boolean;
}

/** `(a > x) OR (a = x AND b > y) OR …`: rows strictly after `values` in the given order. */
export function keysetAfter(columns: readonly SortColumn[], values: readonly (string | number)[]): RawBuilder<SqlBool> {
  const alternatives: RawBuilder<unknown>[] = [];
  for (let i = 0; i < columns.length; i++) {
    const parts: RawBuilder<unknown>[] = [];
    for (let j = 0; j < i; j++) parts.push(sql`${sql.ref(columns[j]!.column)} = ${values[j]}`);
    const c = columns[i]!;
    parts.push(c.descending ? sql`${sql.ref(c.column)} < ${values[i]}` : sql`${sql.ref(c.column)} > ${values[i]}`);
    alternatives.push(sql`(${sql.join(parts, sql` and `)})`);
  }
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}

/** Validates a page request and returns how many rows to fetch: one extra tells whether another page exists. */
export function fetchSize(request: PageRequest): number {
  requirePageSize(request.pageSize);
  return request.pageSize + 1;
}

export function toPage<R, T>(rows: readonly R[], pageSize: number, map: (row: R) => T, keyOf: (row: R) => readonly (string | number)[]): Page<T> {
  if (rows.length <= pageSize) return { items: rows.map(map) };
  const kept = rows.slice(0, pageSize);
  return { items: kept.map(map), nextPageToken: encodePageToken({ k: keyOf(kept[kept.length - 1]!) }) };
}
