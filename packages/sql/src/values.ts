import { toUint8Array } from '@hourglass/core';
import type { DataBlob } from '@hourglass/core';

/** Raised when a stored value cannot be what the schema says it is: a bug or a corrupt row, never bad input. */
export class CorruptRowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptRowError';
  }
}

/**
 * Reads an integer column. pg hands int8 back as a string and mysql2 may hand big numbers
 * back as strings too; anything outside the safe-integer range would silently lose digits.
 */
export function int(value: unknown, column: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = Number(value);
  else throw new CorruptRowError(`column ${column} holds ${String(value)}, not an integer`);
  if (!Number.isSafeInteger(n)) throw new CorruptRowError(`column ${column} holds ${String(value)}, beyond the safe integer range`);
  return n;
}

export function optionalInt(value: unknown, column: string): number | undefined {
  return value === null || value === undefined ? undefined : int(value, column);
}

/** Drivers bind Buffers as binary; a Buffer view over the caller's bytes avoids a copy. */
export function bindBytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Copies the driver's Buffer (possibly a slice of a shared pool) into a caller-owned Uint8Array. */
export function readBytes(value: unknown, column: string): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(toUint8Array(value));
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  throw new CorruptRowError(`column ${column} holds ${typeof value}, not bytes`);
}

export function readBlob(data: unknown, encoding: unknown, column: string): DataBlob {
  if (typeof encoding !== 'string') throw new CorruptRowError(`column ${column}_encoding is not text`);
  return { encoding, data: readBytes(data, column) };
}
