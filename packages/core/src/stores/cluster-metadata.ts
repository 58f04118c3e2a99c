import type { DataBlob } from '../blob.js';
import type { Page, PageRequest } from '../page-token.js';
import type { EpochMicros } from '../time.js';

export interface ClusterMetadataRecord {
  readonly clusterName: string;
  readonly numHistoryShards: number;
  /** Everything else about the cluster (failover settings, tags), encoded by core. */
  readonly data: DataBlob;
  /** Starts at 1 on the first save and grows by one per successful save. */
  readonly version: number;
}

export interface SaveClusterMetadataRequest {
  readonly clusterName: string;
  readonly numHistoryShards: number;
  readonly data: DataBlob;
  /** 0 to create the record; otherwise the version the caller last read. */
  readonly expectedVersion: number;
}

export interface ClusterMember {
  readonly hostId: string;
  readonly rpcAddress: string;
  readonly rpcPort: number;
  readonly role: string;
  readonly sessionStart: EpochMicros;
  readonly lastHeartbeat: EpochMicros;
  readonly recordExpiry: EpochMicros;
}

export interface GetClusterMembersRequest extends PageRequest {
  /** Only members whose last heartbeat is at or after this instant. */
  readonly lastHeartbeatAfter?: EpochMicros;
  /** Only members whose record has not expired at this instant. */
  readonly notExpiredAt?: EpochMicros;
  readonly role?: string;
  readonly hostId?: string;
}

export interface ClusterMetadataStore {
  /** NotFoundError when the cluster was never saved. */
  getClusterMetadata(clusterName: string): Promise<ClusterMetadataRecord>;
  /**
   * Compare-and-set on version. ConditionFailedError when `expectedVersion` is stale (or 0 and
   * the record exists); InvalidPersistenceRequestError when numHistoryShards would change.
   */
  saveClusterMetadata(request: SaveClusterMetadataRequest): Promise<ClusterMetadataRecord>;
  listClusterMetadata(request: PageRequest): Promise<Page<ClusterMetadataRecord>>;
  deleteClusterMetadata(clusterName: string): Promise<void>;

  /** Insert or refresh this host's membership row (keyed by hostId and role). */
  upsertClusterMembership(member: ClusterMember): Promise<void>;
  getClusterMembers(request: GetClusterMembersRequest): Promise<Page<ClusterMember>>;
  /** Remove rows whose recordExpiry is before `now`; returns how many were removed. */
  pruneClusterMembership(now: EpochMicros, maxRecords: number): Promise<number>;
}
