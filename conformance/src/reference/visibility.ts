import { NotFoundError, WorkflowExecutionStatus, requireNonEmpty } from '@hourglass/core';
import type {
  CountWorkflowExecutionsRequest,
  CountWorkflowExecutionsResponse,
  CustomSearchAttributes,
  ListWorkflowExecutionsRequest,
  Page,
  VisibilityFilter,
  VisibilityQuery,
  VisibilityRecord,
  VisibilityStore,
} from '@hourglass/core';
import { pageByKey } from './paging.js';
import { groupsByStatus, queryPredicate } from './visibility-query.js';
import type { Predicate } from './visibility-query.js';
import { SearchAttributeRegistry } from './visibility-search-attributes.js';

function matches(r: VisibilityRecord, f: VisibilityFilter | undefined): boolean {
  if (f === undefined) return true;
  const inRange = (value: number | undefined, from: number | undefined, to: number | undefined) =>
    (from === undefined || (value !== undefined && value >= from)) && (to === undefined || (value !== undefined && value < to));
  return (
    (f.statuses === undefined || f.statuses.includes(r.status)) &&
    (f.workflowTypeName === undefined || r.workflowTypeName === f.workflowTypeName) &&
    (f.workflowId === undefined || r.workflowId === f.workflowId) &&
    inRange(r.startTime, f.startTimeFrom, f.startTimeTo) &&
    inRange(r.closeTime, f.closeTimeFrom, f.closeTimeTo)
  );
}

export class MemoryVisibilityStore implements VisibilityStore {
  private readonly records = new Map<string, VisibilityRecord>();
  private readonly searchAttributes = new SearchAttributeRegistry();

  private put(record: VisibilityRecord): void {
    requireNonEmpty(record.namespaceId, 'namespaceId');
    requireNonEmpty(record.runId, 'runId');
    requireNonEmpty(record.workflowId, 'workflowId');
    this.records.set(JSON.stringify([record.namespaceId, record.runId]), structuredClone(record));
  }

  async recordWorkflowExecutionStarted(record: VisibilityRecord): Promise<void> {
    this.put(record);
  }

  async recordWorkflowExecutionClosed(record: VisibilityRecord): Promise<void> {
    this.put(record);
  }

  async upsertWorkflowExecution(record: VisibilityRecord): Promise<void> {
    this.put(record);
  }

  async deleteWorkflowExecution(namespaceId: string, runId: string): Promise<void> {
    requireNonEmpty(namespaceId, 'namespaceId');
    requireNonEmpty(runId, 'runId');
    this.records.delete(JSON.stringify([namespaceId, runId]));
  }

  async getWorkflowExecution(namespaceId: string, runId: string): Promise<VisibilityRecord> {
    requireNonEmpty(namespaceId, 'namespaceId');
    requireNonEmpty(runId, 'runId');
    const record = this.records.get(JSON.stringify([namespaceId, runId]));
    if (record === undefined) throw new NotFoundError(`run ${runId} not found`);
    return structuredClone(record);
  }

  private select(namespaceId: string, filter: VisibilityFilter | undefined): VisibilityRecord[] {
    requireNonEmpty(namespaceId, 'namespaceId');
    // Resolved once, so a query the reference refuses fails even when the namespace is empty.
    const query = filter?.query === undefined ? undefined : this.queryMatcher(filter.query);
    return [...this.records.values()].filter((r) => r.namespaceId === namespaceId && matches(r, filter) && (query === undefined || query(r)));
  }

  /** How a list-filter query is evaluated; the self-test's broken variants replace it. */
  protected queryMatcher(query: VisibilityQuery): Predicate {
    return queryPredicate(query);
  }

  async listWorkflowExecutions(request: ListWorkflowExecutionsRequest): Promise<Page<VisibilityRecord>> {
    const selected = this.select(request.namespaceId, request.filter);
    const open = (r: VisibilityRecord) => (r.status === WorkflowExecutionStatus.Running ? 0 : 1);
    return structuredClone(pageByKey(selected, (r) => [open(r), -r.startTime, r.runId], request));
  }

  async countWorkflowExecutions(request: CountWorkflowExecutionsRequest): Promise<CountWorkflowExecutionsResponse> {
    const selected = this.select(request.namespaceId, request.filter);
    if (!groupsByStatus(request.groupByStatus, request.filter?.query)) return { count: selected.length };
    const counts = new Map<VisibilityRecord['status'], number>();
    for (const r of selected) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    return { count: selected.length, groups: [...counts].map(([status, count]) => ({ status, count })) };
  }

  async addSearchAttributes(namespaceId: string, attributes: CustomSearchAttributes): Promise<void> {
    this.searchAttributes.add(namespaceId, attributes);
  }

  async removeSearchAttributes(namespaceId: string, names: readonly string[]): Promise<void> {
    this.searchAttributes.remove(namespaceId, names);
  }

  async getSearchAttributes(namespaceId: string): Promise<CustomSearchAttributes> {
    return this.searchAttributes.get(namespaceId);
  }
}
