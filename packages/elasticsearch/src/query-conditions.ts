import { InvalidPersistenceRequestError, foldQuery, workflowExecutionStatusNames } from '@hourglass/core';
import type { ComparisonExpr, QueryAttribute, QueryExpr, QueryScalar, VisibilityQuery, WorkflowExecutionStatus } from '@hourglass/core';
import type { SearchCondition } from './conditions.js';

/** System search attributes that are top-level document fields (see document.ts); the rest live under SearchAttributes. */
const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'WorkflowId',
  'RunId',
  'WorkflowType',
  'StartTime',
  'CloseTime',
  'ExecutionTime',
  'ExecutionStatus',
  'ExecutionDuration',
  'HistoryLength',
  'HistorySizeBytes',
  'StateTransitionCount',
  'TaskQueue',
  'ParentWorkflowId',
  'ParentRunId',
  'RootWorkflowId',
  'RootRunId',
]);

const STATUS_FIELD = 'ExecutionStatus';

function fieldOf(attribute: QueryAttribute): string {
  if (attribute.system && SYSTEM_FIELDS.has(attribute.name)) return attribute.name;
  return `SearchAttributes.${attribute.type}.${attribute.name}`;
}

/** Statuses are indexed by name but compared by their enum number, so every comparison becomes a set of names. */
function statusNames(predicate: (status: number) => boolean): string[] {
  return Object.entries(workflowExecutionStatusNames)
    .filter(([status]) => predicate(Number(status)))
    .map(([, name]) => name);
}

function indexedValue(attribute: QueryAttribute, value: QueryScalar): QueryScalar {
  if (attribute.system && attribute.name === STATUS_FIELD) {
    const name = workflowExecutionStatusNames[value as WorkflowExecutionStatus];
    if (name === undefined) throw new InvalidPersistenceRequestError(`ExecutionStatus ${String(value)} is not a WorkflowExecutionStatus`);
    return name;
  }
  return value;
}

const and = (...conditions: SearchCondition[]): SearchCondition => ({ kind: 'and', conditions });
const not = (condition: SearchCondition): SearchCondition => ({ kind: 'not', condition });
/** A negated predicate only matches runs that have the attribute: two-valued logic, as the SQL stores do it. */
const presentAndNot = (field: string, condition: SearchCondition): SearchCondition => and({ kind: 'exists', field }, not(condition));

function comparison(node: ComparisonExpr): SearchCondition {
  const { attribute, operator, value } = node;
  const field = fieldOf(attribute);
  if (attribute.system && attribute.name === STATUS_FIELD) {
    const target = Number(value);
    const test: Record<ComparisonExpr['operator'], (s: number) => boolean> = {
      '=': (s) => s === target,
      '!=': (s) => s !== target,
      '<': (s) => s < target,
      '<=': (s) => s <= target,
      '>': (s) => s > target,
      '>=': (s) => s >= target,
    };
    return { kind: 'in', field, values: statusNames(test[operator]) };
  }
  if (attribute.type === 'Text') {
    // The type checker allows only = and != on Text: a full-text match, all words present.
    const match: SearchCondition = { kind: 'match', field, value: String(value) };
    return operator === '=' ? match : presentAndNot(field, match);
  }
  const term: SearchCondition = { kind: 'equals', field, value };
  switch (operator) {
    case '=':
      // On a KeywordList field a term matches when any element equals it: "the list contains".
      return term;
    case '!=':
      return presentAndNot(field, term);
    case '<':
      return { kind: 'range', field, to: value as number | string, toExclusive: true };
    case '<=':
      return { kind: 'range', field, to: value as number | string };
    case '>':
      return { kind: 'range', field, from: value as number | string, fromExclusive: true };
    case '>=':
      return { kind: 'range', field, from: value as number | string };
  }
}

/** Translates the validated list-filter tree into search conditions. */
export function conditionFromQueryExpr(expr: QueryExpr): SearchCondition {
  return foldQuery<SearchCondition>(expr, {
    and: (operands) => ({ kind: 'and', conditions: operands }),
    or: (operands) => ({ kind: 'or', conditions: operands }),
    // must_not is the exact complement: NOT A = 'x' also matches runs without A.
    not: (operand) => not(operand),
    comparison,
    in: (node) => {
      const field = fieldOf(node.attribute);
      const values = node.values.map((v) => indexedValue(node.attribute, v));
      const contains: SearchCondition = { kind: 'in', field, values };
      return node.negated ? presentAndNot(field, contains) : contains;
    },
    between: (node) => {
      const field = fieldOf(node.attribute);
      if (node.attribute.system && node.attribute.name === STATUS_FIELD) {
        const [lower, upper] = [Number(node.lower), Number(node.upper)];
        const inside = (s: number) => s >= lower && s <= upper;
        return { kind: 'in', field, values: statusNames((s) => inside(s) !== node.negated) };
      }
      const range: SearchCondition = { kind: 'range', field, from: node.lower, to: node.upper };
      return node.negated ? presentAndNot(field, range) : range;
    },
    startsWith: (node) => {
      const field = fieldOf(node.attribute);
      const prefix: SearchCondition = { kind: 'prefix', field, value: node.prefix };
      return node.negated ? presentAndNot(field, prefix) : prefix;
    },
    isNull: (node) => {
      const exists: SearchCondition = { kind: 'exists', field: fieldOf(node.attribute) };
      return node.negated ? exists : not(exists);
    },
  });
}

/**
 * The WHERE part of a list-filter query. ORDER BY would need a page token per sort shape and is
 * refused, like the SQL stores do; GROUP BY is read by the count (see wantsStatusGroups).
 */
export function conditionFromQuery(query: VisibilityQuery): SearchCondition {
  if (typeof query !== 'object' || query === null || !Array.isArray(query.orderBy) || !Array.isArray(query.groupBy)) {
    throw new InvalidPersistenceRequestError('filter.query must be a VisibilityQuery from parseVisibilityQuery');
  }
  if (query.orderBy.length > 0) throw new InvalidPersistenceRequestError('the Elasticsearch visibility store does not support ORDER BY in list filters');
  return query.where === undefined ? { kind: 'all' } : conditionFromQueryExpr(query.where);
}

/** True when a count's query says GROUP BY ExecutionStatus, the only grouping Temporal allows. */
export function wantsStatusGroups(query: VisibilityQuery | undefined): boolean {
  if (query === undefined || query.groupBy.length === 0) return false;
  if (query.groupBy.length === 1 && query.groupBy[0]!.name === STATUS_FIELD) return true;
  throw new InvalidPersistenceRequestError(`GROUP BY ${query.groupBy.map((a) => a.name).join(', ')} is not supported; only GROUP BY ExecutionStatus is`);
}
