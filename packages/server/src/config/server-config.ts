import type { LogFormat, LogLevel } from '../util/logger.js';

/** TLS toward a database or search server, with the PEM files already read. */
export interface TlsConfig {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly serverName?: string;
  /** False only when `disableHostVerification: true`. */
  readonly rejectUnauthorized: boolean;
}

export interface SqliteStoreConfig {
  readonly kind: 'sqlite';
  readonly filename: string;
}

export interface SqlServerStoreConfig {
  readonly kind: 'postgres' | 'mysql';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly pool: { readonly max?: number; readonly idleTimeoutMs?: number; readonly connectTimeoutMs?: number };
  readonly tls?: TlsConfig;
}

export type SqlStoreConfig = SqliteStoreConfig | SqlServerStoreConfig;

export const CASSANDRA_CONSISTENCIES = ['ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
export const CASSANDRA_SERIAL_CONSISTENCIES = ['SERIAL', 'LOCAL_SERIAL'] as const;

export interface CassandraStoreConfig {
  readonly kind: 'cassandra';
  readonly hosts: readonly string[];
  readonly port?: number;
  readonly keyspace: string;
  readonly datacenter: string;
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly tls?: TlsConfig;
  readonly consistency?: (typeof CASSANDRA_CONSISTENCIES)[number];
  readonly serialConsistency?: (typeof CASSANDRA_SERIAL_CONSISTENCIES)[number];
}

export interface ElasticsearchStoreConfig {
  readonly kind: 'elasticsearch';
  readonly url: string;
  readonly index: string;
  readonly credentials?: { readonly username: string; readonly password: string };
}

export type MainStoreConfig = SqlStoreConfig | CassandraStoreConfig;
export type VisibilityStoreConfig = SqlStoreConfig | ElasticsearchStoreConfig;

/** A validated `hourglass server start --config` file, secrets resolved. */
export interface ServerConfig {
  readonly persistence: {
    readonly numHistoryShards: number;
    readonly main: MainStoreConfig;
    /** Absent: visibility lives in the main SQL database. */
    readonly visibility?: VisibilityStoreConfig;
    /** Create or update the schemas at start instead of refusing an old one; for development. */
    readonly autoSetupSchema: boolean;
  };
  readonly frontend: { readonly ip: string; readonly port: number; readonly maxPayloadBytes: number };
  readonly log: { readonly format: LogFormat; readonly level: LogLevel };
  /** Created at start when missing. */
  readonly namespaces: readonly string[];
}

export const DEFAULT_FRONTEND = { ip: '127.0.0.1', port: 7233, maxPayloadBytes: 2 * 1024 * 1024 } as const;
