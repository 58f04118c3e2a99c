import { InvalidPersistenceRequestError } from '../errors.js';
import type { CustomSearchAttributes, SearchAttributeType } from '../stores/visibility.js';
import { SYSTEM_SEARCH_ATTRIBUTES } from './attributes.js';

const REGISTRABLE_TYPES: ReadonlySet<string> = new Set<SearchAttributeType>(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']);

/** ASCII letter, then ASCII letters, digits or `_`, at most 255 characters (VisibilityStore's contract). */
const REGISTRABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;

/** Refuses a name that cannot be a custom search attribute, with InvalidPersistenceRequestError. */
export function requireRegistrableAttributeName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !REGISTRABLE_NAME.test(name)) {
    throw new InvalidPersistenceRequestError(
      `search attribute name ${JSON.stringify(name)} must start with an ASCII letter, continue with ASCII letters, digits or _, and be at most 255 characters`,
    );
  }
  if (SYSTEM_SEARCH_ATTRIBUTES.has(name)) throw new InvalidPersistenceRequestError(`'${name}' is a system search attribute and cannot be registered`);
}

/**
 * Checks a whole addSearchAttributes request before a store touches its catalogue, so that an
 * invalid entry anywhere in it leaves every name unregistered.
 */
export function requireRegistrableAttributes(attributes: unknown): [string, SearchAttributeType][] {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new InvalidPersistenceRequestError('attributes must be an object of name to type');
  }
  const entries = Object.entries(attributes as CustomSearchAttributes);
  for (const [name, type] of entries) {
    requireRegistrableAttributeName(name);
    if (typeof type !== 'string' || !REGISTRABLE_TYPES.has(type)) {
      throw new InvalidPersistenceRequestError(`search attribute '${name}' has unknown type ${JSON.stringify(type)}`);
    }
  }
  return entries;
}

/** Checks a removeSearchAttributes name list; the names themselves only need to be registered. */
export function requireAttributeNameList(names: unknown): asserts names is readonly string[] {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw new InvalidPersistenceRequestError('names must be an array of strings');
}
