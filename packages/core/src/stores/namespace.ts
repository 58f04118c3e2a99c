import type { DataBlob } from '../blob.js';
import type { Page, PageRequest } from '../page-token.js';

export interface NamespaceRecord {
  readonly id: string;
  readonly name: string;
  /** Namespace info, config and replication config, encoded by core. */
  readonly data: DataBlob;
  readonly isGlobal: boolean;
  /** The metadata notification version at the namespace's last write. */
  readonly notificationVersion: number;
}

export interface CreateNamespaceRequest {
  readonly id: string;
  readonly name: string;
  readonly data: DataBlob;
  readonly isGlobal: boolean;
}

export interface UpdateNamespaceRequest {
  readonly id: string;
  readonly data: DataBlob;
  readonly isGlobal: boolean;
  /** Must equal the current metadata notification version (compare-and-set). */
  readonly notificationVersion: number;
}

export type GetNamespaceRequest = { readonly id: string; readonly name?: never } | { readonly name: string; readonly id?: never };

export interface NamespaceStore {
  /**
   * AlreadyExistsError when the name or the id is taken. Creating bumps the metadata
   * notification version, so watchers see the new namespace.
   */
  createNamespace(request: CreateNamespaceRequest): Promise<NamespaceRecord>;
  /** NotFoundError when absent. */
  getNamespace(request: GetNamespaceRequest): Promise<NamespaceRecord>;
  /**
   * ConditionFailedError when `notificationVersion` is not the current metadata version;
   * NotFoundError when the namespace does not exist. Bumps the metadata version by one.
   */
  updateNamespace(request: UpdateNamespaceRequest): Promise<NamespaceRecord>;
  listNamespaces(request: PageRequest): Promise<Page<NamespaceRecord>>;
  /** Idempotent: deleting an absent namespace succeeds. */
  deleteNamespace(id: string): Promise<void>;
  deleteNamespaceByName(name: string): Promise<void>;
  getMetadata(): Promise<{ readonly notificationVersion: number }>;
}
