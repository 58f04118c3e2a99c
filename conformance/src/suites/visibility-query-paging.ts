import { expect } from 'vitest';
import { WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityRecord } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { SECOND, T0, closedFields, listLabels, parse, seed } from './visibility-query-fixtures.js';
import type { Seeds } from './visibility-query-fixtures.js';

const tagged = (tag: string, fields: Partial<VisibilityRecord>): Partial<VisibilityRecord> => ({
  ...fields,
  searchAttributes: { CustomKeywordField: { type: 'Keyword', value: tag } },
});
const openAt = (tag: string, seconds: number) => tagged(tag, { startTime: T0 + seconds * SECOND, executionTime: T0 + seconds * SECOND });
const closedAt = (tag: string, seconds: number) => tagged(tag, closedFields(T0 + seconds * SECOND, WorkflowExecutionStatus.Completed, SECOND));

/** Ten runs tagged 'page' (ties on start time among open and among closed runs) between five tagged 'other'. */
const PAGED_RUNS: Seeds = {
  n1: openAt('other', 4),
  c1: closedAt('page', 5),
  o1: openAt('page', 3),
  c2: closedAt('page', 2),
  n2: closedAt('other', 2),
  o2: openAt('page', 1),
  c3: closedAt('page', 2),
  o3: openAt('page', 1),
  n3: openAt('other', 1),
  c5: closedAt('page', -1),
  c4: closedAt('page', 2),
  n4: closedAt('other', 0),
  o4: openAt('page', 0),
  c6: closedAt('page', 0),
  n5: closedAt('other', 9),
};

export function visibilityQueryPagingSuite(cell: Cell): void {
  /** Runs of equal rank and start time, ordered by run id as the contract requires. */
  const byRunId = (world: Awaited<ReturnType<typeof seed>>, ...labels: string[]) =>
    labels.map((label) => ({ label, runId: world.records.get(label)!.runId })).sort((x, y) => (x.runId < y.runId ? -1 : 1)).map((x) => x.label);

  cell.visibilityTest('visibility query: paging a query over several pages keeps the list order with no run lost or repeated', async (v) => {
    const world = await seed(v, PAGED_RUNS);
    const expected = ['o1', ...byRunId(world, 'o2', 'o3'), 'o4', 'c1', ...byRunId(world, 'c2', 'c3', 'c4'), 'c6', 'c5'];
    const query = parse("CustomKeywordField = 'page'");
    expect(await listLabels(v, world, { query }, 3)).toEqual(expected);
    expect(await listLabels(v, world, { query }, 4)).toEqual(expected);
    expect(await listLabels(v, world, { query }, 100)).toEqual(expected);
  });

  cell.visibilityTest('visibility query: paging one run at a time through a compound query', async (v) => {
    const world = await seed(v, PAGED_RUNS);
    const query = parse("ExecutionStatus = 'Running' AND CustomKeywordField = 'page' OR WorkflowId = 'n5'");
    expect(await listLabels(v, world, { query }, 1)).toEqual(['o1', ...byRunId(world, 'o2', 'o3'), 'o4', 'n5']);
  });

  cell.visibilityTest('visibility query: a run written before the cursor between pages neither repeats nor drops the others', async (v) => {
    const world = await seed(v, PAGED_RUNS);
    const query = parse("CustomKeywordField = 'page'");
    const expected = ['o1', ...byRunId(world, 'o2', 'o3'), 'o4', 'c1', ...byRunId(world, 'c2', 'c3', 'c4'), 'c6', 'c5'];
    const first = await v.listWorkflowExecutions({ namespaceId: world.namespaceId, filter: { query }, pageSize: 4 });
    expect(first.items.map((r) => world.labelOf(r.runId))).toEqual(expected.slice(0, 4));
    expect(first.nextPageToken).toBeDefined();
    // Newest open run: it sorts first, before the cursor, so a keyset page must not bring it in.
    const late = { ...world.records.get('o1')!, runId: `${world.records.get('o1')!.runId}-late`, startTime: T0 + 60 * SECOND };
    await v.recordWorkflowExecutionStarted(late);
    const rest: string[] = [];
    let token = first.nextPageToken;
    while (token !== undefined && token.byteLength > 0) {
      const page = await v.listWorkflowExecutions({ namespaceId: world.namespaceId, filter: { query }, pageSize: 4, nextPageToken: token });
      rest.push(...page.items.map((r) => (r.runId === late.runId ? 'late' : world.labelOf(r.runId))));
      token = page.nextPageToken;
    }
    expect(rest).toEqual(expected.slice(4));
  });

  cell.visibilityTest('visibility query: a query matching nothing gives one empty page without a next-page token', async (v) => {
    const world = await seed(v, PAGED_RUNS);
    const none = await v.listWorkflowExecutions({ namespaceId: world.namespaceId, filter: { query: parse("CustomKeywordField = 'absent'") }, pageSize: 2 });
    expect(none.items).toEqual([]);
    expect(none.nextPageToken === undefined || none.nextPageToken.byteLength === 0).toBe(true);
    expect(await listLabels(v, world, { query: parse("CustomKeywordField = 'other' AND ExecutionStatus = 'Running'") }, 1)).toEqual(['n1', 'n3']);
  });
}
