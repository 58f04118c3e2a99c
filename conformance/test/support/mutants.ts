import type {
  CreateNamespaceRequest,
  CreateTasksRequest,
  ListWorkflowExecutionsRequest,
  NamespaceRecord,
  Page,
  PersistenceStores,
  QueryAttribute,
  QueryFolder,
  SearchAttributeValue,
  UpdateShardRequest,
  UpdateWorkflowExecutionRequest,
  VisibilityQuery,
  VisibilityRecord,
} from '@hourglass/core';
import { openMemoryStores } from '../../src/reference/index.js';
import { MemoryExecutionStore } from '../../src/reference/executions.js';
import { MemoryNamespaceStore } from '../../src/reference/namespaces.js';
import { MemoryShardStore } from '../../src/reference/shards.js';
import { MemoryTaskQueueStore } from '../../src/reference/task-queues.js';
import { MemoryVisibilityStore } from '../../src/reference/visibility.js';
import { PREDICATE_FOLDER, held, queryPredicate } from '../../src/reference/visibility-query.js';
import type { Predicate } from '../../src/reference/visibility-query.js';
import { datetime, T0 } from '../../src/suites/visibility-query-fixtures.js';

/**
 * A deliberately broken store and the cases that must catch its bug. Each mutant models a
 * mistake a real implementation is likely to make (a missing WHERE term, a wrong ORDER BY),
 * so the self-test shows the suite would notice it.
 */
export interface Mutant {
  readonly name: string;
  readonly caughtBy: readonly string[];
  open(): PersistenceStores;
}

/** Forgets the `rangeId = previous` condition of the shard update. */
class UnfencedShardStore extends MemoryShardStore {
  override async updateShard(request: UpdateShardRequest): Promise<void> {
    const current = await this.getOrCreateShard({ shardId: request.shardId, initialRangeId: request.previousRangeId, initialShardInfo: request.shardInfo });
    await super.updateShard({ ...request, previousRangeId: current.rangeId });
  }
}

/** Checks the id but not the name index on create. */
class DuplicateNameNamespaceStore extends MemoryNamespaceStore {
  private readonly created = new Map<string, NamespaceRecord>();
  override async createNamespace(request: CreateNamespaceRequest): Promise<NamespaceRecord> {
    const existing = [...this.created.values()].find((n) => n.name === request.name);
    if (existing !== undefined) {
      await super.deleteNamespace(existing.id);
      this.created.delete(existing.id);
    }
    const record = await super.createNamespace(request);
    this.created.set(record.id, record);
    return record;
  }
}

/** Skips the db record version check of an update (a lost-update bug). */
class UnversionedExecutionStore extends MemoryExecutionStore {
  override async updateWorkflowExecution(request: UpdateWorkflowExecutionRequest): Promise<void> {
    const stored = await this.getWorkflowExecution(request.shardId, request.mutation);
    await super.updateWorkflowExecution({
      ...request,
      mutation: { ...request.mutation, expectedDbRecordVersion: stored.dbRecordVersion },
    });
  }
}

/** Writes tasks without checking the queue's lease. */
class UnleasedTaskQueueStore extends MemoryTaskQueueStore {
  override async createTasks(request: CreateTasksRequest): Promise<void> {
    const queue = await this.getTaskQueue(request).catch(() => undefined);
    await super.createTasks({ ...request, rangeId: queue?.rangeId ?? request.rangeId });
  }
}

/** Orders by start time only, forgetting "open runs first". */
class StartTimeOnlyVisibilityStore extends MemoryVisibilityStore {
  override async listWorkflowExecutions(request: ListWorkflowExecutionsRequest): Promise<Page<VisibilityRecord>> {
    const all: VisibilityRecord[] = [];
    let token: Uint8Array | undefined;
    do {
      const page = await super.listWorkflowExecutions({ ...request, pageSize: 1000, nextPageToken: token });
      all.push(...page.items);
      token = page.nextPageToken;
    } while (token !== undefined);
    all.sort((a, b) => b.startTime - a.startTime || a.runId.localeCompare(b.runId));
    return { items: all.slice(0, request.pageSize), nextPageToken: undefined };
  }
}

/** Evaluates list-filter queries with a replaced folder: one operator implemented the wrong way. */
class MisreadQueryVisibilityStore extends MemoryVisibilityStore {
  constructor(private readonly folder: QueryFolder<Predicate>) {
    super();
  }

  protected override queryMatcher(query: VisibilityQuery): Predicate {
    return queryPredicate(query, this.folder);
  }
}

/** `A != x` and `A NOT IN (…)` written as NOT of the positive form, so runs without A match too. */
const NEGATION_AS_COMPLEMENT: QueryFolder<Predicate> = {
  ...PREDICATE_FOLDER,
  comparison: (node) => {
    if (node.operator !== '!=') return PREDICATE_FOLDER.comparison(node);
    const equal = PREDICATE_FOLDER.comparison({ ...node, operator: '=' });
    return (r) => !equal(r);
  },
  in: (node) => {
    const contains = PREDICATE_FOLDER.in({ ...node, negated: false });
    return node.negated ? (r) => !contains(r) : contains;
  },
};

const floorMillis = (micros: number) => Math.floor(micros / 1000) * 1000;

function millisecondRecord(r: VisibilityRecord): VisibilityRecord {
  const searchAttributes: Record<string, SearchAttributeValue> = {};
  for (const [name, value] of Object.entries(r.searchAttributes)) {
    searchAttributes[name] = value.type === 'Datetime' ? { type: 'Datetime', value: floorMillis(value.value) } : value;
  }
  const closeTime = r.closeTime === undefined ? {} : { closeTime: floorMillis(r.closeTime) };
  return { ...r, ...closeTime, startTime: floorMillis(r.startTime), executionTime: floorMillis(r.executionTime), searchAttributes };
}

