import { InvalidPersistenceRequestError, UnavailableError } from '@hourglass/core';
import { SearchHttpClient, assertSearchSchemaCompatible, detectSearchServer, setupSearchSchema } from '@hourglass/schema-tool';
import type { SearchServerInfo } from '@hourglass/schema-tool';
import { persistenceErrorForTransport } from './errors.js';
import { ElasticsearchVisibilityStore } from './store.js';

export interface ElasticsearchVisibilityOptions {
  /** Base URL of an Elasticsearch 6.8/7.x/8.x or OpenSearch node, e.g. http://127.0.0.1:9200. */
  readonly url: string;
  readonly index: string;
  /** Create the index (or bring it to the newest schema version) before opening. */
  readonly setupSchema?: boolean;
  /** See ElasticsearchVisibilityStoreOptions.refreshOnWrite; default false. */
  readonly refreshOnWrite?: boolean;
  /** See ElasticsearchVisibilityStoreOptions.maxBulkActions; default 500. */
  readonly maxBulkActions?: number;
  readonly username?: string;
  readonly password?: string;
  readonly requestTimeoutMs?: number;
  /** Versioned mapping directory; defaults to the schema packaged with @hourglass/schema-tool. */
  readonly schemaDir?: string;
}

/**
 * Connects, identifies the server (GET /), and checks — or with `setupSchema` creates — the
 * visibility index. Fails with SchemaVersionMismatchError when the index is missing or too old.
 */
export async function openElasticsearchVisibilityStore(options: ElasticsearchVisibilityOptions): Promise<ElasticsearchVisibilityStore> {
  const client = new SearchHttpClient({
    url: options.url,
    ...(options.username === undefined ? {} : { username: options.username, password: options.password ?? '' }),
    ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
  });
  let server: SearchServerInfo;
  try {
    server = await detectSearchServer(client);
  } catch (err) {
    throw err instanceof Error && err.name === 'SearchServerError'
      ? new UnavailableError(err.message, { cause: err })
      : persistenceErrorForTransport(`connect to ${options.url}`, err);
  }
  const target = { client, server, index: options.index };
  const schemaDir = options.schemaDir === undefined ? {} : { schemaDir: options.schemaDir };
  if (options.setupSchema === true) await setupSearchSchema(target, schemaDir);
  else await assertSearchSchemaCompatible(target, { ...schemaDir, connectionFlags: `--url ${options.url} --index ${options.index}` });
  if (options.maxBulkActions !== undefined && !(Number.isSafeInteger(options.maxBulkActions) && options.maxBulkActions >= 1)) {
    throw new InvalidPersistenceRequestError(`maxBulkActions must be a positive integer, got ${String(options.maxBulkActions)}`);
  }
  return new ElasticsearchVisibilityStore(client, server, options.index, {
    ...(options.refreshOnWrite === undefined ? {} : { refreshOnWrite: options.refreshOnWrite }),
    ...(options.maxBulkActions === undefined ? {} : { maxBulkActions: options.maxBulkActions }),
  });
}
