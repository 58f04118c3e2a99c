import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { CommandContext, CommandResult, SchemaBackend, SchemaDirRequest, SetupRequest } from '../backend.js';
import { SchemaToolError, SchemaUpdateError, describeCause } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { loadSchemaVersions, resolveTarget } from '../manifest.js';
import { defaultVersionedDir, STORE_NAMES } from '../paths.js';
import { compareVersions, isValidVersion, normalizeVersion } from '../versions.js';
import { ensureBookkeeping, readHistory, readStoreVersion, recordVersion } from './bookkeeping.js';
import type { OpenedExecutor, SqlTarget } from './connect.js';
import { SQL_CONNECTION_OPTIONS, openSql, requireDatabase, sqlTargetFrom } from './connect.js';
import { dialectFor } from './dialect.js';
import type { SqlDialectName, SqlExecutor } from './executor.js';
import { inSession } from './executor.js';
import { introspect } from './introspect.js';
import { splitStatements } from './split.js';
import { planUpdate, updateStore } from './update.js';
import { compareShapes, expectedShape } from './validate.js';

const SUMMARIES: Record<SqlDialectName, string> = {
  sqlite: 'SQLite database file (--database is its path)',
  postgres: 'PostgreSQL 10 or newer',
  mysql: 'MySQL 8 / MariaDB 10.11 or newer',
};

/** The schema-tool commands for one SQL database kind. */
export function sqlBackend(dialect: SqlDialectName): SchemaBackend {
  const versionedDir = (context: CommandContext, request: SchemaDirRequest): string =>
    resolve(request.schemaDir ?? defaultVersionedDir(dialect, context.store));
  const target = (context: CommandContext): SqlTarget => sqlTargetFrom(dialect, context.options);
  const withDatabase = async <T>(context: CommandContext, work: (executor: SqlExecutor) => Promise<T>): Promise<T> => {
    const opened = await openSql(target(context));
    try {
      return await work(opened.executor);
    } finally {
      await opened.close();
    }
  };

  return {
    name: dialect,
    summary: SUMMARIES[dialect],
    stores: STORE_NAMES,
    connectionOptions: SQL_CONNECTION_OPTIONS.filter((o) => dialect === 'postgres' || o.name !== 'maintenance-database'),

    async setupSchema(context, request) {
      if (request.schemaFile !== undefined) return withDatabase(context, (executor) => applySchemaFile(executor, context, request));
      const dir = versionedDir(context, request);
      const versions = loadSchemaVersions(dir);
      const base = versions[0]!;
      return withDatabase(context, async (executor) => {
        const existing = await readStoreVersion(executor, context.store);
        if (existing !== undefined) {
          context.reporter.info(`store ${context.store} is already set up at version ${existing.currentVersion}; use update-schema to move it forward`);
          return setupResult(context, existing.currentVersion, []);
        }
        const result = await updateStore(executor, { store: context.store, versions, target: base, onProgress: (e) => context.reporter.progress(e) });
        return setupResult(context, result.version, result.applied);
      });
    },

    async updateSchema(context, request) {
      const dir = versionedDir(context, request);
      const versions = loadSchemaVersions(dir);
      const targetVersion = resolveTarget(versions, request.targetVersion === undefined ? undefined : normalizeVersion(request.targetVersion), dir);
      return withDatabase(context, async (executor) => {
        if (request.dryRun) return dryRun(executor, context, versions, targetVersion);
        const result = await updateStore(executor, { store: context.store, versions, target: targetVersion, onProgress: (e) => context.reporter.progress(e) });
        const text =
          result.applied.length === 0
            ? [`${context.store}: already at version ${result.version}`]
            : [`${context.store}: updated ${result.previousVersion ?? 'empty'} -> ${result.version} (applied ${result.applied.join(', ')})`];
        return { ok: true, text, json: { command: 'update-schema', store: context.store, previousVersion: result.previousVersion ?? null, version: result.version, applied: result.applied } };
      });
    },

    async createDatabase(context) {
      const t = target(context);
      const name = requireDatabase(t);
      const created = await createDatabase(t, name);
      return {
        ok: true,
        text: [created ? `created database ${name}` : `database ${name} already exists`],
        json: { command: 'create-database', database: name, created },
      };
    },

    async dropDatabase(context) {
      const t = target(context);
      const name = requireDatabase(t);
      const dropped = await dropDatabase(t, name);
      return {
        ok: true,
        text: [dropped ? `dropped database ${name}` : `database ${name} did not exist`],
        json: { command: 'drop-database', database: name, dropped },
      };
    },

    async version(context, request) {
      const dir = versionedDir(context, request);
      const versions = loadSchemaVersions(dir);
      const latest = versions[versions.length - 1]!;
      return withDatabase(context, async (executor) => {
        const current = await readStoreVersion(executor, context.store);
        const history = await readHistory(executor, context.store);
        const compatible = current !== undefined && compareVersions(current.currentVersion, latest.minCompatibleVersion) >= 0;
        const pending = versions.filter((v) => current === undefined || compareVersions(v.version, current.currentVersion) > 0).map((v) => v.version);
        const text = [
          `store:    ${context.store}`,
          `current:  ${current?.currentVersion ?? 'not set up'}${current ? ` (updated ${current.updateTime})` : ''}`,
          `required: ${latest.minCompatibleVersion} or newer`,
          `latest:   ${latest.version}`,
          `status:   ${compatible ? 'compatible' : 'needs update-schema'}${pending.length > 0 ? `; pending ${pending.join(', ')}` : ''}`,
        ];
        return {
          ok: true,
          text,
          json: {
            command: 'version',
            store: context.store,
            currentVersion: current?.currentVersion ?? null,
            minCompatibleVersion: current?.minCompatibleVersion ?? null,
            requiredVersion: latest.minCompatibleVersion,
            latestVersion: latest.version,
            compatible,
            pendingVersions: pending,
            history,
          },
        };
      });
    },

    async validate(context, request) {
      const dir = versionedDir(context, request);
      const versions = loadSchemaVersions(dir);
      return withDatabase(context, (executor) =>
        inSession(executor, async (session) => {
          const current = await readStoreVersion(session, context.store);
          if (current === undefined) throw new SchemaToolError(`store ${context.store} is not set up; nothing to validate (run setup-schema)`);
          const applied = versions.filter((v) => compareVersions(v.version, current.currentVersion) <= 0);
          context.reporter.info(`building the expected ${context.store} schema at version ${current.currentVersion} in a scratch ${dialect} database`);
          const expected = await expectedShape(session, applied);
          const live = await introspect(session);
          const drift = compareShapes(expected, live);
          const ok = drift.differences.length === 0;
          const text = ok
            ? [`${context.store} schema matches version ${current.currentVersion} (${expected.size} table${expected.size === 1 ? '' : 's'} checked)`]
            : [`${context.store} schema drifted from version ${current.currentVersion}:`, ...drift.differences.map((d) => `  - ${d}`)];
          if (drift.otherTables.length > 0) text.push(`note: tables outside the ${context.store} schema: ${drift.otherTables.join(', ')}`);
          return {
            ok,
            text,
            json: { command: 'validate', store: context.store, version: current.currentVersion, ok, differences: drift.differences, otherTables: drift.otherTables, tablesChecked: expected.size },
          };
        }),
      );
    },
  };
}

