import cassandra from 'cassandra-driver';
import { toUint8Array } from '@hourglass/core';
import type { DataBlob } from '@hourglass/core';
import type { Row } from './session.js';

/** A view of the blob's bytes for the driver, without copying. */
export function bytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Blobs inside collections are stored as (encoding, data) tuples. */
export function blobTuple(blob: DataBlob): cassandra.types.Tuple {
  return new cassandra.types.Tuple(blob.encoding, bytes(blob.data));
}

export function tupleBlob(tuple: cassandra.types.Tuple): DataBlob {
  const encoding = tuple.get(0) as string | null;
  const data = tuple.get(1) as Buffer | null;
  return { encoding: encoding ?? '', data: data === null ? new Uint8Array(0) : toUint8Array(data) };
}

/** A blob stored as a data column plus an encoding column; undefined when both are null. */
export function columnBlob(row: Row, dataColumn: string, encodingColumn: string): DataBlob | undefined {
  const data = row.get(dataColumn) as Buffer | null;
  const encoding = row.get(encodingColumn) as string | null;
  if (data === null && encoding === null) return undefined;
  // Cassandra reads an empty blob back as null; the encoding column says the blob exists.
  return { encoding: encoding ?? '', data: data === null ? new Uint8Array(0) : toUint8Array(data) };
}

export function requiredBlob(row: Row, dataColumn: string, encodingColumn: string): DataBlob {
  return columnBlob(row, dataColumn, encodingColumn) ?? { encoding: '', data: new Uint8Array(0) };
}

/** bigint columns come back as driver Longs; every value this package stores is a safe integer. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (cassandra.types.Long.isLong(value)) return (value as cassandra.types.Long).toNumber();
  return Number(value);
}

export function optionalNum(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : num(value);
}

export function long(value: number): cassandra.types.Long {
  return cassandra.types.Long.fromNumber(value);
}
