import { InvalidPersistenceRequestError } from './errors.js';
import type { DataBlob } from './blob.js';

/** Shared request checks, so every store rejects the same bad input with the same typed error. */
export function requireNonEmpty(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidPersistenceRequestError(`${field} must be a non-empty string`);
  }
}

export function requireSafeInteger(value: unknown, field: string, min = Number.MIN_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidPersistenceRequestError(`${field} must be a safe integer >= ${min}, got ${String(value)}`);
  }
}

export function requirePageSize(value: unknown, field = 'pageSize'): asserts value is number {
  requireSafeInteger(value, field, 1);
}

export function requireBlob(value: unknown, field: string): asserts value is DataBlob {
  const b = value as DataBlob | undefined;
  if (typeof b !== 'object' || b === null || typeof b.encoding !== 'string' || !(b.data instanceof Uint8Array)) {
    throw new InvalidPersistenceRequestError(`${field} must be a DataBlob { encoding, data: Uint8Array }`);
  }
}

export function requireShardId(value: unknown): asserts value is number {
  requireSafeInteger(value, 'shardId', 0);
}
