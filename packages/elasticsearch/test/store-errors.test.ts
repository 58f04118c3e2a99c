import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, NotFoundError, SchemaVersionMismatchError, TimeoutError, UnavailableError, WorkflowExecutionStatus } from '@hourglass/core';
import type { VisibilityRecord } from '@hourglass/core';
import { openElasticsearchVisibilityStore } from '../src/open.js';

/**
 * The store's failure paths, end to end through HTTP, against a scripted server that answers the
 * way Elasticsearch 7 does when overloaded, confused or silent. The happy paths run on real
 * servers (conformance and query.live.test.ts).
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** GET / and the index mapping answer like a 7.10.2 node with a v1.1 index; everything else goes to `handler`. */
async function scriptedServer(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') return json(res, 200, { version: { number: '7.10.2' } });
    if (req.method === 'GET' && req.url?.startsWith('/vis/_mapping')) {
      return json(res, 200, { vis: { mappings: { _meta: { hourglass: { schemaVersion: '1.1', minCompatibleVersion: '1.1' } } } } });
    }
    if (req.method === 'GET' && req.url?.startsWith('/vis/_settings')) return json(res, 200, { vis: { settings: { index: {} } } });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const record: VisibilityRecord = {
  namespaceId: 'ns', workflowId: 'wf', runId: 'run', workflowTypeName: 'T', taskQueue: 'q', status: WorkflowExecutionStatus.Running,
  startTime: 1, executionTime: 1, historyLength: 1, historySizeBytes: 1, stateTransitionCount: 1, searchAttributes: {},
};

describe('ElasticsearchVisibilityStore failure paths', () => {
  it('turns a 429 write rejection into a retryable UnavailableError', async () => {
    const url = await scriptedServer((_req, res) =>
      json(res, 429, { error: { root_cause: [{ type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' }], type: 'es_rejected_execution_exception', reason: 'rejected' }, status: 429 }),
    );
    const store = await openElasticsearchVisibilityStore({ url, index: 'vis' });
    const err = await store.recordWorkflowExecutionStarted(record).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).retryable).toBe(true);
  });

  it('gives each write of a coalesced bulk its own outcome: one rejected item fails only its caller', async () => {
    const bodies: string[] = [];
    const url = await scriptedServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.url} ${req.headers['content-type']}\n${body}`);
        json(res, 200, {
          took: 1,
          errors: true,
          items: [
            { index: { _id: 'a', status: 201, result: 'created' } },
            { index: { _id: 'b', status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [StartTime]' } } },
            { index: { _id: 'c', status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected' } } },
            { delete: { _id: 'd', status: 404, result: 'not_found' } },
          ],
        });
      });
    });
    const store = await openElasticsearchVisibilityStore({ url, index: 'vis' });
    const outcomes = await Promise.allSettled([
      store.recordWorkflowExecutionStarted({ ...record, runId: 'a' }),
      store.upsertWorkflowExecution({ ...record, runId: 'b' }),
      store.recordWorkflowExecutionClosed({ ...record, runId: 'c' }),
      store.deleteWorkflowExecution('ns', 'd'),
    ]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatch(/^POST \/vis\/_bulk application\/x-ndjson\n/);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidPersistenceRequestError);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
  });

  it('tells a missing document (NotFound) from a missing index (Unavailable)', async () => {
    let indexMissing = false;
    const url = await scriptedServer((_req, res) =>
      indexMissing
        ? json(res, 404, { error: { type: 'index_not_found_exception', reason: 'no such index [vis]' }, status: 404 })
        : json(res, 404, { _index: 'vis', _id: 'x', found: false }),
    );
    const store = await openElasticsearchVisibilityStore({ url, index: 'vis' });
    await expect(store.getWorkflowExecution('ns', 'run')).rejects.toBeInstanceOf(NotFoundError);
    indexMissing = true;
    await expect(store.getWorkflowExecution('ns', 'run')).rejects.toBeInstanceOf(UnavailableError);
  });

  it('refuses a search with failed shards instead of returning a partial list', async () => {
    const url = await scriptedServer((_req, res) => json(res, 200, { timed_out: false, _shards: { total: 2, successful: 1, failed: 1 }, hits: { hits: [] } }));
    const store = await openElasticsearchVisibilityStore({ url, index: 'vis' });
    await expect(store.listWorkflowExecutions({ namespaceId: 'ns', pageSize: 10 })).rejects.toBeInstanceOf(UnavailableError);
  });

  it('times out a silent server with TimeoutError', async () => {
    const url = await scriptedServer(() => undefined);
    const store = await openElasticsearchVisibilityStore({ url, index: 'vis', requestTimeoutMs: 300 });
    await expect(store.countWorkflowExecutions({ namespaceId: 'ns' })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('reports an unreachable server as UnavailableError, and an index that is too old as SchemaVersionMismatch', async () => {
    await expect(openElasticsearchVisibilityStore({ url: 'http://127.0.0.1:1', index: 'vis' })).rejects.toBeInstanceOf(UnavailableError);
    const url = await scriptedServer((_req, res) => json(res, 404, { error: { type: 'index_not_found_exception', reason: 'no such index [other]' }, status: 404 }));
    await expect(openElasticsearchVisibilityStore({ url, index: 'other' })).rejects.toBeInstanceOf(SchemaVersionMismatchError);
  });
});

describe('ElasticsearchVisibilityStore input checks', () => {
  it('rejects a bad record through the returned promise, before anything is sent', async () => {
    const url = await scriptedServer((_req, res) => json(res, 500, { error: { type: 'should_not_be_called', reason: 'sent' } }));
    const store = await openElasticsearchVisibilityStore({ url, index: 'vis' });
    const pending = store.recordWorkflowExecutionStarted({ ...record, runId: '' });
    await expect(pending).rejects.toBeInstanceOf(InvalidPersistenceRequestError);
  });
});
