import { InvalidPersistenceRequestError, NotFoundError, TimeoutError, UnavailableError, requireNonEmpty, workflowExecutionStatusFromName } from '@hourglass/core';
import type {
  CountWorkflowExecutionsRequest,
  CustomSearchAttributes,
  CountWorkflowExecutionsResponse,
  ListWorkflowExecutionsRequest,
  Page,
  VisibilityRecord,
  VisibilityStore,
  WorkflowExecutionStatus,
} from '@hourglass/core';
import type { SearchHttpClient, SearchServerInfo } from '@hourglass/schema-tool';
import { searchQuery } from './conditions.js';
import { wantsStatusGroups } from './query-conditions.js';
import { documentId, fromDocument, toDocument } from './document.js';
import { CorruptDocumentError, persistenceErrorFor } from './errors.js';
import { LIST_SORT, decodeCursor, effectivePageSize, encodeCursor, isSearchAfter } from './paging.js';
import { BulkWriter } from './bulk.js';
import { SearchAttributeCatalogue } from './search-attribute-catalogue.js';
import { send } from './transport.js';

export interface ElasticsearchVisibilityStoreOptions {
  /**
   * Make every write visible to list and count before it returns (refresh=wait_for). Off by
   * default: production traffic relies on the index refresh interval, as Temporal does.
   */
  readonly refreshOnWrite?: boolean;
  /** Most writes coalesced into one _bulk request (default 500). */
  readonly maxBulkActions?: number;
}

interface SearchHit {
  readonly _id: string;
  readonly _source?: unknown;
  readonly sort?: unknown;
}

interface SearchBody {
  readonly timed_out?: boolean;
  readonly _shards?: { readonly failed?: number };
  readonly hits?: { readonly hits?: readonly SearchHit[] };
  readonly aggregations?: { readonly statuses?: { readonly buckets?: readonly { readonly key: unknown; readonly doc_count: number }[] } };
}

/** The statuses are a fixed set of seven; a bucket size above it makes the terms aggregation exact. */
const STATUS_BUCKETS = 16;

export class ElasticsearchVisibilityStore implements VisibilityStore {
  private readonly indexPath: string;
  private readonly writer: BulkWriter;
  private readonly catalogue: SearchAttributeCatalogue;

  constructor(
    private readonly client: SearchHttpClient,
    readonly server: SearchServerInfo,
    readonly index: string,
    options: ElasticsearchVisibilityStoreOptions = {},
  ) {
    this.indexPath = `/${encodeURIComponent(index)}`;
    this.writer = new BulkWriter(client, server, index, options.refreshOnWrite === true ? 'wait_for' : undefined, options.maxBulkActions);
    this.catalogue = new SearchAttributeCatalogue(client, index);
  }

  /** "7.10.2", or "opensearch 2.19.1" for OpenSearch. */
  get serverVersion(): string {
    return this.server.distribution === 'opensearch' ? `opensearch ${this.server.version}` : this.server.version;
  }

  private docPath(namespaceId: string, runId: string): string {
    return `${this.indexPath}/_doc/${encodeURIComponent(documentId(namespaceId, runId))}`;
  }

  private async put(operation: string, record: VisibilityRecord): Promise<void> {
    const document = toDocument(record);
    return this.writer.submit(operation, { action: 'index', id: documentId(record.namespaceId, record.runId), document });
  }

  recordWorkflowExecutionStarted(record: VisibilityRecord): Promise<void> {
    return this.put('recordWorkflowExecutionStarted', record);
  }

  recordWorkflowExecutionClosed(record: VisibilityRecord): Promise<void> {
    return this.put('recordWorkflowExecutionClosed', record);
  }

  upsertWorkflowExecution(record: VisibilityRecord): Promise<void> {
    return this.put('upsertWorkflowExecution', record);
  }

  async deleteWorkflowExecution(namespaceId: string, runId: string): Promise<void> {
    requireNonEmpty(namespaceId, 'namespaceId');
    requireNonEmpty(runId, 'runId');
    // Deleting a record that is already gone succeeds; a missing index still fails.
    await this.writer.submit('deleteWorkflowExecution', { action: 'delete', id: documentId(namespaceId, runId) });
  }

  addSearchAttributes(namespaceId: string, attributes: CustomSearchAttributes): Promise<void> {
    return this.catalogue.add(namespaceId, attributes);
  }

  removeSearchAttributes(namespaceId: string, names: readonly string[]): Promise<void> {
    return this.catalogue.remove(namespaceId, names);
  }

