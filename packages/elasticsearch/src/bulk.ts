import type { PersistenceError } from '@hourglass/core';
import type { SearchHttpClient, SearchServerInfo } from '@hourglass/schema-tool';
import { persistenceErrorFor } from './errors.js';
import { send } from './transport.js';

export type BulkAction = { readonly action: 'index'; readonly id: string; readonly document: unknown } | { readonly action: 'delete'; readonly id: string };

interface Pending {
  readonly operation: string;
  readonly item: BulkAction;
  readonly resolve: () => void;
  readonly reject: (error: PersistenceError) => void;
}

interface BulkItemResult {
  readonly status: number;
  readonly result?: string;
  readonly error?: unknown;
}

/** The most operations one _bulk request carries; visibility documents are small, so this stays well under request size limits. */
export const DEFAULT_MAX_BATCH = 500;

/**
 * Coalesces the writes issued in one turn of the event loop into a single _bulk request, the way
 * Temporal's bulk processor batches visibility writes, while each caller still gets its own
 * outcome: an item the cluster rejects (429, a mapping conflict) fails only its own promise.
 * Batches are cut at the end of the current turn (setImmediate), never by waiting on a timer.
 */
export class BulkWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly path: string;

  constructor(
    private readonly client: SearchHttpClient,
    server: SearchServerInfo,
    index: string,
    private readonly refresh: string | undefined,
    private readonly maxBatch: number = DEFAULT_MAX_BATCH,
  ) {
    // Elasticsearch 6.x needs the mapping type of bulk items; `_doc` is the type of typeless-created indices.
    const typed = server.distribution === 'elasticsearch' && server.major === 6;
    this.path = `/${encodeURIComponent(index)}${typed ? '/_doc' : ''}/_bulk`;
  }

  submit(operation: string, item: BulkAction): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ operation, item, resolve, reject });
      if (this.queue.length >= this.maxBatch) {
        void this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    const lines: unknown[] = [];
    for (const { item } of batch) {
      lines.push({ [item.action]: { _id: item.id } });
      if (item.action === 'index') lines.push(item.document);
    }
    let items: readonly Record<string, BulkItemResult>[];
    try {
      const response = await send(this.client, `bulk of ${batch.length} visibility write(s)`, 'POST', this.path, { query: { refresh: this.refresh }, ndjson: lines });
      items = ((response.body as { items?: unknown }).items ?? []) as Record<string, BulkItemResult>[];
    } catch (err) {
      for (const pending of batch) pending.reject(err as PersistenceError);
      return;
    }
    batch.forEach((pending, position) => {
      const result = items[position]?.[pending.item.action];
      if (result === undefined) {
        pending.reject(persistenceErrorFor(pending.operation, { status: 500, body: { error: { type: 'bulk_response_mismatch', reason: `the bulk response has no item ${position}` } } }));
      } else if ((result.status >= 200 && result.status < 300) || (pending.item.action === 'delete' && result.status === 404 && result.result === 'not_found')) {
        pending.resolve();
      } else {
        pending.reject(persistenceErrorFor(pending.operation, { status: result.status, body: { error: result.error } }));
      }
    });
  }
}
