import { decodePageToken, encodePageToken, requirePageSize } from '@hourglass/core';
import type { Page, PageRequest } from '@hourglass/core';

export type CursorPart = 'string' | 'number';

/**
 * Keyset paging: the token holds the key of the last item returned, so writes between pages
 * neither repeat items nor push unread ones out of the scan. `shape` is what a valid cursor
 * holds; anything else is a malformed token (InvalidPersistenceRequestError).
 */
export function readCursor<T extends readonly (string | number)[]>(request: PageRequest, shape: readonly CursorPart[]): T | undefined {
  requirePageSize(request.pageSize);
  const cursor = decodePageToken(request.nextPageToken, (value): value is { after: (string | number)[] } => {
    const after = value['after'];
    return (
      Array.isArray(after) &&
      after.length === shape.length &&
      after.every((part, i) => (shape[i] === 'number' ? typeof part === 'number' && Number.isSafeInteger(part) : typeof part === 'string'))
    );
  });
  return cursor?.after as T | undefined;
}

/** `fetched` holds up to pageSize + 1 items; the extra one only says another page exists. */
export function pageOf<T>(fetched: T[], pageSize: number, keyOf: (item: T) => readonly (string | number)[]): Page<T> {
  if (fetched.length <= pageSize) return { items: fetched };
  const items = fetched.slice(0, pageSize);
  return { items, nextPageToken: encodePageToken({ after: [...keyOf(items[items.length - 1]!)] }) };
}
