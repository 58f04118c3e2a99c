import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, WorkflowExecutionStatus, parseVisibilityQuery, toRfc3339Micros } from '@hourglass/core';
import type { SearchAttributeType, VisibilityRecord } from '@hourglass/core';
import { openElasticsearchVisibilityStore } from '../src/open.js';
import type { ElasticsearchVisibilityStore } from '../src/store.js';
import { searchServers } from './support/search-servers.js';

/**
 * The list-filter translation run on real servers started by `bash conformance/servers/start.sh
 * <target>`. A server that is not up is a named skip, never a pass.
 */
const T = 1_764_050_400_123_457;
const CUSTOM = new Map<string, SearchAttributeType>([
  ['CustomKeywordField', 'Keyword'],
  ['CustomIntField', 'Int'],
  ['CustomTextField', 'Text'],
  ['CustomKeywordListField', 'KeywordList'],
  ['CustomBoolField', 'Bool'],
  ['CustomDatetimeField', 'Datetime'],
  ['CustomDoubleField', 'Double'],
]);

const namespaceId = `ns-${randomUUID()}`;
const base = { namespaceId, taskQueue: 'q', executionTime: T, historyLength: 1, historySizeBytes: 1, stateTransitionCount: 1 };
const records: Record<'r1' | 'r2' | 'r3' | 'r4', VisibilityRecord> = {
  r1: {
    ...base, workflowId: 'wf-1', runId: 'run-1', workflowTypeName: 'A', status: WorkflowExecutionStatus.Running, startTime: T + 1,
    searchAttributes: {
      CustomKeywordField: { type: 'Keyword', value: 'red' },
      CustomIntField: { type: 'Int', value: 5 },
      CustomTextField: { type: 'Text', value: 'the quick brown fox' },
      CustomKeywordListField: { type: 'KeywordList', value: ['x', 'y'] },
      CustomBoolField: { type: 'Bool', value: true },
    },
  },
  r2: {
    ...base, workflowId: 'wf-2', runId: 'run-2', workflowTypeName: 'B', status: WorkflowExecutionStatus.Completed, startTime: T + 2, closeTime: T + 20,
    searchAttributes: { CustomKeywordField: { type: 'Keyword', value: 'blue' }, CustomIntField: { type: 'Int', value: 10 }, CustomKeywordListField: { type: 'KeywordList', value: ['y'] } },
  },
  r3: { ...base, workflowId: 'order-3', runId: 'run-3', workflowTypeName: 'B', status: WorkflowExecutionStatus.Failed, startTime: T + 3, closeTime: T + 30, searchAttributes: {} },
  r4: {
    ...base, workflowId: 'order-4', runId: 'run-4', workflowTypeName: 'C', status: WorkflowExecutionStatus.TimedOut, startTime: T + 4, closeTime: T + 40,
    searchAttributes: { CustomDatetimeField: { type: 'Datetime', value: T + 100 }, CustomDoubleField: { type: 'Double', value: 1.5 } },
  },
};

const CASES: readonly (readonly [string, readonly string[]])[] = [
  [`WorkflowType = 'B'`, ['r2', 'r3']],
  [`ExecutionStatus = 'Running'`, ['r1']],
  [`ExecutionStatus != 'Running'`, ['r2', 'r3', 'r4']],
  [`ExecutionStatus IN ('Failed', 'TimedOut')`, ['r3', 'r4']],
  [`ExecutionStatus NOT IN ('Completed', 'TimedOut')`, ['r1', 'r3']],
  [`CustomKeywordField != 'red'`, ['r2']],
  [`NOT CustomKeywordField = 'red'`, ['r2', 'r3', 'r4']],
  [`CustomIntField BETWEEN 4 AND 6`, ['r1']],
  [`CustomIntField > 5`, ['r2']],
  [`CustomKeywordListField = 'y'`, ['r1', 'r2']],
  [`CustomKeywordListField IN ('x')`, ['r1']],
  [`CustomKeywordListField != 'x'`, ['r2']],
  [`CustomTextField = 'fox quick'`, ['r1']],
  [`WorkflowId STARTS_WITH 'order-'`, ['r3', 'r4']],
  [`WorkflowId NOT STARTS_WITH 'order-'`, ['r1', 'r2']],
  [`CustomKeywordField IS NULL`, ['r3', 'r4']],
  [`CloseTime IS NOT NULL`, ['r2', 'r3', 'r4']],
  [`(WorkflowType = 'A' OR WorkflowType = 'C') AND StartTime >= '${toRfc3339Micros(T + 2)}'`, ['r4']],
  [`StartTime < '${toRfc3339Micros(T + 2)}'`, ['r1']],
  [`CustomBoolField = true`, ['r1']],
  [`CustomDoubleField < 2`, ['r4']],
  [`CustomDatetimeField > '${toRfc3339Micros(T + 99)}'`, ['r4']],
];

for (const server of searchServers()) {
  const { name, url } = server;
  if (url === undefined) {
    describe.skip(`list-filter queries on ${name}: ${'reason' in server ? server.reason : ''}`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }
  describe(`list-filter queries on ${name}`, () => {
    const index = `hg-query-${randomBytes(4).toString('hex')}`;
    let store: ElasticsearchVisibilityStore;

    beforeAll(async () => {
      store = await openElasticsearchVisibilityStore({ url, index, setupSchema: true, refreshOnWrite: true });
      for (const record of Object.values(records)) await store.upsertWorkflowExecution(record);
    });
    afterAll(async () => {
      await fetch(`${url}/${index}`, { method: 'DELETE' });
    });

    const runIds = async (text: string) => {
      const page = await store.listWorkflowExecutions({ namespaceId, pageSize: 100, filter: { query: parseVisibilityQuery(text, { customAttributes: CUSTOM }) } });
      return page.items.map((r) => r.runId).sort();
    };

    it.each(CASES)('%s', async (text, expected) => {
      expect(await runIds(text)).toEqual(expected.map((key) => records[key as keyof typeof records].runId).sort());
    });

    it('counts grouped by status when the query says GROUP BY ExecutionStatus', async () => {
      const query = parseVisibilityQuery(`WorkflowType = 'B' GROUP BY ExecutionStatus`, { customAttributes: CUSTOM, allowGroupBy: true });
      const result = await store.countWorkflowExecutions({ namespaceId, filter: { query } });
      expect(result.count).toBe(2);
      expect([...(result.groups ?? [])].sort((a, b) => a.status - b.status)).toEqual([
        { status: WorkflowExecutionStatus.Completed, count: 1 },
        { status: WorkflowExecutionStatus.Failed, count: 1 },
      ]);
    });

    it('refuses ORDER BY rather than ignoring it', async () => {
      const query = parseVisibilityQuery('ORDER BY StartTime', { allowOrderBy: true });
      await expect(store.listWorkflowExecutions({ namespaceId, pageSize: 10, filter: { query } })).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
    });
  });
}

for (const server of searchServers()) {
  if (server.url === undefined) continue;
  const { name, url } = server;
  describe(`page size limits on ${name}`, () => {
    it('a page size far above max_result_window is capped, not refused', async () => {
      const index = `hg-page-${randomBytes(4).toString('hex')}`;
      const store = await openElasticsearchVisibilityStore({ url, index, setupSchema: true });
      try {
        const page = await store.listWorkflowExecutions({ namespaceId: 'ns', pageSize: 50_000 });
        expect(page).toEqual({ items: [] });
      } finally {
        await fetch(`${url}/${index}`, { method: 'DELETE' });
      }
    });
  });
}
