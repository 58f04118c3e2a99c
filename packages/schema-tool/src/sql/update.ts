import { SchemaToolError, SchemaUpdateError, describeCause } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { versionsToApply } from '../manifest.js';
import type { StoreName } from '../paths.js';
import type { ProgressEvent } from '../progress.js';
import { compareVersions } from '../versions.js';
import {
  checksumStatements,
  clearProgress,
  ensureBookkeeping,
  readProgress,
  readStoreVersion,
  recordVersion,
  writeProgress,
} from './bookkeeping.js';
import { dialectFor } from './dialect.js';
import type { SqlDialect } from './dialect.js';
import type { SqlExecutor } from './executor.js';
import { inSession } from './executor.js';
import { splitStatements, SqlSplitError } from './split.js';

/** One statement of a version, with where it came from. */
export interface PlannedStatement {
  readonly file: string;
  /** 0-based position within the file. */
  readonly index: number;
  /** 0-based position within the whole version. */
  readonly ordinal: number;
  readonly line: number;
  readonly sql: string;
}

export function statementsOf(version: SchemaVersion, dialect: SqlDialect): PlannedStatement[] {
  const planned: PlannedStatement[] = [];
  for (const file of version.files) {
    let statements;
    try {
      statements = splitStatements(file.text, dialect.splitOptions);
    } catch (err) {
      if (err instanceof SqlSplitError) throw new SchemaToolError(`${file.path}: ${err.message}`);
      throw err;
    }
    statements.forEach((statement, index) =>
      planned.push({ file: file.name, index, ordinal: planned.length, line: statement.line, sql: statement.sql }),
    );
  }
  return planned;
}

export interface UpdateOptions {
  readonly store: StoreName;
  /** All known versions, oldest first. */
  readonly versions: readonly SchemaVersion[];
  readonly target: SchemaVersion;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** How long to wait for another updater to finish before giving up. */
  readonly lockTimeoutMs?: number;
}

export interface UpdateResult {
  readonly previousVersion: string | undefined;
  readonly version: string;
  readonly applied: readonly string[];
}

const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;

/**
 * Brings one store from whatever version it is at up to `target`, one version at a time,
 * under the database's updater lock. The bookkeeping tables are created when missing, and a
 * store that was never set up starts from the oldest version, so calling this twice is harmless.
 */
export async function updateStore(executor: SqlExecutor, options: UpdateOptions): Promise<UpdateResult> {
  const dialect = dialectFor(executor.dialect);
  const emit = options.onProgress ?? (() => {});
  return inSession(executor, async (session) => {
    const release = await dialect.acquireUpdateLock(session, {
      timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      onWait: () => emit({ type: 'lock-wait', store: options.store }),
    });
    try {
      await ensureBookkeeping(session);
      const before = (await readStoreVersion(session, options.store))?.currentVersion;
      if (before !== undefined && compareVersions(before, options.target.version) > 0) {
        throw new SchemaToolError(
          `store ${options.store} is at schema version ${before}, newer than the requested ${options.target.version}; downgrades are not supported`,
        );
      }
      const pending = versionsToApply(options.versions, before, options.target.version);
      const applied: string[] = [];
      let current = before;
      for (const version of pending) {
        const didApply = dialect.transactionalDdl
          ? await applyTransactional(session, dialect, options.store, version, emit)
          : await applyResumable(session, dialect, options.store, current, version, emit);
        if (didApply) applied.push(version.version);
        current = version.version;
      }
      const after = (await readStoreVersion(session, options.store))?.currentVersion ?? before;
      if (after === undefined) throw new SchemaToolError(`store ${options.store} has no versions to apply`);
      if (applied.length === 0) emit({ type: 'up-to-date', store: options.store, version: after });
      return { previousVersion: before, version: after, applied };
    } finally {
      await release();
    }
  });
}

/** One transaction per version; the version is re-read inside it so a concurrent updater's work is never repeated. */
async function applyTransactional(
  session: SqlExecutor,
  dialect: SqlDialect,
  store: StoreName,
  version: SchemaVersion,
  emit: (event: ProgressEvent) => void,
): Promise<boolean> {
  const statements = statementsOf(version, dialect);
  await session.execute(dialect.beginTransaction);
  try {
    const current = (await readStoreVersion(session, store))?.currentVersion;
    if (current !== undefined && compareVersions(current, version.version) >= 0) {
      await session.execute('ROLLBACK');
      return false;
    }
    emit({ type: 'version-start', store, from: current, version: version.version, description: version.description, statements: statements.length });
    for (const statement of statements) {
      emit({ type: 'statement', store, version: version.version, file: statement.file, index: statement.ordinal, total: statements.length, sql: statement.sql, skipped: false });
      try {
        await session.execute(statement.sql);
      } catch (err) {
        throw new SchemaUpdateError(version.version, statement.file, statement.index, statement.sql, err);
      }
    }
    await recordVersion(session, store, current, version);
    await session.execute('COMMIT');
  } catch (err) {
    await session.execute('ROLLBACK').catch(() => {});
    throw err;
  }
  emit({ type: 'version-done', store, version: version.version });
  return true;
}

