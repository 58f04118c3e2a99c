import { expect } from 'vitest';
import { WorkflowExecutionStatus } from '@hourglass/core';
import type { CountWorkflowExecutionsResponse, VisibilityStore } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { SECOND, T0, closedFields, parse, seed } from './visibility-query-fixtures.js';
import type { Seeds, SeededNamespace } from './visibility-query-fixtures.js';

const { Running, Completed, Failed, TimedOut, Terminated } = WorkflowExecutionStatus;

const closedAs = (status: WorkflowExecutionStatus) => closedFields(T0, status, SECOND);

/** Eight runs over five statuses and two workflow types. */
const COUNTED_RUNS: Seeds = {
  r1: { workflowTypeName: 'A' },
  r2: { workflowTypeName: 'A' },
  c1: { workflowTypeName: 'A', ...closedAs(Completed) },
  c2: { workflowTypeName: 'B', ...closedAs(Completed) },
  f1: { workflowTypeName: 'A', ...closedAs(Failed) },
  t1: { workflowTypeName: 'B', ...closedAs(TimedOut) },
  t2: { workflowTypeName: 'A', ...closedAs(TimedOut) },
  x1: { workflowTypeName: 'B', ...closedAs(Terminated) },
};

type Groups = CountWorkflowExecutionsResponse['groups'];

function sortedGroups(groups: Groups): Groups {
  return groups === undefined ? undefined : [...groups].sort((a, b) => a.status - b.status);
}

async function count(v: VisibilityStore, world: SeededNamespace, text: string, groupByStatus?: boolean): Promise<CountWorkflowExecutionsResponse> {
  const query = parse(text, { allowGroupBy: true });
  return v.countWorkflowExecutions({ namespaceId: world.namespaceId, filter: { query }, ...(groupByStatus === undefined ? {} : { groupByStatus }) });
}

export function visibilityQueryCountsSuite(cell: Cell): void {
  cell.visibilityTest('visibility query: count counts exactly the runs the query matches', async (v) => {
    const world = await seed(v, COUNTED_RUNS);
    expect((await count(v, world, "WorkflowType = 'A'")).count).toBe(5);
    expect((await count(v, world, "ExecutionStatus != 'Running' AND WorkflowType = 'B'")).count).toBe(3);
    expect((await count(v, world, "NOT WorkflowType = 'A'")).count).toBe(3);
    expect((await count(v, world, '')).count).toBe(8);
  });

  cell.visibilityTest('visibility query: count grouped by status counts only the runs the query matches', async (v) => {
    const world = await seed(v, COUNTED_RUNS);
    const grouped = await count(v, world, "WorkflowType = 'A'", true);
    expect(grouped.count).toBe(5);
    expect(sortedGroups(grouped.groups)).toEqual([
      { status: Running, count: 2 },
      { status: Completed, count: 1 },
      { status: Failed, count: 1 },
      { status: TimedOut, count: 1 },
    ]);
  });

  cell.visibilityTest('visibility query: GROUP BY ExecutionStatus in the query groups the count', async (v) => {
    const world = await seed(v, COUNTED_RUNS);
    const grouped = await count(v, world, "ExecutionStatus != 'Running' AND WorkflowType = 'B' GROUP BY ExecutionStatus");
    expect(grouped.count).toBe(3);
    expect(sortedGroups(grouped.groups)).toEqual([
      { status: Completed, count: 1 },
      { status: Terminated, count: 1 },
      { status: TimedOut, count: 1 },
    ]);
  });

  cell.visibilityTest('visibility query: a count whose query matches nothing is zero, grouped into no groups', async (v) => {
    const world = await seed(v, COUNTED_RUNS);
    expect(await count(v, world, "WorkflowType = 'C'")).toEqual({ count: 0 });
    const grouped = await count(v, world, "WorkflowType = 'C'", true);
    expect(grouped.count).toBe(0);
    expect(grouped.groups).toEqual([]);
    expect((await count(v, world, "WorkflowType = 'B'")).count).toBe(3);
  });

  cell.visibilityTest('visibility query: count agrees with the list for the same query', async (v) => {
    const world = await seed(v, COUNTED_RUNS);
    for (const text of ["ExecutionStatus IN ('Completed', 'TimedOut')", "WorkflowType = 'A' AND NOT ExecutionStatus = 'Running'", 'CloseTime IS NULL']) {
      const query = parse(text);
      const listed = await v.listWorkflowExecutions({ namespaceId: world.namespaceId, filter: { query }, pageSize: 100 });
      const counted = await v.countWorkflowExecutions({ namespaceId: world.namespaceId, filter: { query } });
      expect(counted.count, text).toBe(listed.items.length);
      expect(listed.items.length, text).toBeGreaterThan(0);
    }
  });
}
