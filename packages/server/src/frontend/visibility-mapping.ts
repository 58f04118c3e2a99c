import { toRfc3339Micros } from '@hourglass/core';
import type { DataBlob, SearchAttributes } from '@hourglass/core';
import type { Memo, Payload } from '../grpc/api.js';
import { decodeByName, encodeByName } from '../grpc/proto.js';

const MEMO_TYPE = 'temporal.api.common.v1.Memo';
const MEMO_ENCODING = 'proto3';

/** Memos are kept in visibility as Temporal's own Memo message. */
export function encodeMemo(fields: Record<string, Payload>): DataBlob {
  return { encoding: MEMO_ENCODING, data: encodeByName(MEMO_TYPE, { fields }) };
}

export function decodeMemo(blob: DataBlob): Memo {
  if (blob.encoding !== MEMO_ENCODING) return {};
  return decodeByName<Memo>(MEMO_TYPE, blob.data);
}

const encoder = new TextEncoder();

/** Typed store values back to the JSON payloads (with `type` metadata) that SDKs decode. */
export function encodeSearchAttributePayloads(attributes: SearchAttributes): Record<string, Payload> {
  const out: Record<string, Payload> = {};
  for (const [name, attr] of Object.entries(attributes)) {
    const value = attr.type === 'Datetime' ? toRfc3339Micros(attr.value) : attr.value;
    out[name] = {
      metadata: { encoding: encoder.encode('json/plain'), type: encoder.encode(attr.type) },
      data: encoder.encode(JSON.stringify(value)),
    };
  }
  return out;
}
