import { isIP } from 'node:net';
import { isLogLevel } from '../util/logger.js';
import type { ConfigProblem } from './problems.js';
import { ConfigReader } from './reader.js';
import { CASSANDRA_CONSISTENCIES, CASSANDRA_SERIAL_CONSISTENCIES, DEFAULT_FRONTEND } from './server-config.js';
import type {
  CassandraStoreConfig,
  ElasticsearchStoreConfig,
  MainStoreConfig,
  ServerConfig,
  SqlStoreConfig,
  TlsConfig,
  VisibilityStoreConfig,
} from './server-config.js';

/** Where secrets and certificate files come from; injected so tests need no real files or variables. */
export interface ConfigEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file as UTF-8 text; throws when it cannot. */
  readFile(path: string): string;
}

const MAIN_KINDS = ['sqlite', 'postgres', 'mysql', 'cassandra'] as const;
const VISIBILITY_KINDS = ['sqlite', 'postgres', 'mysql', 'elasticsearch'] as const;
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/**
 * Validates a parsed config document. Returns the config, or every problem found (each with its
 * YAML path) when there is at least one; unknown keys are problems too.
 */
export function parseServerConfig(document: unknown, environment: ConfigEnvironment): { config?: ServerConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const root = ConfigReader.root(document, problems);
  if (!root) return { problems };
  root.allowOnly(['persistence', 'frontend', 'log', 'namespaces']);

  const persistence = root.child('persistence', true);
  persistence?.allowOnly(['numHistoryShards', 'main', 'visibility', 'autoSetupSchema']);
  const numHistoryShards = persistence?.integer('numHistoryShards', 1, 16_384, true);
  const autoSetupSchema = persistence?.boolean('autoSetupSchema') ?? false;
  const main = persistence ? readMain(persistence, environment) : undefined;
  const visibility = persistence ? readVisibility(persistence, environment) : undefined;
  if (main?.kind === 'cassandra' && persistence && !persistence.has('visibility')) {
    persistence.report('visibility', 'is required with a cassandra main store (Cassandra has no visibility store): configure elasticsearch or an SQL database');
  }

  const frontend = root.child('frontend');
  frontend?.allowOnly(['ip', 'port', 'maxPayloadBytes']);
  const ip = frontend?.string('ip');
  if (ip !== undefined && isIP(ip) === 0 && ip !== 'localhost') frontend?.report('ip', `must be an IP address, got ${JSON.stringify(ip)}`);
  const port = frontend?.integer('port', 0, 65_535);
  const maxPayloadBytes = frontend?.integer('maxPayloadBytes', 1, 128 * 1024 * 1024);

  const log = root.child('log');
  log?.allowOnly(['format', 'level']);
  const format = log?.oneOf('format', ['json', 'pretty'] as const) ?? 'json';
  const levelName = log?.oneOf('level', ['debug', 'info', 'warn', 'error'] as const) ?? 'info';

  const namespaces = root.stringList('namespaces') ?? ['default'];
  for (const [i, name] of namespaces.entries()) {
    if (!NAMESPACE_NAME.test(name)) root.report(`namespaces[${i}]`, `is not a valid namespace name: ${JSON.stringify(name)}`);
  }

  if (problems.length > 0 || main === undefined || numHistoryShards === undefined || !isLogLevel(levelName)) return { problems };
  return {
    problems,
    config: {
      persistence: { numHistoryShards, main, ...(visibility ? { visibility } : {}), autoSetupSchema },
      frontend: {
        ip: ip ?? DEFAULT_FRONTEND.ip,
        port: port ?? DEFAULT_FRONTEND.port,
        maxPayloadBytes: maxPayloadBytes ?? DEFAULT_FRONTEND.maxPayloadBytes,
      },
      log: { format, level: levelName },
      namespaces: [...new Set(namespaces)],
    },
  };
}

