import { existsSync, readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import cassandra from 'cassandra-driver';
import type { OptionSpec, OptionValues } from '../cli/options.js';
import { SchemaToolError, describeCause } from '../errors.js';

export const CASSANDRA_CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { name: 'endpoint', type: 'string', env: 'CASSANDRA_HOST', valueName: 'hosts', description: 'comma-separated contact points', default: '127.0.0.1' },
  { name: 'port', type: 'string', env: 'CASSANDRA_PORT', valueName: 'port', description: 'native protocol port', default: '9042' },
  { name: 'datacenter', type: 'string', env: 'CASSANDRA_DATACENTER', valueName: 'name', description: 'local datacenter of the driver (and of NetworkTopologyStrategy keyspaces)', default: 'datacenter1' },
  { name: 'keyspace', type: 'string', env: 'CASSANDRA_KEYSPACE', valueName: 'name', description: 'keyspace holding the store' },
  { name: 'user', type: 'string', env: 'CASSANDRA_USER', valueName: 'name', description: 'user name (PasswordAuthenticator)' },
  { name: 'password', type: 'string', env: 'CASSANDRA_PASSWORD', valueName: 'secret', description: 'password (prefer the env variable)' },
  { name: 'replication-factor', type: 'string', env: 'CASSANDRA_REPLICATION_FACTOR', valueName: 'n', description: 'create-database: replicas per datacenter', default: '1' },
  { name: 'tls', type: 'boolean', env: 'CASSANDRA_TLS', description: 'connect with TLS' },
  { name: 'tls-ca-file', type: 'string', env: 'CASSANDRA_TLS_CA_FILE', valueName: 'path', description: 'CA certificate(s) to trust' },
  { name: 'tls-cert-file', type: 'string', env: 'CASSANDRA_TLS_CERT_FILE', valueName: 'path', description: 'client certificate' },
  { name: 'tls-key-file', type: 'string', env: 'CASSANDRA_TLS_KEY_FILE', valueName: 'path', description: 'client private key' },
  { name: 'tls-server-name', type: 'string', env: 'CASSANDRA_TLS_SERVER_NAME', valueName: 'name', description: 'server name expected in its certificate' },
  { name: 'tls-disable-host-verification', type: 'boolean', env: 'CASSANDRA_TLS_DISABLE_HOST_VERIFICATION', description: 'do not verify the server certificate' },
];

export interface CassandraTarget {
  readonly contactPoints: readonly string[];
  readonly port: number;
  readonly datacenter: string;
  readonly keyspace: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly replicationFactor: number;
  readonly tls: TlsConnectionOptions | undefined;
}

const KEYSPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

export function cassandraTargetFrom(options: OptionValues): CassandraTarget {
  const text = (name: string): string | undefined => {
    const value = options[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const port = Number(text('port') ?? '9042');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new SchemaToolError(`--port must be a TCP port number, got "${text('port')}"`);
  const replicationFactor = Number(text('replication-factor') ?? '1');
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    throw new SchemaToolError(`--replication-factor must be a positive integer, got "${text('replication-factor')}"`);
  }
  const keyspace = text('keyspace');
  if (keyspace !== undefined) requireKeyspaceName(keyspace);
  return {
    contactPoints: (text('endpoint') ?? '127.0.0.1').split(',').map((h) => h.trim()).filter((h) => h !== ''),
    port,
    datacenter: text('datacenter') ?? 'datacenter1',
    keyspace,
    user: text('user'),
    password: text('password'),
    replicationFactor,
    tls: options['tls'] === true ? tlsOptions(options, text) : undefined,
  };
}

/** Keyspace names are spliced into DDL, so only Cassandra's unquoted-identifier form is accepted. */
export function requireKeyspaceName(keyspace: string): string {
  if (!KEYSPACE_NAME.test(keyspace)) {
    throw new SchemaToolError(`keyspace "${keyspace}" must start with a letter and hold at most 48 letters, digits or underscores`);
  }
  return keyspace;
}

export function requireKeyspace(target: CassandraTarget): string {
  if (target.keyspace === undefined) throw new SchemaToolError('--keyspace (or CASSANDRA_KEYSPACE) is required');
  return target.keyspace;
}

function tlsOptions(options: OptionValues, text: (name: string) => string | undefined): TlsConnectionOptions {
  const read = (flag: string): string | undefined => {
    const path = text(flag);
    if (path === undefined) return undefined;
    if (!existsSync(path)) throw new SchemaToolError(`--${flag}: file not found: ${path}`);
    return readFileSync(path, 'utf8');
  };
  const tls: TlsConnectionOptions = { rejectUnauthorized: options['tls-disable-host-verification'] !== true };
  const ca = read('tls-ca-file');
  const cert = read('tls-cert-file');
  const key = read('tls-key-file');
  const servername = text('tls-server-name');
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (servername !== undefined) tls.servername = servername;
  return tls;
}

/** Connects without a keyspace when `keyspace` is undefined (for create/drop). */
export async function connectCassandra(target: CassandraTarget, keyspace: string | undefined): Promise<cassandra.Client> {
  const client = new cassandra.Client({
    contactPoints: [...target.contactPoints],
    protocolOptions: { port: target.port },
    localDataCenter: target.datacenter,
    ...(keyspace === undefined ? {} : { keyspace }),
    ...(target.user === undefined ? {} : { credentials: { username: target.user, password: target.password ?? '' } }),
    ...(target.tls === undefined ? {} : { sslOptions: target.tls }),
    socketOptions: { connectTimeout: 10_000, readTimeout: 60_000 },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, serialConsistency: cassandra.types.consistencies.localSerial },
  });
  try {
    await client.connect();
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    const where = `${target.contactPoints.join(',')}:${target.port}${keyspace === undefined ? '' : ` keyspace ${keyspace}`}`;
    throw new SchemaToolError(`cannot connect to cassandra at ${where}: ${describeCause(err)}`, { cause: err });
  }
  return client;
}

/** The flags that reach the same cluster and keyspace again, for the fix command in error messages. */
export function connectionFlags(target: { readonly contactPoints: readonly string[]; readonly port: number; readonly datacenter: string }, keyspace: string): string {
  return `--endpoint ${target.contactPoints.join(',')} --port ${target.port} --datacenter ${target.datacenter} --keyspace ${keyspace}`;
}