/** Datetimes indexed and compared at millisecond precision (a date field without date_nanos, DATETIME(3)). */
const MILLISECOND_DATETIMES: QueryFolder<Predicate> = {
  ...PREDICATE_FOLDER,
  comparison: (node) => {
    if (!isDatetime(node.attribute)) return PREDICATE_FOLDER.comparison(node);
    const inner = PREDICATE_FOLDER.comparison({ ...node, value: floorMillis(node.value as number) });
    return (r) => inner(millisecondRecord(r));
  },
  in: (node) => {
    if (!isDatetime(node.attribute)) return PREDICATE_FOLDER.in(node);
    const inner = PREDICATE_FOLDER.in({ ...node, values: node.values.map((v) => floorMillis(v as number)) });
    return (r) => inner(millisecondRecord(r));
  },
  between: (node) => {
    if (!isDatetime(node.attribute)) return PREDICATE_FOLDER.between(node);
    const inner = PREDICATE_FOLDER.between({ ...node, lower: floorMillis(node.lower as number), upper: floorMillis(node.upper as number) });
    return (r) => inner(millisecondRecord(r));
  },
};

function isDatetime(attribute: QueryAttribute): boolean {
  return attribute.type === 'Datetime';
}

/** STARTS_WITH as `LIKE 'prefix%'` without escaping, so % and _ in the prefix act as wildcards. */
const UNESCAPED_LIKE: QueryFolder<Predicate> = {
  ...PREDICATE_FOLDER,
  startsWith: ({ attribute, negated, prefix }) => {
    const source = [...prefix].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    const like = new RegExp(`^${source}`, 'su');
    return (r) => {
      const h = held(r, attribute);
      return h.kind === 'scalar' && like.test(String(h.value)) !== negated;
    };
  },
};

/** Applies the query to the first page only: follow-up pages are read unfiltered. */
class QueryOnFirstPageOnlyVisibilityStore extends MemoryVisibilityStore {
  override async listWorkflowExecutions(request: ListWorkflowExecutionsRequest): Promise<Page<VisibilityRecord>> {
    if (request.nextPageToken === undefined) return super.listWorkflowExecutions(request);
    const { query: _dropped, ...unfiltered } = request.filter ?? {};
    return super.listWorkflowExecutions({ ...request, filter: unfiltered });
  }
}

function withShards(build: (shards: MemoryShardStore) => Partial<PersistenceStores>, shards = new MemoryShardStore()): PersistenceStores {
  const base = openMemoryStores();
  return { ...base, shards, executions: new MemoryExecutionStore(shards), ...build(shards) };
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'shard update without the rangeId condition',
    caughtBy: ['shard: update with a stale previousRangeId fails with ShardOwnershipLost and changes nothing'],
    open: () => withShards(() => ({}), new UnfencedShardStore()),
  },
  {
    name: 'namespace create without the unique name',
    caughtBy: ['namespace: a duplicate name fails with AlreadyExists and keeps the first namespace'],
    open: () => ({ ...openMemoryStores(), namespaces: new DuplicateNameNamespaceStore() }),
  },
  {
    name: 'execution update without the db record version condition',
    caughtBy: ['execution update: a stale dbRecordVersion fails with WorkflowConditionFailed and writes nothing'],
    open: () => withShards((shards) => ({ executions: new UnversionedExecutionStore(shards) })),
  },
  {
    name: 'task creation without the queue lease',
    caughtBy: ['task queue: createTasks with a stale rangeId fails with ConditionFailed and writes no task'],
    open: () => ({ ...openMemoryStores(), taskQueues: new UnleasedTaskQueueStore() }),
  },
  {
    name: 'visibility list ordered by start time only',
    caughtBy: ['visibility: list orders open runs first, then start time newest first, then run id; paging keeps that order'],
    open: () => ({ ...openMemoryStores(), visibility: new StartTimeOnlyVisibilityStore() }),
  },
  {
    name: 'visibility query with != and NOT IN as the complement of = and IN',
    caughtBy: ["visibility query: Keyword: CustomKeywordField != 'apple' lists b, c, d", "visibility query: != needs the attribute while NOT = does not"],
    open: () => ({ ...openMemoryStores(), visibility: new MisreadQueryVisibilityStore(NEGATION_AS_COMPLEMENT) }),
  },
  {
    name: 'visibility query comparing datetimes at millisecond precision',
    caughtBy: [`visibility query: Datetime: CustomDatetimeField = ${datetime(T0 + 1)} lists b`, 'visibility query: Datetime comparisons keep microseconds at both ends of a range'],
    open: () => ({ ...openMemoryStores(), visibility: new MisreadQueryVisibilityStore(MILLISECOND_DATETIMES) }),
  },
  {
    name: 'visibility query STARTS_WITH as an unescaped LIKE',
    caughtBy: ['visibility query injection: % and _ in STARTS_WITH are literal, not wildcards'],
    open: () => ({ ...openMemoryStores(), visibility: new MisreadQueryVisibilityStore(UNESCAPED_LIKE) }),
  },
  {
    name: 'visibility list applying the query to the first page only',
    caughtBy: ['visibility query: paging a query over several pages keeps the list order with no run lost or repeated'],
    open: () => ({ ...openMemoryStores(), visibility: new QueryOnFirstPageOnlyVisibilityStore() }),
  },
];
