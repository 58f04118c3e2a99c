import { AlreadyExistsError, InvalidPersistenceRequestError, NotFoundError, SYSTEM_SEARCH_ATTRIBUTES, requireNonEmpty } from '@hourglass/core';
import type { CustomSearchAttributes, SearchAttributeType } from '@hourglass/core';

const VALID_NAME = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;
const TYPES: ReadonlySet<string> = new Set<SearchAttributeType>(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']);

/** The per-namespace catalogue of custom search attributes, as the VisibilityStore contract describes it. */
export class SearchAttributeRegistry {
  private readonly byNamespace = new Map<string, Map<string, SearchAttributeType>>();

  add(namespaceId: string, attributes: CustomSearchAttributes): void {
    requireNonEmpty(namespaceId, 'namespaceId');
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) throw new InvalidPersistenceRequestError('attributes must be an object');
    const current = this.byNamespace.get(namespaceId) ?? new Map<string, SearchAttributeType>();
    // Validate everything first, so a rejected call registers nothing.
    for (const [name, type] of Object.entries(attributes)) {
      if (!VALID_NAME.test(name)) throw new InvalidPersistenceRequestError(`'${name}' is not a valid search attribute name`);
      if (SYSTEM_SEARCH_ATTRIBUTES.has(name)) throw new InvalidPersistenceRequestError(`'${name}' is a system search attribute`);
      if (!TYPES.has(type)) throw new InvalidPersistenceRequestError(`'${String(type)}' is not a search attribute type`);
      const existing = current.get(name);
      if (existing !== undefined && existing !== type) throw new AlreadyExistsError(`search attribute '${name}' is already registered as ${existing}`);
    }
    for (const [name, type] of Object.entries(attributes)) current.set(name, type);
    this.byNamespace.set(namespaceId, current);
  }

  remove(namespaceId: string, names: readonly string[]): void {
    requireNonEmpty(namespaceId, 'namespaceId');
    if (!Array.isArray(names)) throw new InvalidPersistenceRequestError('names must be an array');
    const current = this.byNamespace.get(namespaceId);
    for (const name of names) {
      if (current?.has(name) !== true) throw new NotFoundError(`search attribute '${String(name)}' is not registered`);
    }
    for (const name of names) current!.delete(name);
  }

  get(namespaceId: string): CustomSearchAttributes {
    requireNonEmpty(namespaceId, 'namespaceId');
    return Object.fromEntries(this.byNamespace.get(namespaceId) ?? []);
  }
}
