import { ConditionFailedError, InvalidPersistenceRequestError, NotFoundError, nowMicros, requireBlob, requireNonEmpty, requireSafeInteger } from '@hourglass/core';
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
import { pageOf, readCursor } from '../paging.js';
import type { CqlSession, Row } from '../session.js';
import { bytes, num, requiredBlob } from '../values.js';

const MICROS_PER_SECOND = 1_000_000;
/** Cassandra's largest TTL (20 years). */
const MAX_TTL_SECONDS = 630_720_000;
/**
 * How long a membership row outlives its record expiry. The TTL only collects rows of hosts
 * that vanished without pruning; within this grace, expired rows stay visible to prune and
 * to callers that list them without a notExpiredAt filter.
 */
const MEMBERSHIP_TTL_GRACE_SECONDS = 2 * 24 * 3600;
const SCAN_FETCH_SIZE = 500;

function clusterRecord(row: Row): ClusterMetadataRecord {
  return {
    clusterName: row.get('cluster_name') as string,
    numHistoryShards: row.get('num_history_shards') as number,
    data: requiredBlob(row, 'data', 'data_encoding'),
    version: num(row.get('version')),
  };
}

function memberOf(row: Row): ClusterMember {
  return {
    hostId: row.get('host_id') as string,
    rpcAddress: row.get('rpc_address') as string,
    rpcPort: row.get('rpc_port') as number,
    role: row.get('role') as string,
    sessionStart: num(row.get('session_start')),
    lastHeartbeat: num(row.get('last_heartbeat')),
    recordExpiry: num(row.get('record_expiry')),
  };
}

const CLUSTER_COLUMNS = 'cluster_name, num_history_shards, data, data_encoding, version';
const MEMBER_COLUMNS = 'host_id, role, rpc_address, rpc_port, session_start, last_heartbeat, record_expiry';

export class CassandraClusterMetadataStore implements ClusterMetadataStore {
  constructor(private readonly session: CqlSession) {}

  async getClusterMetadata(clusterName: string): Promise<ClusterMetadataRecord> {
    requireNonEmpty(clusterName, 'clusterName');
    const rs = await this.session.execute(`SELECT ${CLUSTER_COLUMNS} FROM cluster_metadata WHERE metadata_partition = 0 AND cluster_name = ?`, [clusterName], 'getClusterMetadata');
    const row = rs.first();
    if (row === null) throw new NotFoundError(`cluster ${clusterName} not found`);
    return clusterRecord(row);
  }

  async saveClusterMetadata(request: SaveClusterMetadataRequest): Promise<ClusterMetadataRecord> {
    requireNonEmpty(request.clusterName, 'clusterName');
    requireSafeInteger(request.numHistoryShards, 'numHistoryShards', 1);
    requireSafeInteger(request.expectedVersion, 'expectedVersion', 0);
    requireBlob(request.data, 'data');
    const version = request.expectedVersion + 1;
    const result =
      request.expectedVersion === 0
        ? await this.session.conditional(
            'INSERT INTO cluster_metadata (metadata_partition, cluster_name, num_history_shards, data, data_encoding, version) VALUES (0, ?, ?, ?, ?, ?) IF NOT EXISTS',
            [request.clusterName, request.numHistoryShards, bytes(request.data.data), request.data.encoding, version],
            'saveClusterMetadata',
          )
        : await this.session.conditional(
            'UPDATE cluster_metadata SET data = ?, data_encoding = ?, version = ? WHERE metadata_partition = 0 AND cluster_name = ? IF version = ? AND num_history_shards = ?',
            [bytes(request.data.data), request.data.encoding, version, request.clusterName, request.expectedVersion, request.numHistoryShards],
            'saveClusterMetadata',
          );
    if (!result.applied) {
      const current = result.rows[0];
      const currentVersion = current === undefined ? 0 : num(current.get('version'));
      if (currentVersion !== request.expectedVersion) {
        throw new ConditionFailedError(`cluster ${request.clusterName} is at version ${currentVersion}, not ${request.expectedVersion}`);
      }
      throw new InvalidPersistenceRequestError(`numHistoryShards of cluster ${request.clusterName} cannot change from ${String(current?.get('num_history_shards'))} to ${request.numHistoryShards}`);
    }
    return { clusterName: request.clusterName, numHistoryShards: request.numHistoryShards, data: request.data, version };
  }