/** The single store kind under `key` (e.g. `main: {postgres: {...}}`), or undefined after reporting why not. */
function storeKind<K extends string>(parent: ConfigReader, key: string, kinds: readonly K[], required: boolean): { kind: K; reader: ConfigReader } | undefined {
  const section = parent.child(key, required);
  if (!section) return undefined;
  section.allowOnly(kinds);
  const present = kinds.filter((kind) => section.keys().includes(kind));
  if (present.length !== 1) {
    section.report(undefined, present.length === 0 ? `must configure one store: ${kinds.join(', ')}` : `must configure exactly one store, got ${present.join(' and ')}`);
    return undefined;
  }
  const kind = present[0]!;
  const reader = section.child(kind, true);
  return reader ? { kind, reader } : undefined;
}

function readMain(persistence: ConfigReader, environment: ConfigEnvironment): MainStoreConfig | undefined {
  const found = storeKind(persistence, 'main', MAIN_KINDS, true);
  if (!found) return undefined;
  if (found.kind === 'cassandra') return readCassandra(found.reader, environment);
  return readSql(found.kind, found.reader, environment);
}

function readVisibility(persistence: ConfigReader, environment: ConfigEnvironment): VisibilityStoreConfig | undefined {
  const found = storeKind(persistence, 'visibility', VISIBILITY_KINDS, false);
  if (!found) return undefined;
  if (found.kind === 'elasticsearch') return readElasticsearch(found.reader, environment);
  return readSql(found.kind, found.reader, environment);
}

function readSql(kind: 'sqlite' | 'postgres' | 'mysql', reader: ConfigReader, environment: ConfigEnvironment): SqlStoreConfig | undefined {
  if (kind === 'sqlite') {
    reader.allowOnly(['filename']);
    const filename = reader.string('filename', true);
    return filename === undefined ? undefined : { kind, filename };
  }
  reader.allowOnly(['host', 'port', 'user', ...PASSWORD_KEYS, 'database', 'pool', 'tls']);
  const host = reader.string('host', true);
  const port = reader.port('port', true);
  const user = reader.string('user', true);
  const password = readPassword(reader, environment);
  const database = reader.string('database', true);
  const pool = reader.child('pool');
  pool?.allowOnly(['max', 'idleTimeoutMs', 'connectTimeoutMs']);
  const max = pool?.integer('max', 1, 10_000);
  const idleTimeoutMs = pool?.integer('idleTimeoutMs', 1, 86_400_000);
  const connectTimeoutMs = pool?.integer('connectTimeoutMs', 1, 3_600_000);
  const tls = readTls(reader, environment);
  if (host === undefined || port === undefined || user === undefined || database === undefined || password === INVALID || tls === INVALID) return undefined;
  return {
    kind,
    host,
    port,
    user,
    ...(password === undefined ? {} : { password }),
    database,
    pool: { ...(max === undefined ? {} : { max }), ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }), ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) },
    ...(tls === undefined ? {} : { tls }),
  };
}

function readCassandra(reader: ConfigReader, environment: ConfigEnvironment): CassandraStoreConfig | undefined {
  reader.allowOnly(['hosts', 'port', 'keyspace', 'datacenter', 'user', ...PASSWORD_KEYS, 'tls', 'consistency', 'serialConsistency']);
  const hosts = reader.stringList('hosts', true);
  const port = reader.port('port');
  const keyspace = reader.string('keyspace', true);
  if (keyspace !== undefined && !/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(keyspace)) {
    reader.report('keyspace', `must be an unquoted Cassandra identifier (a letter, then letters, digits or _; at most 48), got ${JSON.stringify(keyspace)}`);
  }
  const datacenter = reader.string('datacenter', true);
  const credentials = readCredentials(reader, environment);
  const tls = readTls(reader, environment);
  const consistency = reader.oneOf('consistency', CASSANDRA_CONSISTENCIES);
  const serialConsistency = reader.oneOf('serialConsistency', CASSANDRA_SERIAL_CONSISTENCIES);
  if (hosts === undefined || keyspace === undefined || datacenter === undefined || credentials === INVALID || tls === INVALID) return undefined;
  return {
    kind: 'cassandra',
    hosts,
    ...(port === undefined ? {} : { port }),
    keyspace,
    datacenter,
    ...(credentials === undefined ? {} : { credentials }),
    ...(tls === undefined ? {} : { tls }),
    ...(consistency === undefined ? {} : { consistency }),
    ...(serialConsistency === undefined ? {} : { serialConsistency }),
  };
}

