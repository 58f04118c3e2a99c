import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityFilter, VisibilityRecord } from '@hourglass/core';
import { openSqlStores } from '../src/open.js';
import type { SqlPersistenceStores } from '../src/open.js';

/** A small deterministic generator, so a failure names a reproducible case. */
function generator(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % bound;
  };
}

const namespaceId = 'ns-paging';
const STATUSES = Object.values(WorkflowExecutionStatus);
let stores: SqlPersistenceStores;
let records: VisibilityRecord[];

beforeAll(async () => {
  stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  const next = generator(7);
  // Few distinct start times, so many runs tie on start time and the run id decides.
  records = Array.from({ length: 60 }, (_, i) => {
    const status = STATUSES[next(3) === 0 ? 0 : next(STATUSES.length)]!;
    const startTime = 1_000 + next(6);
    const closed = status !== WorkflowExecutionStatus.Running;
    return {
      namespaceId,
      workflowId: `wf-${next(4)}`,
      runId: `run-${String(next(1_000_000)).padStart(6, '0')}-${i}`,
      workflowTypeName: 'T',
      taskQueue: 'q',
      status,
      startTime,
      executionTime: startTime,
      ...(closed ? { closeTime: startTime + 10, executionDuration: 10 } : {}),
      historyLength: 1,
      historySizeBytes: 1,
      stateTransitionCount: 1,
      searchAttributes: {},
    };
  });
  for (const r of records) await stores.visibility.upsertWorkflowExecution(r);
});
afterAll(async () => {
  await stores.close();
});

/** The documented order: open runs first, then newest start time, then run id. */
function expectedOrder(filter: VisibilityFilter): string[] {
  return records
    .filter((r) => (filter.statuses === undefined || filter.statuses.includes(r.status)) && (filter.workflowId === undefined || r.workflowId === filter.workflowId))
    .sort((a, b) => {
      const rank = (r: VisibilityRecord) => (r.status === WorkflowExecutionStatus.Running ? 0 : 1);
      return rank(a) - rank(b) || b.startTime - a.startTime || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);
    })
    .map((r) => r.runId);
}

async function pagedOrder(filter: VisibilityFilter, pageSize: number): Promise<string[]> {
  const seen: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await stores.visibility.listWorkflowExecutions({ namespaceId, pageSize, filter, ...(nextPageToken ? { nextPageToken } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    seen.push(...page.items.map((r) => r.runId));
    nextPageToken = page.nextPageToken;
    if (nextPageToken === undefined) return seen;
  }
  throw new Error('paging did not end');
}

describe('visibility list paging against a model of the order', () => {
  const filters: [string, VisibilityFilter][] = [
    ['no filter', {}],
    ['open only', { statuses: [WorkflowExecutionStatus.Running] }],
    ['closed only', { statuses: [WorkflowExecutionStatus.Completed, WorkflowExecutionStatus.Failed, WorkflowExecutionStatus.TimedOut] }],
    ['mixed statuses', { statuses: [WorkflowExecutionStatus.Running, WorkflowExecutionStatus.Canceled] }],
    ['one workflow id', { workflowId: 'wf-2' }],
  ];
  for (const [what, filter] of filters) {
    it.each([1, 2, 3, 7, 100])(`${what}, page size %i`, async (pageSize) => {
      const expected = expectedOrder(filter);
      expect(expected.length).toBeGreaterThan(0);
      expect(await pagedOrder(filter, pageSize)).toEqual(expected);
    });
  }
});
