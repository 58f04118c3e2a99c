import type { PersistenceStores, VisibilityStore } from '@hourglass/core';
import { TargetUnavailableError } from './target.js';

/**
 * The store packages are written in parallel with this suite, so their entry points are loaded
 * by name at run time: a package that does not export its opener yet makes its cells not-run
 * (with that reason) instead of breaking the build of the suite.
 */

export type SqlStoreOptions =
  | { readonly dialect: 'sqlite'; readonly filename: string }
  | {
      readonly dialect: 'postgres' | 'mysql';
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password?: string;
      readonly database: string;
    };

export type OpenSqlStores = (
  options: SqlStoreOptions & { readonly setupSchema?: boolean },
) => Promise<PersistenceStores & { readonly dialect: string; readonly serverVersion: string }>;

export interface CassandraStoreOptions {
  readonly contactPoints: readonly string[];
  readonly port: number;
  readonly localDataCenter: string;
  readonly keyspace: string;
  readonly setupSchema?: boolean;
}

export type OpenCassandraStores = (
  options: CassandraStoreOptions,
) => Promise<PersistenceStores & { readonly serverVersion?: string }>;

export interface ElasticsearchVisibilityOptions {
  readonly url: string;
  readonly index: string;
  readonly setupSchema?: boolean;
  /** Writes wait for the index refresh, so the suite's list/count right after a write see it. */
  readonly refreshOnWrite?: boolean;
}

export type OpenElasticsearchVisibilityStore = (
  options: ElasticsearchVisibilityOptions,
) => Promise<VisibilityStore & { readonly close?: () => Promise<void>; readonly serverVersion?: string }>;

async function loadExport<F>(packageName: string, exportName: string): Promise<F> {
  let module: Record<string, unknown>;
  try {
    module = (await import(packageName)) as Record<string, unknown>;
  } catch (err) {
    throw new TargetUnavailableError(`${packageName} cannot be loaded (is it built?): ${String(err)}`, { cause: err });
  }
  const fn = module[exportName];
  if (typeof fn !== 'function') {
    throw new TargetUnavailableError(`${packageName} does not export ${exportName} yet`);
  }
  return fn as F;
}

export function loadOpenSqlStores(): Promise<OpenSqlStores> {
  return loadExport<OpenSqlStores>('@hourglass/sql', 'openSqlStores');
}

export function loadOpenCassandraStores(): Promise<OpenCassandraStores> {
  return loadExport<OpenCassandraStores>('@hourglass/cassandra', 'openCassandraStores');
}

export function loadOpenElasticsearchVisibilityStore(): Promise<OpenElasticsearchVisibilityStore> {
  return loadExport<OpenElasticsearchVisibilityStore>('@hourglass/elasticsearch', 'openElasticsearchVisibilityStore');
}
