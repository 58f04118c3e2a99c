import { expect } from 'vitest';
import { WorkflowExecutionStatus } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { TYPED_RUNS } from './visibility-query-attribute-types.js';
import { SECOND, T0, closedFields, expectMatches, listLabels, parse, queryCases, seed } from './visibility-query-fixtures.js';

export function visibilityQueryLogicSuite(cell: Cell): void {
  queryCases(cell, 'AND, OR, NOT', TYPED_RUNS, [
    ["CustomKeywordField STARTS_WITH 'ap' AND CustomBoolField = true", ['a']],
    ['CustomIntField = 20 OR CustomDoubleField < 0', ['b', 'c']],
    // AND binds tighter than OR: apple OR (banana AND false).
    ["CustomKeywordField = 'apple' OR CustomKeywordField = 'banana' AND CustomBoolField = false", ['a', 'b']],
    ["(CustomKeywordField = 'apple' OR CustomKeywordField = 'banana') AND CustomBoolField = false", ['b']],
    // NOT is the exact complement, so it also lists e, which has no attributes at all.
    ["NOT CustomKeywordField = 'apple'", ['b', 'c', 'd', 'e']],
    ["NOT CustomKeywordField IN ('apple', 'banana')", ['c', 'd', 'e']],
    ["NOT CustomTextField = 'quick'", ['b', 'd', 'e']],
    ["NOT CustomKeywordListField = 'green'", ['b', 'd', 'e']],
    ['NOT (CustomIntField > 0 OR CustomBoolField = false)', ['c', 'e']],
    ['NOT NOT CustomBoolField = true', ['a', 'c']],
    ['NOT (CustomKeywordField IS NULL)', ['a', 'b', 'c', 'd']],
    ['CustomBoolField = true AND NOT CustomIntField BETWEEN 0 AND 15', ['c']],
    ["(CustomIntField < 0 OR CustomIntField > 15) AND (CustomKeywordListField = 'green' OR CustomKeywordListField = 'blue')", ['b', 'c']],
    ["CustomKeywordField in ('apple') or not CustomIntField > 0", ['a', 'c', 'e']],
    ['((((CustomIntField = 10))))', ['a']],
  ]);

  cell.visibilityTest('visibility query: != needs the attribute while NOT = does not', async (v) => {
    const world = await seed(v, TYPED_RUNS);
    await expectMatches(v, world, "CustomKeywordField != 'apple'", ['b', 'c', 'd']);
    await expectMatches(v, world, "NOT CustomKeywordField = 'apple'", ['b', 'c', 'd', 'e']);
    await expectMatches(v, world, "CustomKeywordField != 'apple' OR CustomKeywordField IS NULL", ['b', 'c', 'd', 'e']);
  });

  cell.visibilityTest('visibility query: an empty query lists every run of the namespace', async (v) => {
    const world = await seed(v, TYPED_RUNS);
    await expectMatches(v, world, '', ['a', 'b', 'c', 'd', 'e']);
    await expectMatches(v, world, '   ', ['a', 'b', 'c', 'd', 'e']);
  });

  cell.visibilityTest('visibility query: a query matching nothing lists nothing, and other queries still match', async (v) => {
    const world = await seed(v, TYPED_RUNS);
    await expectMatches(v, world, "CustomKeywordField = 'apple' AND CustomKeywordField = 'banana'", []);
    await expectMatches(v, world, 'CustomIntField > 10 AND CustomIntField < 10', []);
    await expectMatches(v, world, "CustomKeywordField = 'apple' OR CustomKeywordField = 'banana'", ['a', 'b']);
  });

  cell.visibilityTest('visibility query: the query is ANDed with the fixed filter fields', async (v) => {
    const world = await seed(v, {
      open: { workflowTypeName: 'Refund' },
      failed: { workflowTypeName: 'Refund', ...closedFields(T0, WorkflowExecutionStatus.Failed, SECOND) },
      other: { workflowTypeName: 'Order', ...closedFields(T0, WorkflowExecutionStatus.Failed, SECOND) },
    });
    const labels = async (filter: Parameters<typeof listLabels>[2]) => (await listLabels(v, world, filter)).sort();
    const query = parse("WorkflowType = 'Refund'");
    expect(await labels({ query })).toEqual(['failed', 'open']);
    expect(await labels({ query, statuses: [WorkflowExecutionStatus.Failed] })).toEqual(['failed']);
    expect(await labels({ query, workflowTypeName: 'Order' })).toEqual([]);
  });

  cell.visibilityTest('visibility query: a query only sees runs of the namespace it lists', async (v) => {
    const mine = await seed(v, TYPED_RUNS);
    await seed(v, TYPED_RUNS);
    await expectMatches(v, mine, "CustomKeywordField = 'apple'", ['a']);
    await expectMatches(v, mine, 'CustomKeywordField IS NULL', ['e']);
  });
}
