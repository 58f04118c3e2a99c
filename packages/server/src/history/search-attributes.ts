import { parseRfc3339Micros } from '@hourglass/core';
import type { SearchAttributeType, SearchAttributeValue, SearchAttributes } from '@hourglass/core';
import type { Payload } from '../grpc/api.js';

/** Temporal's predefined custom attributes on a dev server, by name. */
export const DEV_SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeType>> = {
  CustomKeywordField: 'Keyword',
  CustomStringField: 'Text',
  CustomTextField: 'Text',
  CustomIntField: 'Int',
  CustomDatetimeField: 'Datetime',
  CustomDoubleField: 'Double',
  CustomBoolField: 'Bool',
};

/**
 * Attributes Temporal predefines for SDKs and itself (version markers, build ids); every
 * namespace has them, so workers may upsert them without registering anything.
 */
export const PREDEFINED_SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeType>> = {
  TemporalChangeVersion: 'KeywordList',
  BinaryChecksums: 'KeywordList',
  BuildIds: 'KeywordList',
  TemporalReportedProblems: 'KeywordList',
};

const TYPES = new Set<string>(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']);

export function isSearchAttributeType(value: string): value is SearchAttributeType {
  return TYPES.has(value);
}

function decodePayloadJson(payload: Payload): unknown {
  if (!payload.data || payload.data.byteLength === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(payload.data));
  } catch {
    return undefined;
  }
}

function payloadType(payload: Payload): string | undefined {
  const raw = payload.metadata?.['type'];
  return raw ? new TextDecoder().decode(raw) : undefined;
}

/**
 * Converts a search attribute payload to the store's typed value. The type comes from the
 * payload's `type` metadata, else from the namespace's registered attributes; undefined when
 * the value does not fit the type.
 */
export function toSearchAttributeValue(payload: Payload, registered: SearchAttributeType | undefined): SearchAttributeValue | undefined {
  const declared = payloadType(payload);
  const type = declared && isSearchAttributeType(declared) ? declared : registered;
  const value = decodePayloadJson(payload);
  if (value === undefined || value === null) return undefined;
  const single = Array.isArray(value) && type !== 'KeywordList' ? (value.length === 1 ? value[0] : undefined) : value;
  switch (type) {
    case 'Keyword':
    case 'Text':
      return typeof single === 'string' ? { type, value: single } : undefined;
    case 'Int':
      return typeof single === 'number' && Number.isInteger(single) ? { type, value: single } : undefined;
    case 'Double':
      return typeof single === 'number' ? { type, value: single } : undefined;
    case 'Bool':
      return typeof single === 'boolean' ? { type, value: single } : undefined;
    case 'Datetime': {
      const micros = typeof single === 'string' ? parseRfc3339Micros(single) : undefined;
      return micros === undefined ? undefined : { type, value: micros };
    }
    case 'KeywordList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? { type, value: value as string[] } : undefined;
    default:
      return undefined;
  }
}

export function toSearchAttributes(fields: Record<string, Payload>, registered: Readonly<Record<string, string>>): SearchAttributes {
  const out: Record<string, SearchAttributeValue> = {};
  for (const [name, payload] of Object.entries(fields)) {
    const known = registered[name] ?? DEV_SEARCH_ATTRIBUTES[name] ?? PREDEFINED_SEARCH_ATTRIBUTES[name];
    const value = toSearchAttributeValue(payload, known && isSearchAttributeType(known) ? known : undefined);
    if (value) out[name] = value;
  }
  return out;
}

/** Names in `fields` that the namespace has not defined (undefined when all are known). */
export function unknownSearchAttributes(fields: Record<string, Payload> | null | undefined, known: ReadonlyMap<string, SearchAttributeType>): string[] | undefined {
  const unknown = Object.keys(fields ?? {}).filter((name) => !known.has(name));
  return unknown.length > 0 ? unknown : undefined;
}
