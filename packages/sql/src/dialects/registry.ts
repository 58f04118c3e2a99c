import { InvalidPersistenceRequestError } from '@hourglass/core';
import type { SqlConnection, SqlServerConnectionOptions } from './dialect.js';
import { errorCode, errorMessage } from './dialect.js';

export type ServerDialectName = 'postgres' | 'mysql';

export type SqlConnectionOpener = (options: SqlServerConnectionOptions) => SqlConnection | Promise<SqlConnection>;

/** The requested dialect's module is not part of this build (or failed to load). */
export class DialectNotAvailableError extends InvalidPersistenceRequestError {
  constructor(
    readonly dialect: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`SQL dialect '${dialect}' is not available: ${detail}`, options);
  }
}

/**
 * Server dialects live in their own modules, each exporting one opener. They are loaded on
 * first use, so a process that only uses SQLite never loads pg or mysql2, and a dialect module
 * plugs in by existing under this name, with no other change here.
 */
const SERVER_DIALECTS: Readonly<Record<ServerDialectName, { readonly module: string; readonly opener: string }>> = {
  postgres: { module: './postgres.js', opener: 'openPostgresConnection' },
  mysql: { module: './mysql.js', opener: 'openMysqlConnection' },
};

export function isServerDialect(name: unknown): name is ServerDialectName {
  return typeof name === 'string' && Object.hasOwn(SERVER_DIALECTS, name);
}

export function loadServerDialect(name: ServerDialectName): Promise<SqlConnectionOpener> {
  return loadDialectModule(name, SERVER_DIALECTS[name]);
}

/** Imports `entry.module` (relative to this directory) and returns its `entry.opener` export. */
export async function loadDialectModule(dialect: string, entry: { readonly module: string; readonly opener: string }): Promise<SqlConnectionOpener> {
  const url = new URL(entry.module, import.meta.url);
  let module: Record<string, unknown>;
  try {
    module = (await import(url.href)) as Record<string, unknown>;
  } catch (err) {
    const missing = errorCode(err) === 'ERR_MODULE_NOT_FOUND' && errorMessage(err).includes(url.pathname);
    throw new DialectNotAvailableError(dialect, missing ? `this build has no ${entry.module} module` : `loading ${entry.module} failed: ${errorMessage(err)}`, { cause: err });
  }
  const opener = module[entry.opener];
  if (typeof opener !== 'function') throw new DialectNotAvailableError(dialect, `${entry.module} does not export ${entry.opener}`);
  return opener as SqlConnectionOpener;
}
