import { parseVisibilityQuery } from '@hourglass/core';
import type { SearchAttributeType, VisibilityFilter } from '@hourglass/core';
import { DEV_SEARCH_ATTRIBUTES, isSearchAttributeType, PREDEFINED_SEARCH_ATTRIBUTES } from '../history/search-attributes.js';
import type { Namespace } from './namespace-registry.js';

/** The search attributes a namespace accepts besides the system ones: predefined, dev defaults, registered. */
export function customAttributeTypes(ns: Namespace): Map<string, SearchAttributeType> {
  const types = new Map<string, SearchAttributeType>();
  for (const [name, type] of Object.entries({ ...PREDEFINED_SEARCH_ATTRIBUTES, ...DEV_SEARCH_ATTRIBUTES, ...ns.searchAttributes })) {
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
  // The SQL visibility store sorts in its own fixed order, so ORDER BY is refused, as Temporal's SQL visibility does.
  return { query: parseVisibilityQuery(query, { customAttributes: customAttributeTypes(ns), allowOrderBy: false }) };
}

/** For CountWorkflowExecutions: the filter, and whether the count is grouped by ExecutionStatus. */
export function countFilterFor(query: string, ns: Namespace): { filter: VisibilityFilter; groupByStatus: boolean } {
  if (query.trim() === '') return { filter: {}, groupByStatus: false };
  const parsed = parseVisibilityQuery(query, { customAttributes: customAttributeTypes(ns), allowOrderBy: false, allowGroupBy: true });
  return { filter: { query: parsed }, groupByStatus: parsed.groupBy.some((a) => a.name === 'ExecutionStatus') };
}
