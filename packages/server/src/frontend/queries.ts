import { randomUUID } from 'node:crypto';
import type { Plain, temporal } from '../grpc/api.js';

export type QueryAnswer = Plain<temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest>;

export interface PendingQuery {
  readonly id: string;
  readonly query: Plain<temporal.api.query.v1.IWorkflowQuery>;
  readonly answer: Promise<QueryAnswer>;
}

/** Queries waiting for a worker's answer. They live only as long as the caller waits. */
export class QueryRegistry {
  private readonly pending = new Map<string, { query: PendingQuery; resolve(answer: QueryAnswer): void }>();

  create(query: PendingQuery['query']): PendingQuery {
    const id = randomUUID();
    let resolve!: (answer: QueryAnswer) => void;
    const answer = new Promise<QueryAnswer>((r) => (resolve = r));
    const pending: PendingQuery = { id, query, answer };
    this.pending.set(id, { query: pending, resolve });
    return pending;
  }

  get(id: string): PendingQuery | undefined {
    return this.pending.get(id)?.query;
  }

  /** False when nobody waits for this query any more. */
  answer(id: string, answer: QueryAnswer): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    this.pending.delete(id);
    entry.resolve(answer);
    return true;
  }

  drop(id: string): void {
    this.pending.delete(id);
  }
}