  getSearchAttributes(namespaceId: string): Promise<CustomSearchAttributes> {
    return this.catalogue.get(namespaceId);
  }

  async getWorkflowExecution(namespaceId: string, runId: string): Promise<VisibilityRecord> {
    requireNonEmpty(namespaceId, 'namespaceId');
    requireNonEmpty(runId, 'runId');
    const response = await send(this.client, 'getWorkflowExecution', 'GET', this.docPath(namespaceId, runId), {}, (status) => status === 200 || status === 404);
    const body = response.body as { found?: boolean; _id?: string; _source?: unknown } | undefined;
    if (response.status === 404) {
      if (body?.found === false) throw new NotFoundError(`visibility record of run ${runId} in namespace ${namespaceId} not found`);
      // 404 without found:false means the index itself is missing.
      throw persistenceErrorFor('getWorkflowExecution', response);
    }
    return fromDocument(body?._source, body?._id ?? runId);
  }

  async listWorkflowExecutions(request: ListWorkflowExecutionsRequest): Promise<Page<VisibilityRecord>> {
    requireNonEmpty(request.namespaceId, 'namespaceId');
    const pageSize = effectivePageSize(request.pageSize);
    const after = decodeCursor(request.nextPageToken);
    const query = searchQuery(request.namespaceId, request.filter);
    if ((request.filter?.query?.groupBy.length ?? 0) > 0) throw new InvalidPersistenceRequestError('GROUP BY only applies to counts');
    // One hit more than asked says whether another page exists without a second round trip.
    const body = await this.search('listWorkflowExecutions', {
      query,
      sort: LIST_SORT,
      size: pageSize + 1,
      ...(after === undefined ? {} : { search_after: after }),
    });
    const hits = body.hits?.hits ?? [];
    const page = hits.slice(0, pageSize);
    const items = page.map((hit) => fromDocument(hit._source, hit._id));
    if (hits.length <= pageSize) return { items };
    const last = page[page.length - 1]!.sort;
    if (!isSearchAfter(last)) throw new CorruptDocumentError(`search returned sort values ${JSON.stringify(last)} that do not match the list sort`);
    return { items, nextPageToken: encodeCursor(last) };
  }

  async countWorkflowExecutions(request: CountWorkflowExecutionsRequest): Promise<CountWorkflowExecutionsResponse> {
    requireNonEmpty(request.namespaceId, 'namespaceId');
    const query = searchQuery(request.namespaceId, request.filter);
    if (request.groupByStatus !== undefined && typeof request.groupByStatus !== 'boolean') {
      throw new InvalidPersistenceRequestError('groupByStatus must be a boolean');
    }
    if (request.groupByStatus !== true && !wantsStatusGroups(request.filter?.query)) {
      const response = await send(this.client, 'countWorkflowExecutions', 'POST', `${this.indexPath}/_count`, { body: { query } });
      const count = (response.body as { count?: unknown } | undefined)?.count;
      if (typeof count !== 'number') throw new CorruptDocumentError(`_count answered without a count: ${JSON.stringify(response.body)}`);
      return { count };
    }
    const body = await this.search('countWorkflowExecutions', {
      query,
      size: 0,
      aggs: { statuses: { terms: { field: 'ExecutionStatus', size: STATUS_BUCKETS } } },
    });
    const groups: { status: WorkflowExecutionStatus; count: number }[] = [];
    for (const bucket of body.aggregations?.statuses?.buckets ?? []) {
      const status = typeof bucket.key === 'string' ? workflowExecutionStatusFromName(bucket.key) : undefined;
      if (status === undefined) throw new CorruptDocumentError(`index holds an unknown ExecutionStatus ${JSON.stringify(bucket.key)}`);
      groups.push({ status, count: bucket.doc_count });
    }
    // Every document has exactly one status, so the buckets add up to the total.
    return { count: groups.reduce((sum, g) => sum + g.count, 0), groups };
  }

  private async search(operation: string, body: Record<string, unknown>): Promise<SearchBody> {
    const response = await send(this.client, operation, 'POST', `${this.indexPath}/_search`, { body });
    const result = response.body as SearchBody;
    if (result.timed_out === true) throw new TimeoutError(`${operation}: the search timed out on the server`);
    // Partial results would silently drop records from a list or a count.
    if ((result._shards?.failed ?? 0) > 0) throw new UnavailableError(`${operation}: ${result._shards?.failed} shard(s) failed: ${JSON.stringify(result._shards)}`);
    return result;
  }
}
