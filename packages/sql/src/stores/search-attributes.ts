import { InvalidPersistenceRequestError } from '@hourglass/core';
import type { SearchAttributeType, SearchAttributeValue, SearchAttributes } from '@hourglass/core';
import { MAX_NAME_LENGTH } from '../validate.js';
import { CorruptRowError } from '../values.js';

/**
 * Search attributes are stored as one JSON object `{ name: { type, value } }`. The type tag is
 * kept beside each value so a read gives back exactly the typed value written (an Int stays
 * an Int even when it equals a Double, a Datetime stays microseconds).
 */
const SEARCH_ATTRIBUTE_TYPES: ReadonlySet<string> = new Set<SearchAttributeType>(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']);

/** Why `value` is not a valid `type` value, or undefined when it is. */
function invalidValue(type: SearchAttributeType, value: unknown): string | undefined {
  switch (type) {
    case 'Keyword':
    case 'Text':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'Int':
    case 'Datetime':
      return Number.isSafeInteger(value) ? undefined : 'must be a safe integer';
    case 'Double':
      // JSON has no NaN or Infinity; they could not be read back.
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'Bool':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'KeywordList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'must be an array of strings';
  }
}

export function validateSearchAttributes(value: unknown, field = 'searchAttributes'): asserts value is SearchAttributes {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidPersistenceRequestError(`${field} must be an object`);
  for (const [name, entry] of Object.entries(value)) {
    const at = `${field}.${name}`;
    if (name.length === 0 || [...name].length > MAX_NAME_LENGTH) throw new InvalidPersistenceRequestError(`${field} has a name that is empty or longer than ${MAX_NAME_LENGTH} characters`);
    const e = entry as { type?: unknown; value?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || !SEARCH_ATTRIBUTE_TYPES.has(e.type)) {
      throw new InvalidPersistenceRequestError(`${at} must be { type, value } with type one of ${[...SEARCH_ATTRIBUTE_TYPES].join(', ')}`);
    }
    const problem = invalidValue(e.type as SearchAttributeType, e.value);
    if (problem !== undefined) throw new InvalidPersistenceRequestError(`${at} (${e.type}) ${problem}`);
  }
}

export function encodeSearchAttributes(attributes: SearchAttributes): string {
  const plain: Record<string, { type: SearchAttributeType; value: unknown }> = {};
  for (const [name, { type, value }] of Object.entries(attributes)) plain[name] = { type, value: type === 'KeywordList' ? [...(value as readonly string[])] : value };
  return JSON.stringify(plain);
}

export function decodeSearchAttributes(text: string, where: string): SearchAttributes {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CorruptRowError(`${where}: search_attributes is not JSON`);
  }
  try {
    validateSearchAttributes(parsed);
  } catch (err) {
    throw new CorruptRowError(`${where}: search_attributes holds ${err instanceof Error ? err.message : String(err)}`);
  }
  const out: Record<string, SearchAttributeValue> = {};
  for (const [name, entry] of Object.entries(parsed)) out[name] = entry;
  return out;
}
