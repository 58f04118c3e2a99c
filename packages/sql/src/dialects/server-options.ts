import { InvalidPersistenceRequestError, TimeoutError, UnavailableError } from '@hourglass/core';
import type { SqlServerConnectionOptions } from './dialect.js';
import type { DriverErrorKind } from './dialect.js';
import { errorCode, errorMessage } from './dialect.js';

/** TLS settings shared by the PostgreSQL and MySQL/MariaDB dialects (PEM text or buffers). */
export interface ServerTlsOptions {
  /** CA certificate(s) to trust instead of Node's default store. */
  readonly ca?: string | Buffer;
  /** Client certificate and key, for servers that require certificate authentication. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Host name expected in the server certificate when it differs from `host` (PostgreSQL only). */
  readonly serverName?: string;
  /** Verify the server certificate; default true. Only turn off against a test server. */
  readonly rejectUnauthorized?: boolean;
}

/** Pool and timeout settings of a server dialect; every field has a default. */
export interface ServerConnectionTuning {
  /** How long opening one connection may take before it fails as unavailable; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** How long an unused pooled connection is kept open; default 30 s. */
  readonly idleTimeoutMs?: number;
  /** Server-side limit on one statement, which then fails as a timeout; default none. */
  readonly statementTimeoutMs?: number;
  /** Connect with TLS using these settings; plain TCP when absent. */
  readonly tls?: ServerTlsOptions;
}

export type ServerDialectOptions = SqlServerConnectionOptions & ServerConnectionTuning;

export const DEFAULT_MAX_CONNECTIONS = 10;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** The tuning with defaults applied, after validation. */
export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly statementTimeoutMs: number | undefined;
  readonly tls: ServerTlsOptions | undefined;
}

function invalid(message: string): never {
  throw new InvalidPersistenceRequestError(message);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) invalid(`${field} must be a non-empty string`);
  return value;
}

function positiveInteger(value: unknown, field: string, fallback: number): number;
function positiveInteger(value: unknown, field: string, fallback: undefined): number | undefined;
function positiveInteger(value: unknown, field: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) invalid(`${field} must be a positive integer, got ${String(value)}`);
  return value;
}

function pem(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'string' && !Buffer.isBuffer(value)) invalid(`${field} must be PEM text or a Buffer`);
}

function resolveTls(value: unknown): ServerTlsOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) invalid('tls must be an object of TLS settings');
  const tls = value as Record<string, unknown>;
  const known = new Set(['ca', 'cert', 'key', 'serverName', 'rejectUnauthorized']);
  const unknown = Object.keys(tls).filter((k) => !known.has(k));
  if (unknown.length > 0) invalid(`tls has unknown settings: ${unknown.join(', ')}`);
  pem(tls['ca'], 'tls.ca');
  pem(tls['cert'], 'tls.cert');
  pem(tls['key'], 'tls.key');
  if ((tls['cert'] === undefined) !== (tls['key'] === undefined)) invalid('tls.cert and tls.key must be given together');
  if (tls['serverName'] !== undefined) text(tls['serverName'], 'tls.serverName');
  if (tls['rejectUnauthorized'] !== undefined && typeof tls['rejectUnauthorized'] !== 'boolean') invalid('tls.rejectUnauthorized must be a boolean');
  return tls as ServerTlsOptions;
}

/** Checks a server dialect's options and fills in defaults; bad values fail as invalid requests. */
export function resolveServerOptions(options: ServerDialectOptions): ResolvedServerOptions {
  if (typeof options !== 'object' || options === null) invalid('connection options are required');
  const port = options.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) invalid(`port must be a TCP port number, got ${String(port)}`);
  if (options.password !== undefined && typeof options.password !== 'string') invalid('password must be a string');
  return {
    host: text(options.host, 'host'),
    port,
    user: text(options.user, 'user'),
    password: options.password,
    database: text(options.database, 'database'),
    maxConnections: positiveInteger(options.maxConnections, 'maxConnections', DEFAULT_MAX_CONNECTIONS),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs, 'connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS),
    idleTimeoutMs: positiveInteger(options.idleTimeoutMs, 'idleTimeoutMs', DEFAULT_IDLE_TIMEOUT_MS),
    statementTimeoutMs: positiveInteger(options.statementTimeoutMs, 'statementTimeoutMs', undefined),
    tls: resolveTls(options.tls),
  };
}

/**
 * The socket-level code of a driver error. Node reports a refused connection to a host with
 * several addresses as an AggregateError whose own code may be missing.
 */
export function socketErrorCode(err: unknown): string | undefined {
  const own = errorCode(err);
  if (own !== undefined) return own;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const code = errorCode(inner);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

/**
 * A failure while opening a connection, as the typed error callers handle: an unreachable or
 * slow server is retryable; a server that refuses the login or does not know the database
 * rejects the options themselves, which trying again cannot fix.
 */
export function openFailure(err: unknown, kind: DriverErrorKind | undefined, settingsRejected: boolean, where: string): unknown {
  if (settingsRejected || isTlsRejection(err)) return new InvalidPersistenceRequestError(`${where} refused the connection settings: ${errorMessage(err)}`, { cause: err });
  if (kind === 'unavailable') return new UnavailableError(`cannot reach ${where}: ${errorMessage(err)}`, { cause: err });
  if (kind === 'timeout') return new TimeoutError(`${where} did not answer in time: ${errorMessage(err)}`, { cause: err });
  return err;
}

/** Node's codes for a server certificate that does not verify, and the drivers' "no TLS here". */
const TLS_REJECTION_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  // mysql2 reports a failed certificate check under its own code, with Node's message.
  'HANDSHAKE_SSL_ERROR',
  'HANDSHAKE_NO_SSL_SUPPORT',
]);

/** The TLS settings cannot work with this server: retrying with the same settings fails again. */
export function isTlsRejection(err: unknown): boolean {
  const code = socketErrorCode(err);
  if (code !== undefined && TLS_REJECTION_CODES.has(code)) return true;
  return err instanceof Error && /server does not support SSL/i.test(err.message);
}