function setupResult(context: CommandContext, version: string, applied: readonly string[]): CommandResult {
  return {
    ok: true,
    text: [applied.length > 0 ? `${context.store}: set up at version ${version}` : `${context.store}: already set up at version ${version}`],
    json: { command: 'setup-schema', store: context.store, version, applied },
  };
}

async function dryRun(executor: SqlExecutor, context: CommandContext, versions: readonly SchemaVersion[], target: SchemaVersion): Promise<CommandResult> {
  const plan = await planUpdate(executor, { store: context.store, versions, target });
  const text: string[] = [`-- dry run: ${context.store} ${plan.currentVersion ?? 'empty'} -> ${plan.targetVersion}; nothing is changed`];
  if (plan.versions.length === 0) text.push(`-- already at version ${plan.currentVersion}`);
  for (const version of plan.versions) {
    text.push(`-- version ${version.version}: ${version.description}`);
    for (const statement of version.statements) {
      const done = statement.ordinal < version.resumeFrom;
      text.push(`-- ${statement.file}:${statement.line}${done ? ' (already applied by an interrupted run; skipped)' : ''}`);
      text.push(`${done ? '-- ' : ''}${statement.sql.replace(/\n/g, done ? '\n-- ' : '\n')};`);
    }
  }
  return {
    ok: true,
    text,
    json: {
      command: 'update-schema',
      dryRun: true,
      store: context.store,
      currentVersion: plan.currentVersion ?? null,
      targetVersion: plan.targetVersion,
      versions: plan.versions.map((v) => ({
        version: v.version,
        description: v.description,
        statements: v.statements.map((s) => ({ file: s.file, line: s.line, sql: s.sql, alreadyApplied: s.ordinal < v.resumeFrom })),
      })),
    },
  };
}

