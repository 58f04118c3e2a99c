import { ConditionFailedError, InvalidPersistenceRequestError, NotFoundError, requireBlob, requireNonEmpty, requireSafeInteger } from '@hourglass/core';
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
import { pageByKey } from './paging.js';

export class MemoryClusterMetadataStore implements ClusterMetadataStore {
  private readonly clusters = new Map<string, ClusterMetadataRecord>();
  private readonly members = new Map<string, ClusterMember>();

  async getClusterMetadata(clusterName: string): Promise<ClusterMetadataRecord> {
    requireNonEmpty(clusterName, 'clusterName');
    const record = this.clusters.get(clusterName);
    if (record === undefined) throw new NotFoundError(`cluster ${clusterName} not found`);
    return structuredClone(record);
  }

  async saveClusterMetadata(request: SaveClusterMetadataRequest): Promise<ClusterMetadataRecord> {
    requireNonEmpty(request.clusterName, 'clusterName');
    requireSafeInteger(request.numHistoryShards, 'numHistoryShards', 1);
    requireSafeInteger(request.expectedVersion, 'expectedVersion', 0);
    requireBlob(request.data, 'data');
    const existing = this.clusters.get(request.clusterName);
    if ((existing?.version ?? 0) !== request.expectedVersion) {
      throw new ConditionFailedError(`cluster ${request.clusterName} is at version ${existing?.version ?? 0}, not ${request.expectedVersion}`);
    }
    if (existing !== undefined && existing.numHistoryShards !== request.numHistoryShards) {
      throw new InvalidPersistenceRequestError('numHistoryShards cannot change');
    }
    const record: ClusterMetadataRecord = { clusterName: request.clusterName, numHistoryShards: request.numHistoryShards, data: structuredClone(request.data), version: request.expectedVersion + 1 };
    this.clusters.set(request.clusterName, record);
    return structuredClone(record);
  }

  async listClusterMetadata(request: PageRequest): Promise<Page<ClusterMetadataRecord>> {
    return structuredClone(pageByKey(this.clusters.values(), (r) => [r.clusterName], request));
  }

  async deleteClusterMetadata(clusterName: string): Promise<void> {
    requireNonEmpty(clusterName, 'clusterName');
    this.clusters.delete(clusterName);
  }

  async upsertClusterMembership(member: ClusterMember): Promise<void> {
    requireNonEmpty(member.hostId, 'hostId');
    requireNonEmpty(member.role, 'role');
    this.members.set(`${member.hostId}\u0000${member.role}`, { ...member });
  }

  async getClusterMembers(request: GetClusterMembersRequest): Promise<Page<ClusterMember>> {
    const matching = [...this.members.values()].filter(
      (m) =>
        (request.role === undefined || m.role === request.role) &&
        (request.hostId === undefined || m.hostId === request.hostId) &&
        (request.lastHeartbeatAfter === undefined || m.lastHeartbeat >= request.lastHeartbeatAfter) &&
        (request.notExpiredAt === undefined || m.recordExpiry > request.notExpiredAt),
    );
    return structuredClone(pageByKey(matching, (m) => [m.hostId, m.role], request));
  }

  async pruneClusterMembership(now: EpochMicros, maxRecords: number): Promise<number> {
    requireSafeInteger(maxRecords, 'maxRecords', 1);
    let pruned = 0;
    for (const [key, member] of this.members) {
      if (pruned >= maxRecords) break;
      if (member.recordExpiry < now) {
        this.members.delete(key);
        pruned++;
      }
    }
    return pruned;
  }
}
