import type { PersistenceStores } from '@hourglass/core';
import { MemoryClusterMetadataStore } from './cluster-metadata.js';
import { MemoryExecutionStore } from './executions.js';
import { MemoryHistoryStore } from './history.js';
import { MemoryNamespaceStore } from './namespaces.js';
import { MemoryShardStore } from './shards.js';
import { MemoryTaskQueueStore } from './task-queues.js';
import { MemoryVisibilityStore } from './visibility.js';

/**
 * A plain in-memory reading of the store contracts. It is not a matrix target: the suite's
 * self-test runs against it to show every case is satisfiable by a correct store, and
 * deliberately broken variants of it show the cases catch the bugs they are meant to catch.
 */
export function openMemoryStores(): PersistenceStores {
  const shards = new MemoryShardStore();
  return {
    clusterMetadata: new MemoryClusterMetadataStore(),
    namespaces: new MemoryNamespaceStore(),
    shards,
    executions: new MemoryExecutionStore(shards),
    history: new MemoryHistoryStore(),
    taskQueues: new MemoryTaskQueueStore(),
    visibility: new MemoryVisibilityStore(),
    close: async () => undefined,
  };
}