/**
 * For databases whose DDL commits immediately: after each statement the number applied (and a
 * checksum of them) is recorded, so a re-run after a failure continues with the next statement
 * instead of repeating DDL that already took effect.
 */
async function applyResumable(
  session: SqlExecutor,
  dialect: SqlDialect,
  store: StoreName,
  current: string | undefined,
  version: SchemaVersion,
  emit: (event: ProgressEvent) => void,
): Promise<boolean> {
  const statements = statementsOf(version, dialect);
  const progress = await readProgress(session, store);
  let resumeFrom = 0;
  if (progress) {
    if (progress.version !== version.version) {
      throw new SchemaToolError(
        `store ${store} records an interrupted update to version ${progress.version} (${progress.statementsApplied} statements applied), but the next version to apply is ${version.version}; restore the ${progress.version} schema files and re-run`,
      );
    }
    const appliedSql = statements.slice(0, progress.statementsApplied).map((s) => s.sql);
    if (appliedSql.length !== progress.statementsApplied || checksumStatements(appliedSql) !== progress.appliedChecksum) {
      throw new SchemaToolError(
        `version ${version.version} was interrupted after ${progress.statementsApplied} statements, and those statements have been edited since; only the failed statement and later ones may change before resuming`,
      );
    }
    resumeFrom = progress.statementsApplied;
  }
  emit({ type: 'version-start', store, from: current, version: version.version, description: version.description, statements: statements.length, resumingAt: resumeFrom > 0 ? resumeFrom : undefined });
  for (const statement of statements) {
    const skipped = statement.ordinal < resumeFrom;
    emit({ type: 'statement', store, version: version.version, file: statement.file, index: statement.ordinal, total: statements.length, sql: statement.sql, skipped });
    if (skipped) continue;
    try {
      await session.execute(statement.sql);
    } catch (err) {
      throw new SchemaUpdateError(version.version, statement.file, statement.index, statement.sql, err);
    }
    const appliedSql = statements.slice(0, statement.ordinal + 1).map((s) => s.sql);
    await writeProgress(session, store, { version: version.version, statementsApplied: appliedSql.length, appliedChecksum: checksumStatements(appliedSql) });
  }
  await session.execute(dialect.beginTransaction);
  try {
    await recordVersion(session, store, current, version);
    await clearProgress(session, store);
    await session.execute('COMMIT');
  } catch (err) {
    await session.execute('ROLLBACK').catch(() => {});
    throw new SchemaToolError(`recording version ${version.version} failed: ${describeCause(err)}`, { cause: err });
  }
  emit({ type: 'version-done', store, version: version.version });
  return true;
}

/** What `--dry-run` shows: the versions that would be applied and every statement, in order. */
export interface UpdatePlan {
  readonly currentVersion: string | undefined;
  readonly targetVersion: string;
  readonly versions: readonly { version: string; description: string; resumeFrom: number; statements: readonly PlannedStatement[] }[];
}

/** Reads the store's state without taking locks or creating anything. */
export async function planUpdate(executor: SqlExecutor, options: Omit<UpdateOptions, 'onProgress' | 'lockTimeoutMs'>): Promise<UpdatePlan> {
  const dialect = dialectFor(executor.dialect);
  return inSession(executor, async (session) => {
    const current = (await readStoreVersion(session, options.store))?.currentVersion;
    if (current !== undefined && compareVersions(current, options.target.version) > 0) {
      throw new SchemaToolError(
        `store ${options.store} is at schema version ${current}, newer than the requested ${options.target.version}; downgrades are not supported`,
      );
    }
    const progress = dialect.transactionalDdl ? undefined : await readProgress(session, options.store);
    return {
      currentVersion: current,
      targetVersion: options.target.version,
      versions: versionsToApply(options.versions, current, options.target.version).map((version) => ({
        version: version.version,
        description: version.description,
        resumeFrom: progress?.version === version.version ? progress.statementsApplied : 0,
        statements: statementsOf(version, dialect),
      })),
    };
  });
}
