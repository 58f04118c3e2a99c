import { parseVisibilityQuery } from '@hourglass/core';
import type { SearchAttributeType, VisibilityFilter } from '@hourglass/core';
import { DEV_SEARCH_ATTRIBUTES, isSearchAttributeType } from '../history/search-attributes.js';
import type { Namespace } from './namespace-registry.js';

/** The namespace's custom search attributes (dev defaults plus registered ones) with their types. */
export function customAttributeTypes(ns: Namespace): Map<string, SearchAttributeType> {
  const types = new Map<string, SearchAttributeType>();
  for (const [name, type] of Object.entries({ ...DEV_SEARCH_ATTRIBUTES, ...ns.searchAttributes })) {
    if (isSearchAttributeType(type)) types.set(name, type);
  }
  return types;
}

/**
 * A list filter (Temporal's SQL-like query) as a store filter. Invalid text raises
 * VisibilityQueryError, which reaches the caller as INVALID_ARGUMENT.
 */
export function visibilityFilterFor(query: string, ns: Namespace): VisibilityFilter {
  if (query.trim() === '') return {};
  return { query: parseVisibilityQuery(query, { customAttributes: customAttributeTypes(ns), allowOrderBy: true }) };
}
