import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, WorkflowExecutionStatus, parseVisibilityQuery } from '@hourglass/core';
import type { SearchAttributeType, SearchAttributes, VisibilityRecord } from '@hourglass/core';
import { textMatches } from '../src/dialects/sqlite-search-attributes.js';
import { openSqlStores } from '../src/open.js';
import type { SqlPersistenceStores } from '../src/open.js';

const CUSTOM = new Map<string, SearchAttributeType>([
  ['Color', 'Keyword'],
  ['Size', 'Int'],
  ['Price', 'Double'],
  ['Paid', 'Bool'],
  ['Due', 'Datetime'],
  ['Tags', 'KeywordList'],
  ['Notes', 'Text'],
  ['Odd "name".$[0]', 'Keyword'],
]);

const T0 = 1_700_000_000_000_000;
const SECOND = 1_000_000;
const namespaceId = 'ns-query';

/** Five runs with overlapping attributes; each case names the runs its query must return. */
const RUNS: Record<string, { status?: VisibilityRecord['status']; type?: string; start?: number; duration?: number; parent?: string; sa: SearchAttributes }> = {
  red: {
    type: 'Order',
    sa: {
      Color: { type: 'Keyword', value: 'red' },
      Size: { type: 'Int', value: 10 },
      Price: { type: 'Double', value: 9.5 },
      Paid: { type: 'Bool', value: true },
      Due: { type: 'Datetime', value: T0 + 10 * SECOND },
      Tags: { type: 'KeywordList', value: ['urgent', 'gift'] },
      Notes: { type: 'Text', value: 'Deliver to the BACK door, please.' },
    },
  },
  blue: {
    type: 'Order',
    status: WorkflowExecutionStatus.Completed,
    duration: 30 * SECOND,
    sa: {
      Color: { type: 'Keyword', value: 'blue' },
      Size: { type: 'Int', value: 20 },
      Price: { type: 'Double', value: 20.25 },
      Paid: { type: 'Bool', value: false },
      Due: { type: 'Datetime', value: T0 + 20 * SECOND },
      Tags: { type: 'KeywordList', value: ['bulk'] },
      Notes: { type: 'Text', value: 'front door' },
    },
  },
  redwood: { type: 'Refund', start: T0 + 5 * SECOND, parent: 'parent-wf', sa: { Color: { type: 'Keyword', value: 'redwood' }, 'Odd "name".$[0]': { type: 'Keyword', value: 'x' } } },
  // Size stored under the wrong type must never compare as an Int.
  mistyped: { type: 'Refund', status: WorkflowExecutionStatus.Failed, duration: 2 * SECOND, sa: { Size: { type: 'Keyword', value: '15' } } },
  bare: { type: 'Order', sa: {} },
};

let stores: SqlPersistenceStores;
beforeAll(async () => {
  stores = await openSqlStores({ dialect: 'sqlite', filename: ':memory:', setupSchema: true });
  for (const [label, run] of Object.entries(RUNS)) {
    const start = run.start ?? T0;
    const record: VisibilityRecord = {
      namespaceId,
      workflowId: `wf-${label}`,
      runId: label,
      workflowTypeName: run.type ?? 'Order',
      taskQueue: 'q',
      status: run.status ?? WorkflowExecutionStatus.Running,
      startTime: start,
      executionTime: start,
      historyLength: 1,
      historySizeBytes: 1,
      stateTransitionCount: 1,
      searchAttributes: run.sa,
      ...(run.duration === undefined ? {} : { closeTime: start + run.duration, executionDuration: run.duration }),
      ...(run.parent === undefined ? {} : { parentWorkflowId: run.parent }),
    };
    await stores.visibility.upsertWorkflowExecution(record);
  }
  // Another namespace with a matching run: queries never cross namespaces.
  await stores.visibility.upsertWorkflowExecution({ namespaceId: 'other', workflowId: 'wf', runId: 'red', workflowTypeName: 'Order', taskQueue: 'q', status: 1, startTime: T0, executionTime: T0, historyLength: 1, historySizeBytes: 1, stateTransitionCount: 1, searchAttributes: RUNS.red!.sa });
});
afterAll(async () => {
  await stores.close();
});

async function matching(text: string): Promise<string[]> {
  const query = parseVisibilityQuery(text, { customAttributes: CUSTOM });
  const page = await stores.visibility.listWorkflowExecutions({ namespaceId, pageSize: 100, filter: { query } });
  return page.items.map((r) => r.runId).sort();
}

