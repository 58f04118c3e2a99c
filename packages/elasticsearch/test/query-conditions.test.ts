import { describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, parseVisibilityQuery } from '@hourglass/core';
import type { SearchAttributeType } from '@hourglass/core';
import { toQueryDsl } from '../src/conditions.js';
import { conditionFromQuery, wantsStatusGroups } from '../src/query-conditions.js';

const custom = new Map<string, SearchAttributeType>([
  ['Color', 'Keyword'],
  ['Tags', 'KeywordList'],
]);
const dsl = (text: string) => toQueryDsl(conditionFromQuery(parseVisibilityQuery(text, { customAttributes: custom })));

describe('conditionFromQuery', () => {
  it('compares ExecutionStatus by its indexed name', () => {
    expect(dsl(`ExecutionStatus = 'Failed'`)).toEqual({ terms: { ExecutionStatus: ['Failed'] } });
    expect(dsl(`ExecutionStatus NOT IN ('Running')`)).toEqual({
      bool: { filter: [{ exists: { field: 'ExecutionStatus' } }, { bool: { must_not: [{ terms: { ExecutionStatus: ['Running'] } }] } }] },
    });
  });

  it('puts custom attributes under their typed group, and only system fields at the top level', () => {
    expect(dsl(`Color = 'red' AND WorkflowType = 'T'`)).toEqual({
      bool: { filter: [{ term: { 'SearchAttributes.Keyword.Color': 'red' } }, { term: { WorkflowType: 'T' } }] },
    });
    expect(dsl(`Tags IN ('a', 'b')`)).toEqual({ terms: { 'SearchAttributes.KeywordList.Tags': ['a', 'b'] } });
  });

  it('makes != match only runs that have the attribute, while NOT is the exact complement', () => {
    expect(dsl(`Color != 'red'`)).toEqual({
      bool: { filter: [{ exists: { field: 'SearchAttributes.Keyword.Color' } }, { bool: { must_not: [{ term: { 'SearchAttributes.Keyword.Color': 'red' } }] } }] },
    });
    expect(dsl(`NOT Color = 'red'`)).toEqual({ bool: { must_not: [{ term: { 'SearchAttributes.Keyword.Color': 'red' } }] } });
  });

  it('refuses ORDER BY, and GROUP BY anything but ExecutionStatus', () => {
    expect(() => conditionFromQuery(parseVisibilityQuery('ORDER BY StartTime', { allowOrderBy: true }))).toThrow(InvalidPersistenceRequestError);
    expect(wantsStatusGroups(parseVisibilityQuery('GROUP BY ExecutionStatus', { allowGroupBy: true }))).toBe(true);
    expect(wantsStatusGroups(parseVisibilityQuery(`WorkflowType = 'x'`))).toBe(false);
  });
});
