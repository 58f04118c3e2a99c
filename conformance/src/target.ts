import type { PersistenceStores, VisibilityStore } from '@hourglass/core';

/**
 * The database a target speaks to; MariaDB stands in for the MySQL protocol but is always named
 * as itself. 'reference' is the in-memory model of the suite's self-test, never a matrix cell.
 */
export type TargetFamily = 'sqlite' | 'postgres' | 'mysql' | 'mariadb' | 'cassandra' | 'elasticsearch' | 'opensearch' | 'reference';

export type TargetProvider = 'embedded' | 'local-server' | 'testcontainers';

export interface TargetCapabilities {
  /** Cluster metadata, namespaces, shards, executions, history and task queues. */
  readonly coreStores: boolean;
  readonly visibility: boolean;
}

export interface OpenedTarget {
  /** Absent for visibility-only targets (Elasticsearch, OpenSearch). */
  readonly stores?: PersistenceStores;
  readonly visibility?: VisibilityStore;
  /** The version the server itself reported once connected. */
  readonly serverVersion: string;
  teardown(): Promise<void>;
}

export interface Target {
  readonly name: string;
  readonly family: TargetFamily;
  /** The version the matrix asks for; the opened target reports the real one. */
  readonly serverVersion?: string;
  readonly provider: TargetProvider;
  readonly capabilities: TargetCapabilities;
  open(): Promise<OpenedTarget>;
}

/**
 * The target cannot be reached in this environment (server not started, no container runtime,
 * store package not implemented yet). Such a cell is reported as not-run, never as passed or failed.
 */
export class TargetUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetUnavailableError';
  }
}
