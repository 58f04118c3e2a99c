import type {
  CreateNamespaceRequest,
  CreateTasksRequest,
  ListWorkflowExecutionsRequest,
  NamespaceRecord,
  Page,
  PersistenceStores,
  UpdateShardRequest,
  UpdateWorkflowExecutionRequest,
  VisibilityRecord,
} from '@hourglass/core';
import { openMemoryStores } from '../../src/reference/index.js';
import { MemoryExecutionStore } from '../../src/reference/executions.js';
import { MemoryNamespaceStore } from '../../src/reference/namespaces.js';
import { MemoryShardStore } from '../../src/reference/shards.js';
import { MemoryTaskQueueStore } from '../../src/reference/task-queues.js';
import { MemoryVisibilityStore } from '../../src/reference/visibility.js';

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
      mutation: { ...request.mutation, expectedDbRecordVersion: stored.row.dbRecordVersion },
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
    let token: string | undefined;
    do {
      const page = await super.listWorkflowExecutions({ ...request, pageSize: 1000, nextPageToken: token });
      all.push(...page.items);
      token = page.nextPageToken;
    } while (token !== undefined);
    all.sort((a, b) => b.startTime - a.startTime || a.runId.localeCompare(b.runId));
    return { items: all.slice(0, request.pageSize), nextPageToken: undefined };
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
];
