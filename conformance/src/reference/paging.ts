import { decodePageToken, encodePageToken, requirePageSize } from '@hourglass/core';
import type { Page, PageRequest } from '@hourglass/core';

export type SortKey = readonly (string | number)[];

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function isCursor(value: Record<string, unknown>): value is { after: (string | number)[] } {
  return Array.isArray(value.after) && value.after.every((v) => typeof v === 'string' || typeof v === 'number');
}

/**
 * Keyset paging: the token holds the sort key of the last item returned, so items inserted
 * while a caller pages neither repeat nor push earlier items out of the scan.
 */
export function pageByKey<T>(items: Iterable<T>, keyOf: (item: T) => SortKey, request: PageRequest): Page<T> {
  requirePageSize(request.pageSize);
  const cursor = decodePageToken(request.nextPageToken, isCursor);
  const sorted = [...items].map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareKeys(a.key, b.key));
  const remaining = cursor === undefined ? sorted : sorted.filter((e) => compareKeys(e.key, cursor.after) > 0);
  const page = remaining.slice(0, request.pageSize);
  if (remaining.length <= request.pageSize) return { items: page.map((e) => e.item) };
  return { items: page.map((e) => e.item), nextPageToken: encodePageToken({ after: [...page[page.length - 1]!.key] }) };
}
