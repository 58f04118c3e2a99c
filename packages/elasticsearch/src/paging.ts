import { decodePageToken, encodePageToken, requirePageSize } from '@hourglass/core';

/**
 * The list order — open runs first, then newest start, then run id — as an Elasticsearch sort.
 * RunId makes it total within a namespace, which is what lets `search_after` page without gaps.
 */
export const LIST_SORT: readonly Record<string, 'asc' | 'desc'>[] = [{ Closed: 'asc' }, { StartTime: 'desc' }, { RunId: 'asc' }];

/**
 * Elasticsearch refuses a `size` above index.max_result_window (10 000 by default), and a list
 * asks for one hit more than the page to learn whether another page follows.
 */
export const MAX_PAGE_SIZE = 10_000 - 1;

/** The sort values of the last hit of a page, exactly as the server returned them (booleans come back as 0/1). */
export type SearchAfter = readonly [number | boolean, number, string];

interface Cursor extends Record<string, unknown> {
  readonly after: SearchAfter;
}

function isCursor(value: Record<string, unknown>): value is Cursor {
  const after = value['after'];
  return (
    Object.keys(value).length === 1 &&
    Array.isArray(after) &&
    after.length === 3 &&
    (typeof after[0] === 'boolean' || after[0] === 0 || after[0] === 1) &&
    Number.isSafeInteger(after[1]) &&
    typeof after[2] === 'string'
  );
}

export function decodeCursor(token: Uint8Array | undefined): SearchAfter | undefined {
  return decodePageToken(token, isCursor)?.after;
}

export function encodeCursor(after: SearchAfter): Uint8Array {
  return encodePageToken({ after });
}

/** Validates the requested page size and caps it at what the server will return in one page. */
export function effectivePageSize(pageSize: unknown): number {
  requirePageSize(pageSize);
  return Math.min(pageSize, MAX_PAGE_SIZE);
}

export function isSearchAfter(value: unknown): value is SearchAfter {
  return Array.isArray(value) && isCursor({ after: value });
}