function readElasticsearch(reader: ConfigReader, environment: ConfigEnvironment): ElasticsearchStoreConfig | undefined {
  reader.allowOnly(['url', 'index', 'user', ...PASSWORD_KEYS]);
  const url = reader.string('url', true);
  if (url !== undefined && !isHttpUrl(url)) reader.report('url', `must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
  const index = reader.string('index', true);
  const credentials = readCredentials(reader, environment);
  if (url === undefined || !isHttpUrl(url) || index === undefined || credentials === INVALID) return undefined;
  return { kind: 'elasticsearch', url, index, ...(credentials === undefined ? {} : { credentials }) };
}

/** Marks a section that had problems (already reported), as opposed to one that is simply absent. */
const INVALID = Symbol('invalid');
const PASSWORD_KEYS = ['password', 'passwordFile', 'passwordEnv'] as const;

/**
 * The password from exactly one of `password` (inline), `passwordFile` (a file's content, one
 * trailing newline dropped) or `passwordEnv` (an environment variable's name), so secrets need
 * not sit in the config file.
 */
function readPassword(reader: ConfigReader, environment: ConfigEnvironment): string | undefined | typeof INVALID {
  const given = PASSWORD_KEYS.filter((key) => reader.has(key));
  if (given.length > 1) {
    reader.report(given[1], `conflicts with ${given[0]}: give the password one way only`);
    return INVALID;
  }
  if (reader.has('password')) {
    return reader.string('password') ?? INVALID;
  }
  if (reader.has('passwordFile')) {
    const file = reader.string('passwordFile');
    if (file === undefined) return INVALID;
    try {
      return environment.readFile(file).replace(/\r?\n$/, '');
    } catch (err) {
      reader.report('passwordFile', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return INVALID;
    }
  }
  if (reader.has('passwordEnv')) {
    const name = reader.string('passwordEnv');
    if (name === undefined) return INVALID;
    const value = environment.env[name];
    if (value === undefined) {
      reader.report('passwordEnv', `environment variable ${name} is not set`);
      return INVALID;
    }
    return value;
  }
  return undefined;
}

function readCredentials(reader: ConfigReader, environment: ConfigEnvironment): { username: string; password: string } | undefined | typeof INVALID {
  const username = reader.has('user') ? reader.string('user') : undefined;
  const password = readPassword(reader, environment);
  if ((reader.has('user') && username === undefined) || password === INVALID) return INVALID;
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined) {
    reader.report('user', 'is required when a password is given');
    return INVALID;
  }
  if (password === undefined) {
    reader.report(undefined, `user ${JSON.stringify(username)} needs one of password, passwordFile or passwordEnv`);
    return INVALID;
  }
  return { username, password };
}

/** `tls: {caFile, certFile, keyFile, serverName, disableHostVerification}`, files read now so a bad path fails at start. */
function readTls(parent: ConfigReader, environment: ConfigEnvironment): TlsConfig | undefined | typeof INVALID {
  if (!parent.has('tls')) return undefined;
  const tls = parent.child('tls');
  if (!tls) return INVALID;
  const before = tls.problemCount();
  tls.allowOnly(['caFile', 'certFile', 'keyFile', 'serverName', 'disableHostVerification']);
  const read = (key: 'caFile' | 'certFile' | 'keyFile'): string | undefined => {
    const file = tls.string(key);
    if (file === undefined) return undefined;
    try {
      return environment.readFile(file);
    } catch (err) {
      tls.report(key, `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const ca = read('caFile');
  const cert = read('certFile');
  const key = read('keyFile');
  if (tls.has('certFile') !== tls.has('keyFile')) tls.report(tls.has('certFile') ? 'keyFile' : 'certFile', 'is required with ' + (tls.has('certFile') ? 'certFile' : 'keyFile'));
  const serverName = tls.string('serverName');
  const disableHostVerification = tls.boolean('disableHostVerification') ?? false;
  if (tls.problemCount() > before) return INVALID;
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(serverName === undefined ? {} : { serverName }),
    rejectUnauthorized: !disableHostVerification,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