/** `setup-schema --schema-file`: one file applied as a whole, recorded as `--initial-version` unless versioning is off. */
async function applySchemaFile(executor: SqlExecutor, context: CommandContext, request: SetupRequest): Promise<CommandResult> {
  const path = resolve(request.schemaFile!);
  if (!existsSync(path)) throw new SchemaToolError(`schema file not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  const dialect = dialectFor(executor.dialect);
  let statements;
  try {
    statements = splitStatements(text, dialect.splitOptions);
  } catch (err) {
    throw new SchemaToolError(`${path}: ${describeCause(err)}`);
  }
  let version: SchemaVersion | undefined;
  if (!request.disableVersioning) {
    if (request.initialVersion === undefined || !isValidVersion(request.initialVersion)) {
      throw new SchemaToolError('--schema-file needs --disable-versioning, or --initial-version X.Y to record the version it creates');
    }
    const normalized = normalizeVersion(request.initialVersion);
    version = {
      version: normalized,
      minCompatibleVersion: normalized,
      description: `schema file ${path}`,
      dir: path,
      files: [{ name: path, path, text }],
      checksum: createHash('sha256').update(text).digest('hex'),
    };
  }
  return inSession(executor, async (session) => {
    if (version) {
      await ensureBookkeeping(session);
      const existing = await readStoreVersion(session, context.store);
      if (existing) throw new SchemaToolError(`store ${context.store} is already set up at version ${existing.currentVersion}; --schema-file only sets up an empty store`);
    }
    if (dialect.transactionalDdl) await session.execute(dialect.beginTransaction);
    try {
      for (const [index, statement] of statements.entries()) {
        context.reporter.info(`[${index + 1}/${statements.length}] ${firstLine(statement.sql)}`);
        try {
          await session.execute(statement.sql);
        } catch (err) {
          throw new SchemaUpdateError(version?.version ?? 'unversioned', path, index, statement.sql, err);
        }
      }
      if (version) await recordVersion(session, context.store, undefined, version);
      if (dialect.transactionalDdl) await session.execute('COMMIT');
    } catch (err) {
      if (dialect.transactionalDdl) await session.execute('ROLLBACK').catch(() => {});
      throw err;
    }
    return {
      ok: true,
      text: [`${context.store}: applied ${statements.length} statements from ${path}${version ? ` as version ${version.version}` : ' (versioning disabled)'}`],
      json: { command: 'setup-schema', store: context.store, schemaFile: path, statements: statements.length, version: version?.version ?? null },
    };
  });
}

export function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('--')) ?? sql;
  return line.length > 100 ? `${line.slice(0, 97)}...` : line.trim();
}

function quoteIdentifier(dialect: SqlDialectName, name: string): string {
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

async function withServer<T>(target: SqlTarget, work: (opened: OpenedExecutor) => Promise<T>): Promise<T> {
  const opened = await openSql(target, null);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

async function createDatabase(target: SqlTarget, name: string): Promise<boolean> {
  switch (target.dialect) {
    case 'sqlite': {
      if (existsSync(name)) return false;
      try {
        new Database(name).close();
      } catch (err) {
        throw new SchemaToolError(`cannot create SQLite database ${name}: ${describeCause(err)}`, { cause: err });
      }
      return true;
    }
    case 'postgres':
      return withServer(target, async ({ executor }) => {
        const rows = await executor.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (rows.length > 0) return false;
        await executor.execute(`CREATE DATABASE ${quoteIdentifier('postgres', name)}`);
        return true;
      });
    case 'mysql':
      return withServer(target, async ({ executor }) => {
        const rows = await executor.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
        if (rows.length > 0) return false;
        await executor.execute(`CREATE DATABASE ${quoteIdentifier('mysql', name)}`);
        return true;
      });
  }
}

async function dropDatabase(target: SqlTarget, name: string): Promise<boolean> {
  switch (target.dialect) {
    case 'sqlite': {
      if (!existsSync(name)) return false;
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${name}${suffix}`, { force: true });
      return true;
    }
    case 'postgres':
      return withServer(target, async ({ executor }) => {
        const rows = await executor.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (rows.length === 0) return false;
        await executor.execute(`DROP DATABASE ${quoteIdentifier('postgres', name)}`);
        return true;
      });
    case 'mysql':
      return withServer(target, async ({ executor }) => {
        const rows = await executor.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
        if (rows.length === 0) return false;
        await executor.execute(`DROP DATABASE ${quoteIdentifier('mysql', name)}`);
        return true;
      });
  }
}
