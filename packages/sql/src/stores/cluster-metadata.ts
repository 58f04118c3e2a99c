import { ConditionFailedError, InvalidPersistenceRequestError, NotFoundError, requireSafeInteger } from '@hourglass/core';
import type {
  ClusterMember,
  ClusterMetadataRecord,
  ClusterMetadataStore,
  EpochMicros,
  GetClusterMembersRequest,
  Page,
  PageRequest,
  SaveClusterMetadataRequest,
} from '@hourglass/core';
import type { Selectable } from 'kysely';
import { decodeCursor, fetchSize, keysetAfter, toPage } from '../paging.js';
import type { SqlRunner } from '../runner.js';
import type { ClusterMembershipTable, ClusterMetadataTable } from '../tables.js';
import { requireBlob, requireId, requireName, requireObject } from '../validate.js';
import { bindBytes, int, readBlob } from '../values.js';

export class SqlClusterMetadataStore implements ClusterMetadataStore {
  constructor(private readonly runner: SqlRunner) {}

  async getClusterMetadata(clusterName: string): Promise<ClusterMetadataRecord> {
    requireName(clusterName, 'clusterName');
    const row = await this.runner.run((db) => db.selectFrom('cluster_metadata').selectAll().where('cluster_name', '=', clusterName).executeTakeFirst());
    if (!row) throw new NotFoundError(`cluster metadata for ${clusterName} not found`);
    return toMetadata(row);
  }

  async saveClusterMetadata(request: SaveClusterMetadataRequest): Promise<ClusterMetadataRecord> {
    requireObject(request, 'request');
    requireName(request.clusterName, 'clusterName');
    requireSafeInteger(request.numHistoryShards, 'numHistoryShards', 1);
    requireBlob(request.data, 'data');
    requireSafeInteger(request.expectedVersion, 'expectedVersion', 0);
    const { clusterName, numHistoryShards, data, expectedVersion } = request;
    return this.runner.write(async (tx) => {
      const existing = await this.runner.dialect
        .lockRows(tx.selectFrom('cluster_metadata').select(['version', 'num_history_shards']).where('cluster_name', '=', clusterName), 'update')
        .executeTakeFirst();
      const version = expectedVersion + 1;
      if (expectedVersion === 0) {
        if (existing) throw new ConditionFailedError(`cluster metadata for ${clusterName} already exists (version ${int(existing.version, 'version')})`);
        try {
          await tx
            .insertInto('cluster_metadata')
            .values({ cluster_name: clusterName, num_history_shards: numHistoryShards, data: bindBytes(data.data), data_encoding: data.encoding, version })
            .execute();
        } catch (err) {
          if (this.runner.isDuplicateKey(err)) throw new ConditionFailedError(`cluster metadata for ${clusterName} was created concurrently`, { cause: err });
          throw err;
        }
      } else {
        const actual = existing ? int(existing.version, 'version') : undefined;
        if (actual !== expectedVersion) {
          throw new ConditionFailedError(`cluster metadata for ${clusterName} is at version ${actual ?? 'none'}, not ${expectedVersion}`);
        }
        const storedShards = int(existing!.num_history_shards, 'num_history_shards');
        if (storedShards !== numHistoryShards) {
          throw new InvalidPersistenceRequestError(`numHistoryShards cannot change (stored ${storedShards}, requested ${numHistoryShards})`);
        }
        await tx
          .updateTable('cluster_metadata')
          .set({ data: bindBytes(data.data), data_encoding: data.encoding, version })
          .where('cluster_name', '=', clusterName)
          .where('version', '=', expectedVersion)
          .execute();
      }
      return { clusterName, numHistoryShards, data, version };
    });
  }

