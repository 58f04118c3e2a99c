import { toRfc3339Micros } from '@hourglass/core';
import type { SearchAttributes } from '@hourglass/core';
import type { Payload } from '../grpc/api.js';

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
