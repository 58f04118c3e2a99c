/**
 * An opaque encoded record. Stores persist `data` byte-for-byte and `encoding` beside it;
 * only the codecs in this package know how to read them.
 */
export interface DataBlob {
  readonly encoding: string;
  readonly data: Uint8Array;
}

export function blob(encoding: string, data: Uint8Array): DataBlob {
  return { encoding, data };
}

export function blobsEqual(a: DataBlob | undefined, b: DataBlob | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.encoding !== b.encoding || a.data.byteLength !== b.data.byteLength) return false;
  for (let i = 0; i < a.data.byteLength; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Drivers hand back Buffers (or Buffer subclasses); normalise to a plain Uint8Array view. */
export function toUint8Array(value: Uint8Array | ArrayBuffer): Uint8Array {
  if (value instanceof Uint8Array) {
    return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  return new Uint8Array(value);
}