  async listClusterMetadata(request: PageRequest): Promise<Page<ClusterMetadataRecord>> {
    requireObject(request, 'request');
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['string']);
    const rows = await this.runner.run((db) => {
      let q = db.selectFrom('cluster_metadata').selectAll().orderBy('cluster_name').limit(limit);
      if (cursor) q = q.where(keysetAfter([{ column: 'cluster_name' }], cursor));
      return q.execute();
    });
    return toPage(rows, request.pageSize, toMetadata, (r) => [r.cluster_name]);
  }

  async deleteClusterMetadata(clusterName: string): Promise<void> {
    requireName(clusterName, 'clusterName');
    await this.runner.run((db) => db.deleteFrom('cluster_metadata').where('cluster_name', '=', clusterName).execute());
  }

  async upsertClusterMembership(member: ClusterMember): Promise<void> {
    requireObject(member, 'member');
    requireId(member.hostId, 'hostId');
    requireName(member.role, 'role');
    requireName(member.rpcAddress, 'rpcAddress');
    requireSafeInteger(member.rpcPort, 'rpcPort', 0);
    requireSafeInteger(member.sessionStart, 'sessionStart');
    requireSafeInteger(member.lastHeartbeat, 'lastHeartbeat');
    requireSafeInteger(member.recordExpiry, 'recordExpiry');
    await this.runner.run((db) =>
      db
        .insertInto('cluster_membership')
        .values({
          host_id: member.hostId,
          role: member.role,
          rpc_address: member.rpcAddress,
          rpc_port: member.rpcPort,
          session_start: member.sessionStart,
          last_heartbeat: member.lastHeartbeat,
          record_expiry: member.recordExpiry,
        })
        .modifyEnd(this.runner.dialect.upsertClause(['host_id', 'role'], ['rpc_address', 'rpc_port', 'session_start', 'last_heartbeat', 'record_expiry']))
        .execute(),
    );
  }

  async getClusterMembers(request: GetClusterMembersRequest): Promise<Page<ClusterMember>> {
    requireObject(request, 'request');
    const limit = fetchSize(request);
    if (request.lastHeartbeatAfter !== undefined) requireSafeInteger(request.lastHeartbeatAfter, 'lastHeartbeatAfter');
    if (request.notExpiredAt !== undefined) requireSafeInteger(request.notExpiredAt, 'notExpiredAt');
    if (request.role !== undefined) requireName(request.role, 'role');
    if (request.hostId !== undefined) requireId(request.hostId, 'hostId');
    const cursor = decodeCursor(request.nextPageToken, ['string', 'string']);
    const rows = await this.runner.run((db) => {
      let q = db.selectFrom('cluster_membership').selectAll().orderBy('host_id').orderBy('role').limit(limit);
      if (request.lastHeartbeatAfter !== undefined) q = q.where('last_heartbeat', '>=', request.lastHeartbeatAfter);
      if (request.notExpiredAt !== undefined) q = q.where('record_expiry', '>', request.notExpiredAt);
      if (request.role !== undefined) q = q.where('role', '=', request.role);
      if (request.hostId !== undefined) q = q.where('host_id', '=', request.hostId);
      if (cursor) q = q.where(keysetAfter([{ column: 'host_id' }, { column: 'role' }], cursor));
      return q.execute();
    });
    return toPage(rows, request.pageSize, toMember, (r) => [r.host_id, r.role]);
  }

  async pruneClusterMembership(now: EpochMicros, maxRecords: number): Promise<number> {
    requireSafeInteger(now, 'now');
    requireSafeInteger(maxRecords, 'maxRecords', 1);
    return this.runner.write(async (tx) => {
      const expired = await tx
        .selectFrom('cluster_membership')
        .select(['host_id', 'role'])
        .where('record_expiry', '<', now)
        .orderBy('record_expiry')
        .orderBy('host_id')
        .orderBy('role')
        .limit(maxRecords)
        .execute();
      let removed = 0;
      for (const row of expired) {
        const result = await tx
          .deleteFrom('cluster_membership')
          .where('host_id', '=', row.host_id)
          .where('role', '=', row.role)
          .where('record_expiry', '<', now)
          .executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
      return removed;
    });
  }
}

function toMetadata(row: Selectable<ClusterMetadataTable>): ClusterMetadataRecord {
  return {
    clusterName: row.cluster_name,
    numHistoryShards: int(row.num_history_shards, 'num_history_shards'),
    data: readBlob(row.data, row.data_encoding, 'data'),
    version: int(row.version, 'version'),
  };
}

function toMember(row: Selectable<ClusterMembershipTable>): ClusterMember {
  return {
    hostId: row.host_id,
    role: row.role,
    rpcAddress: row.rpc_address,
    rpcPort: int(row.rpc_port, 'rpc_port'),
    sessionStart: int(row.session_start, 'session_start'),
    lastHeartbeat: int(row.last_heartbeat, 'last_heartbeat'),
    recordExpiry: int(row.record_expiry, 'record_expiry'),
  };
}
