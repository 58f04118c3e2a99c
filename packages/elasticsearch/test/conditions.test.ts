import { describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityFilter } from '@hourglass/core';
import { conditionFromFilter, searchQuery, toQueryDsl } from '../src/conditions.js';

describe('conditionFromFilter', () => {
  it('turns an absent or empty filter into match-all', () => {
    expect(conditionFromFilter(undefined)).toEqual({ kind: 'all' });
    expect(conditionFromFilter({})).toEqual({ kind: 'all' });
  });

  it('maps statuses to their indexed names', () => {
    expect(conditionFromFilter({ statuses: [WorkflowExecutionStatus.Running, WorkflowExecutionStatus.TimedOut] })).toEqual({
      kind: 'in',
      field: 'ExecutionStatus',
      values: ['Running', 'TimedOut'],
    });
  });

  it('ANDs every present field, with start/close ranges inclusive below and exclusive above', () => {
    const filter: VisibilityFilter = { workflowTypeName: 'T', workflowId: 'w', startTimeFrom: 10, startTimeTo: 20, closeTimeTo: 30 };
    expect(toQueryDsl(conditionFromFilter(filter))).toEqual({
      bool: {
        filter: [
          { term: { WorkflowType: 'T' } },
          { term: { WorkflowId: 'w' } },
          { range: { StartTime: { gte: 10, lt: 20 } } },
          { range: { CloseTime: { lt: 30 } } },
        ],
      },
    });
  });

  it.each([
    ['a status that is not a WorkflowExecutionStatus', { statuses: [42] }],
    ['a non-array status list', { statuses: 'Running' }],
    ['a fractional time bound', { startTimeFrom: 1.5 }],
    ['a workflow type that is not a string', { workflowTypeName: 7 }],
  ])('rejects %s with InvalidPersistenceRequest', (_what, filter) => {
    expect(() => conditionFromFilter(filter as unknown as VisibilityFilter)).toThrow(InvalidPersistenceRequestError);
  });
});

describe('toQueryDsl', () => {
  it('renders every condition kind in filter context', () => {
    expect(
      toQueryDsl({
        kind: 'or',
        conditions: [
          { kind: 'not', condition: { kind: 'exists', field: 'CloseTime' } },
          { kind: 'prefix', field: 'WorkflowId', value: 'order-' },
          { kind: 'range', field: 'HistoryLength', from: 5, fromExclusive: true, to: 9 },
        ],
      }),
    ).toEqual({
      bool: {
        should: [
          { bool: { must_not: [{ exists: { field: 'CloseTime' } }] } },
          { prefix: { WorkflowId: 'order-' } },
          { range: { HistoryLength: { gt: 5, lte: 9 } } },
        ],
        minimum_should_match: 1,
      },
    });
  });
});

describe('searchQuery', () => {
  it('always scopes to the namespace', () => {
    expect(searchQuery('ns', undefined)).toEqual({ bool: { filter: [{ term: { NamespaceId: 'ns' } }] } });
    expect(searchQuery('ns', { workflowId: 'w' })).toEqual({
      bool: { filter: [{ bool: { filter: [{ term: { NamespaceId: 'ns' } }, { term: { WorkflowId: 'w' } }] } }] },
    });
  });
});
