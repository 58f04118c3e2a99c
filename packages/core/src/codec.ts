import { InvalidPersistenceRequestError } from './errors.js';
import type { DataBlob } from './blob.js';

/**
 * The JSON codec the server uses for the records it keeps in blobs. It round-trips
 * bigint, Uint8Array, Map and Set, which plain JSON would lose.
 */
export const JSON_ENCODING = 'json/hourglass-v1';

type Tagged =
  | { $t: 'bigint'; v: string }
  | { $t: 'bytes'; v: string }
  | { $t: 'map'; v: [unknown, unknown][] }
  | { $t: 'set'; v: unknown[] };

function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === 'bigint') return { $t: 'bigint', v: raw.toString() } satisfies Tagged;
  if (raw instanceof Uint8Array) return { $t: 'bytes', v: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') } satisfies Tagged;
  if (raw instanceof Map) return { $t: 'map', v: [...raw.entries()] } satisfies Tagged;
  if (raw instanceof Set) return { $t: 'set', v: [...raw.values()] } satisfies Tagged;
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$t' in value) {
    const t = value as Tagged;
    switch (t.$t) {
      case 'bigint':
        return BigInt(t.v);
      case 'bytes':
        return new Uint8Array(Buffer.from(t.v, 'base64'));
      case 'map':
        return new Map(t.v);
      case 'set':
        return new Set(t.v);
    }
  }
  return value;
}

export function encodeJsonBlob(value: unknown): DataBlob {
  return { encoding: JSON_ENCODING, data: new TextEncoder().encode(JSON.stringify(value, replacer)) };
}

export function decodeJsonBlob<T>(blob: DataBlob): T {
  if (blob.encoding !== JSON_ENCODING) {
    throw new InvalidPersistenceRequestError(`cannot decode blob with encoding '${blob.encoding}' as ${JSON_ENCODING}`);
  }
  return JSON.parse(new TextDecoder().decode(blob.data), reviver) as T;
}
