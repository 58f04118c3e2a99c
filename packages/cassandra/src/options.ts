import cassandra from 'cassandra-driver';
import { InvalidPersistenceRequestError } from '@hourglass/core';

export type ConsistencyName = 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'LOCAL_ONE';
export type SerialConsistencyName = 'SERIAL' | 'LOCAL_SERIAL';

export interface CassandraTlsOptions {
  /** PEM text of the CA certificate(s) to trust. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly serverName?: string;
  /** Defaults to true; turn off only for tests against self-signed nodes. */
  readonly rejectUnauthorized?: boolean;
}

export interface CassandraStoreOptions {
  readonly contactPoints: readonly string[];
  /** Native protocol port; 9042 when omitted. */
  readonly port?: number;
  readonly localDataCenter: string;
  /** Must exist already (schema-tool create-database --db cassandra creates it). */
  readonly keyspace: string;
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly tls?: CassandraTlsOptions;
  /** Client-side limit for one request; the driver's default is 12 s. */
  readonly requestTimeoutMs?: number;
  /** Defaults to LOCAL_QUORUM. */
  readonly consistency?: ConsistencyName;
  /** Consistency of lightweight transactions and linearizable reads; defaults to LOCAL_SERIAL. */
  readonly serialConsistency?: SerialConsistencyName;
  /** Bring the keyspace's schema to the newest packaged version before opening. */
  readonly setupSchema?: boolean;
  /** A directory of vX.Y/ schema versions instead of the packaged one. */
  readonly schemaDir?: string;
}

const CONSISTENCIES: Readonly<Record<ConsistencyName | SerialConsistencyName, number>> = {
  ONE: cassandra.types.consistencies.one,
  TWO: cassandra.types.consistencies.two,
  THREE: cassandra.types.consistencies.three,
  QUORUM: cassandra.types.consistencies.quorum,
  ALL: cassandra.types.consistencies.all,
  LOCAL_QUORUM: cassandra.types.consistencies.localQuorum,
  EACH_QUORUM: cassandra.types.consistencies.eachQuorum,
  LOCAL_ONE: cassandra.types.consistencies.localOne,
  SERIAL: cassandra.types.consistencies.serial,
  LOCAL_SERIAL: cassandra.types.consistencies.localSerial,
};

export interface ConsistencyLevels {
  readonly consistency: number;
  readonly serialConsistency: number;
}

export function consistencyLevels(options: CassandraStoreOptions): ConsistencyLevels {
  const consistency = options.consistency ?? 'LOCAL_QUORUM';
  const serial = options.serialConsistency ?? 'LOCAL_SERIAL';
  const serialOnly: readonly string[] = ['SERIAL', 'LOCAL_SERIAL'];
  if (!(consistency in CONSISTENCIES) || serialOnly.includes(consistency)) {
    throw new InvalidPersistenceRequestError(`consistency must be one of ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE; got ${String(consistency)}`);
  }
  if (serial !== 'SERIAL' && serial !== 'LOCAL_SERIAL') {
    throw new InvalidPersistenceRequestError(`serialConsistency must be SERIAL or LOCAL_SERIAL; got ${String(serial)}`);
  }
  return { consistency: CONSISTENCIES[consistency], serialConsistency: CONSISTENCIES[serial] };
}

export function validateOptions(options: CassandraStoreOptions): void {
  if (!Array.isArray(options.contactPoints) || options.contactPoints.length === 0 || !options.contactPoints.every((h) => typeof h === 'string' && h !== '')) {
    throw new InvalidPersistenceRequestError('contactPoints must be a non-empty list of host names');
  }
  if (typeof options.localDataCenter !== 'string' || options.localDataCenter === '') {
    throw new InvalidPersistenceRequestError('localDataCenter must be a non-empty string');
  }
  if (typeof options.keyspace !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(options.keyspace)) {
    throw new InvalidPersistenceRequestError(`keyspace must be an unquoted Cassandra identifier; got ${String(options.keyspace)}`);
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535)) {
    throw new InvalidPersistenceRequestError(`port must be a TCP port number; got ${String(options.port)}`);
  }
  if (options.requestTimeoutMs !== undefined && (!Number.isInteger(options.requestTimeoutMs) || options.requestTimeoutMs <= 0)) {
    throw new InvalidPersistenceRequestError(`requestTimeoutMs must be a positive integer; got ${String(options.requestTimeoutMs)}`);
  }
}

export function clientOptions(options: CassandraStoreOptions, levels: ConsistencyLevels): cassandra.DseClientOptions {
  const tls = options.tls;
  return {
    contactPoints: [...options.contactPoints],
    protocolOptions: { port: options.port ?? 9042 },
    localDataCenter: options.localDataCenter,
    keyspace: options.keyspace,
    ...(options.credentials === undefined ? {} : { credentials: { username: options.credentials.username, password: options.credentials.password } }),
    ...(tls === undefined
      ? {}
      : {
          sslOptions: {
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert }),
            ...(tls.key === undefined ? {} : { key: tls.key }),
            ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
          },
        }),
    socketOptions: { readTimeout: options.requestTimeoutMs ?? 12_000 },
    queryOptions: { consistency: levels.consistency, serialConsistency: levels.serialConsistency, prepare: true },
    // Collections come back as ES Maps/Sets, so bigint map keys stay typed instead of turning into strings.
    encoding: { map: Map, set: Set },
  };
}