  async listClusterMetadata(request: PageRequest): Promise<Page<ClusterMetadataRecord>> {
    const cursor = readCursor<[string]>(request, ['string']);
    const rs = await this.session.execute(
      `SELECT ${CLUSTER_COLUMNS} FROM cluster_metadata WHERE metadata_partition = 0${cursor === undefined ? '' : ' AND cluster_name > ?'} LIMIT ?`,
      cursor === undefined ? [request.pageSize + 1] : [cursor[0], request.pageSize + 1],
      'listClusterMetadata',
    );
    return pageOf(rs.rows.map(clusterRecord), request.pageSize, (r) => [r.clusterName]);
  }

  async deleteClusterMetadata(clusterName: string): Promise<void> {
    requireNonEmpty(clusterName, 'clusterName');
    await this.session.execute('DELETE FROM cluster_metadata WHERE metadata_partition = 0 AND cluster_name = ?', [clusterName], 'deleteClusterMetadata');
  }

  async upsertClusterMembership(member: ClusterMember): Promise<void> {
    requireNonEmpty(member.hostId, 'hostId');
    requireNonEmpty(member.role, 'role');
    requireNonEmpty(member.rpcAddress, 'rpcAddress');
    requireSafeInteger(member.rpcPort, 'rpcPort', 0);
    requireSafeInteger(member.sessionStart, 'sessionStart', 0);
    requireSafeInteger(member.lastHeartbeat, 'lastHeartbeat', 0);
    requireSafeInteger(member.recordExpiry, 'recordExpiry', 0);
    const untilExpiry = Math.max(0, Math.ceil((member.recordExpiry - nowMicros()) / MICROS_PER_SECOND));
    const ttl = Math.min(MAX_TTL_SECONDS, untilExpiry + MEMBERSHIP_TTL_GRACE_SECONDS);
    await this.session.execute(
      `INSERT INTO cluster_membership (membership_partition, ${MEMBER_COLUMNS}) VALUES (0, ?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
      [member.hostId, member.role, member.rpcAddress, member.rpcPort, member.sessionStart, member.lastHeartbeat, member.recordExpiry, ttl],
      'upsertClusterMembership',
    );
  }

  async getClusterMembers(request: GetClusterMembersRequest): Promise<Page<ClusterMember>> {
    const cursor = readCursor<[string, string]>(request, ['string', 'string']);
    if (request.hostId !== undefined) requireNonEmpty(request.hostId, 'hostId');
    if (request.role !== undefined) requireNonEmpty(request.role, 'role');
    const where = ['membership_partition = 0'];
    const params: unknown[] = [];
    if (request.hostId !== undefined) {
      where.push('host_id = ?');
      params.push(request.hostId);
      if (cursor !== undefined) {
        where.push('role > ?');
        params.push(cursor[1]);
      }
    } else if (cursor !== undefined) {
      where.push('(host_id, role) > (?, ?)');
      params.push(cursor[0], cursor[1]);
    }
    // The filters are not key prefixes; the membership partition is small, so it is filtered here.
    const matches = (m: ClusterMember) =>
      (request.role === undefined || m.role === request.role) &&
      (request.lastHeartbeatAfter === undefined || m.lastHeartbeat >= request.lastHeartbeatAfter) &&
      (request.notExpiredAt === undefined || m.recordExpiry > request.notExpiredAt);
    const fetched: ClusterMember[] = [];
    for await (const row of this.session.rows(`SELECT ${MEMBER_COLUMNS} FROM cluster_membership WHERE ${where.join(' AND ')}`, params, 'getClusterMembers', SCAN_FETCH_SIZE)) {
      const member = memberOf(row);
      if (!matches(member)) continue;
      fetched.push(member);
      if (fetched.length > request.pageSize) break;
    }
    return pageOf(fetched, request.pageSize, (m) => [m.hostId, m.role]);
  }

  async pruneClusterMembership(now: EpochMicros, maxRecords: number): Promise<number> {
    requireSafeInteger(now, 'now', 0);
    requireSafeInteger(maxRecords, 'maxRecords', 1);
    let pruned = 0;
    for await (const row of this.session.rows(`SELECT host_id, role, record_expiry FROM cluster_membership WHERE membership_partition = 0`, [], 'pruneClusterMembership', SCAN_FETCH_SIZE)) {
      if (pruned >= maxRecords) break;
      if (num(row.get('record_expiry')) >= now) continue;
      await this.session.execute('DELETE FROM cluster_membership WHERE membership_partition = 0 AND host_id = ? AND role = ?', [row.get('host_id'), row.get('role')], 'pruneClusterMembership');
      pruned++;
    }
    return pruned;
  }
}
