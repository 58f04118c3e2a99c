import { describe, expect, it } from 'vitest';
import { foldQuery, parseVisibilityQuery } from '../../src/index.js';
import type { QueryFolder, QueryScalar } from '../../src/index.js';
import { CUSTOM_ATTRIBUTES } from './support.js';

type Row = Readonly<Record<string, QueryScalar | readonly string[] | undefined>>;

/** A reference evaluator, the way an in-memory backend would use the fold. */
const matches = (row: Row): QueryFolder<boolean> => {
  const scalar = (name: string): QueryScalar | undefined => {
    const value = row[name];
    return Array.isArray(value) ? undefined : (value as QueryScalar | undefined);
  };
  const list = (name: string): readonly string[] => (Array.isArray(row[name]) ? (row[name] as readonly string[]) : []);
  return {
    and: (operands) => operands.every(Boolean),
    or: (operands) => operands.some(Boolean),
    not: (operand) => !operand,
    comparison: ({ attribute, operator, value }) => {
      if (attribute.type === 'KeywordList') return list(attribute.name).includes(value as string) === (operator === '=');
      const actual = scalar(attribute.name);
      if (actual === undefined) return false;
      switch (operator) {
        case '=': return actual === value;
        case '!=': return actual !== value;
        case '<': return actual < value;
        case '<=': return actual <= value;
        case '>': return actual > value;
        case '>=': return actual >= value;
      }
    },
    in: ({ attribute, negated, values }) => {
      const found = attribute.type === 'KeywordList' ? values.some((value) => list(attribute.name).includes(value as string)) : values.includes(scalar(attribute.name)!);
      return found !== negated;
    },
    between: ({ attribute, negated, lower, upper }) => {
      const actual = scalar(attribute.name) as string | number | undefined;
      return actual !== undefined && (actual >= lower && actual <= upper) !== negated;
    },
    startsWith: ({ attribute, negated, prefix }) => {
      const actual = scalar(attribute.name);
      return typeof actual === 'string' && actual.startsWith(prefix) !== negated;
    },
    isNull: ({ attribute, negated }) => (row[attribute.name] === undefined) !== negated,
  };
};

function evaluate(text: string, row: Row): boolean {
  const { where } = parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES });
  return where === undefined || foldQuery(where, matches(row));
}

describe('foldQuery', () => {
  const row: Row = {
    WorkflowId: 'order-17',
    WorkflowType: 'Checkout',
    ExecutionStatus: 1,
    HistoryLength: 12,
    StartTime: 1_704_164_645_000_000,
    BuildIds: ['v1', 'v2'],
    CustomBool: true,
  };

  it.each([
    ['', true],
    [`WorkflowId = 'order-17'`, true],
    [`WorkflowId STARTS_WITH 'order-' AND HistoryLength BETWEEN 10 AND 12`, true],
    [`WorkflowId NOT STARTS_WITH 'order-'`, false],
    [`ExecutionStatus = 'Running' AND NOT CloseTime IS NOT NULL`, true],
    [`ExecutionStatus IN ('Completed', 'Failed') OR HistoryLength > 100`, false],
    [`BuildIds = 'v2' AND BuildIds != 'v3'`, true],
    [`BuildIds IN ('v3', 'v1')`, true],
    [`BuildIds NOT IN ('v1')`, false],
    [`StartTime >= '2024-01-02T03:04:05Z' AND StartTime < '2024-01-02T03:04:05.000001Z'`, true],
    [`(WorkflowType = 'Refund' OR CustomBool = true) AND NOT (HistoryLength < 5 OR HistoryLength > 20)`, true],
    [`WorkflowType = 'Refund' OR (CustomBool = false AND HistoryLength = 12)`, false],
  ])('%s → %s', (text, expected) => {
    expect(evaluate(text, row)).toBe(expected);
  });

  it('visits operands left to right and passes each node to its callback', () => {
    const { where } = parseVisibilityQuery(`WorkflowId = 'a' AND (RunId IS NULL OR NOT TaskQueue IN ('q')) AND HistoryLength BETWEEN 1 AND 2`);
    const visited: string[] = [];
    const visit = (label: string, result: string): string => {
      visited.push(label);
      return result;
    };
    const trace = foldQuery<string>(where!, {
      and: (operands, node) => visit(`and/${node.operands.length}`, `and(${operands.join(',')})`),
      or: (operands, node) => visit(`or/${node.operands.length}`, `or(${operands.join(',')})`),
      not: (operand, node) => visit(`not/${node.operand.kind}`, `not(${operand})`),
      comparison: (node) => visit(node.attribute.name, 'cmp'),
      in: (node) => visit(node.attribute.name, 'in'),
      between: (node) => visit(node.attribute.name, 'between'),
      startsWith: (node) => visit(node.attribute.name, 'sw'),
      isNull: (node) => visit(node.attribute.name, 'null'),
    });
    expect(trace).toBe('and(cmp,or(null,not(in)),between)');
    expect(visited).toEqual(['WorkflowId', 'RunId', 'TaskQueue', 'not/in', 'or/2', 'HistoryLength', 'and/3']);
  });
});
