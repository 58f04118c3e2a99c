import { InvalidPersistenceRequestError, foldQuery } from '@hourglass/core';
import type { QueryAttribute, QueryFolder, QueryScalar, VisibilityQuery, VisibilityRecord } from '@hourglass/core';

/** What a run holds for one attribute: nothing, one comparable value, or a keyword list. */
export type Held = { readonly kind: 'missing' } | { readonly kind: 'scalar'; readonly value: QueryScalar } | { readonly kind: 'list'; readonly values: readonly string[] };

const MISSING: Held = { kind: 'missing' };

/** System attributes that are fields of the record; the others (BuildIds, TemporalChangeVersion) live in searchAttributes. */
const SYSTEM_FIELDS: Readonly<Record<string, (r: VisibilityRecord) => QueryScalar | undefined>> = {
  WorkflowId: (r) => r.workflowId,
  RunId: (r) => r.runId,
  WorkflowType: (r) => r.workflowTypeName,
  StartTime: (r) => r.startTime,
  CloseTime: (r) => r.closeTime,
  ExecutionTime: (r) => r.executionTime,
  ExecutionStatus: (r) => r.status,
  ExecutionDuration: (r) => r.executionDuration,
  HistoryLength: (r) => r.historyLength,
  HistorySizeBytes: (r) => r.historySizeBytes,
  StateTransitionCount: (r) => r.stateTransitionCount,
  TaskQueue: (r) => r.taskQueue,
  ParentWorkflowId: (r) => r.parentWorkflowId,
  ParentRunId: (r) => r.parentRunId,
  RootWorkflowId: (r) => r.rootWorkflowId,
  RootRunId: (r) => r.rootRunId,
};

export function held(record: VisibilityRecord, attribute: QueryAttribute): Held {
  const field = attribute.system ? SYSTEM_FIELDS[attribute.name] : undefined;
  if (field !== undefined) {
    const value = field(record);
    return value === undefined ? MISSING : { kind: 'scalar', value };
  }
  // A value stored under another type is not this attribute: stores index values by name and type.
  const stored = record.searchAttributes[attribute.name];
  if (stored === undefined || stored.type !== attribute.type) return MISSING;
  if (stored.type === 'KeywordList') return { kind: 'list', values: stored.value };
  return { kind: 'scalar', value: stored.value };
}

/** Lower-cased runs of Unicode letters, marks and digits: the words a full-text match compares. */
function words(text: string): string[] {
  return text.toLocaleLowerCase('und').match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

/** Text `=`: every word of the query occurs among the text's words, ignoring case. */
function textMatches(text: string, query: string): boolean {
  const wanted = words(query);
  const present = new Set(words(text));
  return wanted.length > 0 && wanted.every((w) => present.has(w));
}

function compare(a: QueryScalar, b: QueryScalar): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export type Predicate = (record: VisibilityRecord) => boolean;

/**
 * A predicate on an attribute the run lacks is false, negated forms included (`A != 'x'` needs
 * A); only NOT is the exact complement and only IS NULL matches absence. On a KeywordList, `=`
 * and IN mean "contains", and `!=` and NOT IN "holds the list and contains none of them".
 */
export const PREDICATE_FOLDER: QueryFolder<Predicate> = {
  and: (operands) => (r) => operands.every((p) => p(r)),
  or: (operands) => (r) => operands.some((p) => p(r)),
  not: (operand) => (r) => !operand(r),
  comparison: ({ attribute, operator, value }) => (r) => {
    const h = held(r, attribute);
    if (h.kind === 'missing') return false;
    if (h.kind === 'list') return h.values.includes(value as string) === (operator === '=');
    if (attribute.type === 'Text') return textMatches(h.value as string, value as string) === (operator === '=');
    const order = compare(h.value, value);
    switch (operator) {
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
    }
  },
  in: ({ attribute, negated, values }) => (r) => {
    const h = held(r, attribute);
    if (h.kind === 'missing') return false;
    const contained = h.kind === 'list' ? h.values.some((v) => values.includes(v)) : values.includes(h.value);
    return contained !== negated;
  },
  between: ({ attribute, negated, lower, upper }) => (r) => {
    const h = held(r, attribute);
    if (h.kind !== 'scalar') return false;
    return (compare(h.value, lower) >= 0 && compare(h.value, upper) <= 0) !== negated;
  },
  startsWith: ({ attribute, negated, prefix }) => (r) => {
    const h = held(r, attribute);
    if (h.kind !== 'scalar') return false;
    return String(h.value).startsWith(prefix) !== negated;
  },
isNull: ({ attribute, negated }) => (r) => (held(r, attribute).kind === 'missing') === !negated,
};

/**
 * The WHERE part as a predicate; the reference, like the real stores, refuses ORDER BY. The
 * folder is replaceable so the self-test can model a store that gets one operator wrong.
 */
export function queryPredicate(query: VisibilityQuery, folder: QueryFolder<Predicate> = PREDICATE_FOLDER): Predicate {
  if (query.orderBy.length > 0) throw new InvalidPersistenceRequestError('the reference visibility store does not support ORDER BY in list filters');
  return query.where === undefined ? () => true : foldQuery(query.where, folder);
}

/** A count is grouped by status when asked for explicitly or when the query says GROUP BY ExecutionStatus. */
export function groupsByStatus(groupByStatus: boolean | undefined, query: VisibilityQuery | undefined): boolean {
  return groupByStatus === true || (query?.groupBy.some((a) => a.system && a.name === 'ExecutionStatus') ?? false);
}
