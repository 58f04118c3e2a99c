import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityRecord } from '@hourglass/core';
import { openElasticsearchVisibilityStore } from '../src/open.js';
import type { ElasticsearchVisibilityStore } from '../src/store.js';
import { searchServers } from './support/search-servers.js';

/** Concurrent writes coalesce into _bulk requests on real servers; a server that is not up is a named skip. */
for (const server of searchServers()) {
  const { name, url } = server;
  if (url === undefined) {
    describe.skip(`bulk writes on ${name}: ${'reason' in server ? server.reason : ''}`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }
  describe(`bulk writes on ${name}`, () => {
    const index = `hg-bulk-${randomBytes(4).toString('hex')}`;
    let store: ElasticsearchVisibilityStore;
    beforeAll(async () => {
      store = await openElasticsearchVisibilityStore({ url, index, setupSchema: true, refreshOnWrite: true, maxBulkActions: 40 });
    });
    afterAll(async () => {
      await fetch(`${url}/${index}`, { method: 'DELETE' });
    });

    it('100 concurrent writes land in batches; the one item the server refuses fails alone', async () => {
      const namespaceId = `ns-${randomUUID()}`;
      const record = (i: number): VisibilityRecord => ({
        namespaceId, workflowId: `wf-${i}`, runId: `run-${i}`, workflowTypeName: 'T', taskQueue: 'q', status: WorkflowExecutionStatus.Running,
        startTime: 1_764_050_400_000_000 + i, executionTime: 1, historyLength: 1, historySizeBytes: 1, stateTransitionCount: 1,
        // Lucene refuses a keyword term over 32 766 bytes: a per-item 400 inside an otherwise good bulk.
        searchAttributes: i === 42 ? { Huge: { type: 'Keyword', value: 'x'.repeat(40_000) } } : {},
      });
      const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => store.upsertWorkflowExecution(record(i))));
      const rejected = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, o.reason] as const] : []));
      expect(rejected.map(([i]) => i)).toEqual([42]);
      expect(rejected[0]![1]).toBeInstanceOf(InvalidPersistenceRequestError);
      expect((await store.countWorkflowExecutions({ namespaceId })).count).toBe(99);

      await Promise.all(Array.from({ length: 100 }, (_, i) => store.deleteWorkflowExecution(namespaceId, `run-${i}`)));
      expect((await store.countWorkflowExecutions({ namespaceId })).count).toBe(0);
    });
  });
}