describe('list-filter queries on SQLite', () => {
  it.each([
    ['', ['bare', 'blue', 'mistyped', 'red', 'redwood']],
    ["Color = 'red'", ['red']],
    ["Color != 'red'", ['blue', 'redwood']],
    ["NOT Color = 'red'", ['bare', 'blue', 'mistyped', 'redwood']],
    ["Color IN ('red', 'blue')", ['blue', 'red']],
    ["Color NOT IN ('red', 'blue')", ['redwood']],
    ["Color STARTS_WITH 'red'", ['red', 'redwood']],
    ["Color NOT STARTS_WITH 'red'", ['blue']],
    ["Color STARTS_WITH 'RED'", []],
    ["Color BETWEEN 'b' AND 'red'", ['blue', 'red']],
    ['Color IS NULL', ['bare', 'mistyped']],
    ['Color IS NOT NULL', ['blue', 'red', 'redwood']],
    ['Size > 10', ['blue']],
    ['Size >= 10', ['blue', 'red']],
    ['Size < 100', ['blue', 'red']],
    ['Size IS NULL', ['bare', 'mistyped', 'redwood']],
    ['Price BETWEEN 9.5 AND 20', ['red']],
    ['Price NOT BETWEEN 9.5 AND 20', ['blue']],
    ['Paid = true', ['red']],
    ['Paid = false', ['blue']],
    ['Paid != true', ['blue']],
    [`Due > '${new Date((T0 + 15 * SECOND) / 1000).toISOString()}'`, ['blue']],
    ["Tags = 'gift'", ['red']],
    ["Tags != 'gift'", ['blue']],
    ["Tags IN ('bulk', 'gift')", ['blue', 'red']],
    ["Tags NOT IN ('bulk', 'nothing')", ['red']],
    ['Tags IS NULL', ['bare', 'mistyped', 'redwood']],
    ["Notes = 'door'", ['blue', 'red']],
    ["Notes = 'back DOOR'", ['red']],
    ["Notes = 'back front'", []],
    ["Notes != 'front'", ['red']],
    ["Notes = 'do'", []],
    ["`Odd \"name\".$[0]` = 'x'", ['redwood']],
    ["WorkflowType = 'Refund'", ['mistyped', 'redwood']],
    ["WorkflowId = 'wf-blue'", ['blue']],
    ["ExecutionStatus = 'Running'", ['bare', 'red', 'redwood']],
    ["ExecutionStatus IN ('Completed', 'Failed')", ['blue', 'mistyped']],
    ["ExecutionDuration > '5s'", ['blue']],
    [`StartTime > '${new Date(T0 / 1000).toISOString()}'`, ['redwood']],
    ['CloseTime IS NOT NULL', ['blue', 'mistyped']],
    ["ParentWorkflowId = 'parent-wf'", ['redwood']],
    ['ParentWorkflowId IS NULL', ['bare', 'blue', 'mistyped', 'red']],
    ["Color = 'red' OR Size = 20", ['blue', 'red']],
    ["(Color = 'red' OR Color = 'blue') AND Paid = false", ['blue']],
    ["WorkflowType = 'Order' AND NOT (Color = 'red' OR Tags = 'bulk')", ['bare']],
    ["NOT (Size > 10)", ['bare', 'mistyped', 'red', 'redwood']],
  ])('%s', async (text, expected) => {
    expect(await matching(text)).toEqual(expected);
  });

  it('combines the query with the plain filter fields and counts with it', async () => {
    const query = parseVisibilityQuery("WorkflowType = 'Order'", { customAttributes: CUSTOM });
    const page = await stores.visibility.listWorkflowExecutions({ namespaceId, pageSize: 100, filter: { query, statuses: [WorkflowExecutionStatus.Running] } });
    expect(page.items.map((r) => r.runId).sort()).toEqual(['bare', 'red']);
    const counted = await stores.visibility.countWorkflowExecutions({ namespaceId, filter: { query }, groupByStatus: true });
    expect(counted).toEqual({ count: 3, groups: [{ status: WorkflowExecutionStatus.Running, count: 2 }, { status: WorkflowExecutionStatus.Completed, count: 1 }] });
  });

  it('pages a query result in list order', async () => {
    const query = parseVisibilityQuery("WorkflowType = 'Order' OR WorkflowType = 'Refund'", { customAttributes: CUSTOM });
    const seen: string[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await stores.visibility.listWorkflowExecutions({ namespaceId, pageSize: 2, filter: { query }, ...(nextPageToken ? { nextPageToken } : {}) });
      seen.push(...page.items.map((r) => r.runId));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
    // Open runs first (redwood started last), then closed ones; ties broken by run id.
    expect(seen).toEqual(['redwood', 'bare', 'red', 'blue', 'mistyped']);
  });

  it('refuses ORDER BY rather than ignoring it', async () => {
    const query = parseVisibilityQuery('Color = "red" ORDER BY Size DESC', { customAttributes: CUSTOM, allowOrderBy: true });
    await expect(stores.visibility.listWorkflowExecutions({ namespaceId, pageSize: 10, filter: { query } })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
  });
});

describe('Text matching', () => {
  it.each([
    ['Deliver to the BACK door', 'back door', true],
    ['Deliver to the BACK door', 'door back', true],
    ['Deliver to the BACK door', 'backdoor', false],
    ['Ünïcode wörds, über-fast', 'ÜBER wörds', true],
    ['anything', '   ', false],
    ['注文 処理', '処理', true],
  ])('%j matches %j: %s', (text, query, expected) => {
    expect(textMatches(text, query)).toBe(expected);
  });
});
