import { InvalidPersistenceRequestError } from './errors.js';

/**
 * Page tokens are opaque bytes to callers. Stores put a small JSON cursor in them; a token
 * that does not decode is a caller error, never a silent restart from the first page.
 */
export function encodePageToken(cursor: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(cursor));
}

export function decodePageToken<T extends Record<string, unknown>>(
  token: Uint8Array | undefined,
  validate: (value: Record<string, unknown>) => value is T,
): T | undefined {
  if (token === undefined || token.byteLength === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(token));
  } catch {
    throw new InvalidPersistenceRequestError('malformed next page token');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !validate(parsed as Record<string, unknown>)) {
    throw new InvalidPersistenceRequestError('malformed next page token');
  }
  return parsed as T;
}

export interface Page<T> {
  readonly items: T[];
  /** Absent when there are no more pages. */
  readonly nextPageToken?: Uint8Array;
}

export interface PageRequest {
  readonly pageSize: number;
  readonly nextPageToken?: Uint8Array;
}
