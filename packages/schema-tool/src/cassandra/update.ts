import type cassandra from 'cassandra-driver';
import { SchemaUpdateError } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { versionsToApply } from '../manifest.js';
import type { StoreName } from '../paths.js';
import type { ProgressEvent } from '../progress.js';
import { ensureBookkeeping, readStoreState, recordProgress, recordVersion } from './bookkeeping.js';
import { withUpdateLease } from './lock.js';
import { versionStatements } from './statements.js';

export interface CassandraUpdateRequest {
  readonly keyspace: string;
  readonly store: StoreName;
  readonly versions: readonly SchemaVersion[];
  readonly target: SchemaVersion;
  readonly onProgress?: ((event: ProgressEvent) => void) | undefined;
}

export interface CassandraUpdateResult {
  readonly previousVersion: string | undefined;
  readonly version: string;
  readonly applied: string[];
}

/**
 * Brings the store to `target` under the update lease. Cassandra DDL is not transactional, so
 * progress is recorded after every statement and a re-run after a failure resumes after the
 * last statement that completed.
 */
export async function updateCassandraStore(client: cassandra.Client, request: CassandraUpdateRequest): Promise<CassandraUpdateResult> {
  const { keyspace, store, onProgress } = request;
  // Every store open calls this; when nothing is pending it neither runs DDL nor takes the lease.
  const before = await readStoreState(client, keyspace, store);
  if (before.current !== undefined && before.pending === undefined && versionsToApply(request.versions, before.current.currentVersion, request.target.version).length === 0) {
    onProgress?.({ type: 'up-to-date', store, version: before.current.currentVersion });
    return { previousVersion: before.current.currentVersion, version: before.current.currentVersion, applied: [] };
  }
  await ensureBookkeeping(client);
  return withUpdateLease(client, store, onProgress, async (lease) => {
    const state = await readStoreState(client, keyspace, store);
    const previousVersion = state.current?.currentVersion;
    const pending = versionsToApply(request.versions, previousVersion, request.target.version);
    if (pending.length === 0) {
      onProgress?.({ type: 'up-to-date', store, version: previousVersion ?? request.target.version });
      return { previousVersion, version: previousVersion ?? request.target.version, applied: [] };
    }
    let current = previousVersion;
    const applied: string[] = [];
    for (const version of pending) {
      const statements = versionStatements(version);
      const resumeFrom = state.pending?.version === version.version ? state.pending.applied : 0;
      onProgress?.({
        type: 'version-start',
        store,
        from: current,
        version: version.version,
        description: version.description,
        statements: statements.length,
        resumingAt: resumeFrom > 0 ? resumeFrom : undefined,
      });
      for (const [index, statement] of statements.entries()) {
        const skipped = index < resumeFrom;
        onProgress?.({ type: 'statement', store, version: version.version, file: statement.file, index, total: statements.length, sql: statement.cql, skipped });
        if (skipped) continue;
        try {
          await client.execute(statement.cql);
        } catch (err) {
          throw new SchemaUpdateError(version.version, statement.file, index, statement.cql, err);
        }
        await recordProgress(client, store, version.version, index + 1);
        await lease.renew();
      }
      await recordVersion(client, store, current, version);
      onProgress?.({ type: 'version-done', store, version: version.version });
      applied.push(version.version);
      current = version.version;
    }
    return { previousVersion, version: current!, applied };
  });
}
