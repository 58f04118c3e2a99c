import { InvalidPersistenceRequestError, requireSafeInteger, workflowExecutionStatusNames } from '@hourglass/core';
import type { VisibilityFilter, WorkflowExecutionStatus } from '@hourglass/core';
import { conditionFromQuery } from './query-conditions.js';

/**
 * A small condition tree between the callers' filters and the query DSL. The fixed fields of
 * VisibilityFilter and the list-filter language's AST (query-conditions.ts) both fold into
 * it, so the DSL rendering is written once.
 * Fields are document fields (see document.ts), values are already in indexed form.
 */
export type SearchCondition =
  | { readonly kind: 'all' }
  | { readonly kind: 'and'; readonly conditions: readonly SearchCondition[] }
  | { readonly kind: 'or'; readonly conditions: readonly SearchCondition[] }
  | { readonly kind: 'not'; readonly condition: SearchCondition }
  | { readonly kind: 'equals'; readonly field: string; readonly value: string | number | boolean }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly (string | number | boolean)[] }
  /** Bounds are inclusive unless marked exclusive; an absent bound is open. */
  | {
      readonly kind: 'range';
      readonly field: string;
      readonly from?: number | string;
      readonly fromExclusive?: boolean;
      readonly to?: number | string;
      readonly toExclusive?: boolean;
    }
  | { readonly kind: 'exists'; readonly field: string }
  | { readonly kind: 'prefix'; readonly field: string; readonly value: string }
  /** Full-text: every word of `value` occurs in the analysed field. */
  | { readonly kind: 'match'; readonly field: string; readonly value: string };

export type QueryDsl = Record<string, unknown>;

/** The namespace scoping every query, AND the caller's filter. */
export function namespaceCondition(namespaceId: string, filter: SearchCondition): SearchCondition {
  const scope: SearchCondition = { kind: 'equals', field: 'NamespaceId', value: namespaceId };
  return filter.kind === 'all' ? scope : { kind: 'and', conditions: [scope, filter] };
}

export function conditionFromFilter(filter: VisibilityFilter | undefined): SearchCondition {
  if (filter === undefined) return { kind: 'all' };
  if (typeof filter !== 'object' || filter === null) throw new InvalidPersistenceRequestError('filter must be an object');
  const conditions: SearchCondition[] = [];
  if (filter.statuses !== undefined) {
    if (!Array.isArray(filter.statuses)) throw new InvalidPersistenceRequestError('filter.statuses must be an array');
    const names = (filter.statuses as readonly unknown[]).map((status) => {
      const name = typeof status === 'number' ? workflowExecutionStatusNames[status as WorkflowExecutionStatus] : undefined;
      if (name === undefined) throw new InvalidPersistenceRequestError(`filter.statuses holds ${String(status)}, which is not a WorkflowExecutionStatus`);
      return name;
    });
    conditions.push({ kind: 'in', field: 'ExecutionStatus', values: names });
  }
  if (filter.workflowTypeName !== undefined) {
    if (typeof filter.workflowTypeName !== 'string') throw new InvalidPersistenceRequestError('filter.workflowTypeName must be a string');
    conditions.push({ kind: 'equals', field: 'WorkflowType', value: filter.workflowTypeName });
  }
  if (filter.workflowId !== undefined) {
    if (typeof filter.workflowId !== 'string') throw new InvalidPersistenceRequestError('filter.workflowId must be a string');
    conditions.push({ kind: 'equals', field: 'WorkflowId', value: filter.workflowId });
  }
  const range = (field: string, from: number | undefined, to: number | undefined, name: string) => {
    if (from === undefined && to === undefined) return;
    if (from !== undefined) requireSafeInteger(from, `filter.${name}From`);
    if (to !== undefined) requireSafeInteger(to, `filter.${name}To`);
    conditions.push({ kind: 'range', field, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to, toExclusive: true }) });
  };
  range('StartTime', filter.startTimeFrom, filter.startTimeTo, 'startTime');
  range('CloseTime', filter.closeTimeFrom, filter.closeTimeTo, 'closeTime');
  if (filter.query !== undefined) {
    const query = conditionFromQuery(filter.query);
    if (query.kind !== 'all') conditions.push(query);
  }
  if (conditions.length === 0) return { kind: 'all' };
  return conditions.length === 1 ? conditions[0]! : { kind: 'and', conditions };
}

/** Renders a condition as query DSL that ES 6.8-8.x and OpenSearch all accept. Filter context only: no scoring. */
export function toQueryDsl(condition: SearchCondition): QueryDsl {
  switch (condition.kind) {
    case 'all':
      return { match_all: {} };
    case 'and':
      return { bool: { filter: condition.conditions.map(toQueryDsl) } };
    case 'or':
      return { bool: { should: condition.conditions.map(toQueryDsl), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [toQueryDsl(condition.condition)] } };
    case 'equals':
      return { term: { [condition.field]: condition.value } };
    case 'in':
      return { terms: { [condition.field]: [...condition.values] } };
    case 'range': {
      const bounds: Record<string, number | string> = {};
      if (condition.from !== undefined) bounds[condition.fromExclusive === true ? 'gt' : 'gte'] = condition.from;
      if (condition.to !== undefined) bounds[condition.toExclusive === true ? 'lt' : 'lte'] = condition.to;
      return { range: { [condition.field]: bounds } };
    }
    case 'exists':
      return { exists: { field: condition.field } };
    case 'prefix':
      return { prefix: { [condition.field]: condition.value } };
    case 'match':
      return { match: { [condition.field]: { query: condition.value, operator: 'and' } } };
  }
}

/** The whole query: filter context, so the bool wrapper keeps scoring off for every shape. */
export function searchQuery(namespaceId: string, filter: VisibilityFilter | undefined): QueryDsl {
  const condition = namespaceCondition(namespaceId, conditionFromFilter(filter));
  return { bool: { filter: [toQueryDsl(condition)] } };
}
