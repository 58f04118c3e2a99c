export type * from './cluster-metadata.js';
export type * from './namespace.js';
export type * from './shard.js';
export type * from './execution.js';
export type * from './history.js';
export type * from './task-queue.js';
export type * from './visibility.js';
import type { ClusterMetadataStore } from './cluster-metadata.js';
import type { NamespaceStore } from './namespace.js';
import type { ShardStore } from './shard.js';
import type { ExecutionStore } from './execution.js';
import type { HistoryStore } from './history.js';
import type { TaskQueueStore } from './task-queue.js';
import type { VisibilityStore } from './visibility.js';

/** Everything one persistence backend provides. Visibility may live elsewhere (e.g. Elasticsearch). */
export interface PersistenceStores {
  readonly clusterMetadata: ClusterMetadataStore;
  readonly namespaces: NamespaceStore;
  readonly shards: ShardStore;
  readonly executions: ExecutionStore;
  readonly history: HistoryStore;
  readonly taskQueues: TaskQueueStore;
  readonly visibility?: VisibilityStore;
  close(): Promise<void>;
}
