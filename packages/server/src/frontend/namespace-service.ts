import { durationFromMs, enums, msFromDuration } from '../grpc/api.js';
import type { Plain, temporal } from '../grpc/api.js';
import { invalidArgument, notFound } from '../grpc/rpc-error.js';
import type { UnaryHandler } from '../grpc/service-definition.js';
import { DEV_SEARCH_ATTRIBUTES, isSearchAttributeType, PREDEFINED_SEARCH_ATTRIBUTES } from '../history/search-attributes.js';
import type { Namespace, NamespaceRegistry } from './namespace-registry.js';


export interface ClusterInfo {
  readonly clusterName: string;
  readonly clusterId: string;
  readonly serverVersion: string;
  readonly historyShardCount: number;
  readonly persistenceStore: string;
  readonly visibilityStore: string;
}

function describeNamespace(n: Namespace, clusterName: string): object {
  return {
    namespaceInfo: {
      name: n.name,
      id: n.id,
      state: n.state,
      description: n.description,
      ownerEmail: n.ownerEmail,
      data: n.data,
      capabilities: { eagerWorkflowStart: false, syncUpdate: true, asyncUpdate: true },
      supportsSchedules: false,
    },
    config: {
      workflowExecutionRetentionTtl: durationFromMs(n.retentionMs),
      historyArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
      visibilityArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
    },
    replicationConfig: {
      activeClusterName: clusterName,
      clusters: [{ clusterName }],
      state: enums.ReplicationState.REPLICATION_STATE_NORMAL,
    },
    failoverVersion: 0,
    isGlobalNamespace: false,
  };
}

/** System info and namespace RPCs on the NamespaceStore. */
export function namespaceHandlers(namespaces: NamespaceRegistry, cluster: ClusterInfo): Record<string, UnaryHandler> {
  const handlers = {
    async GetSystemInfo() {
      return {
        serverVersion: cluster.serverVersion,
        capabilities: {
          signalAndQueryHeader: true,
          internalErrorDifferentiation: true,
          activityFailureIncludeHeartbeat: true,
          supportsSchedules: false,
          encodedFailureAttributes: true,
          buildIdBasedVersioning: false,
          upsertMemo: true,
          eagerWorkflowStart: false,
          sdkMetadata: true,
          countGroupByExecutionStatus: true,
          nexus: false,
        },
      };
    },

    async GetClusterInfo() {
      return {
        supportedClients: {},
        serverVersion: cluster.serverVersion,
        clusterId: cluster.clusterId,
        clusterName: cluster.clusterName,
        historyShardCount: cluster.historyShardCount,
        persistenceStore: cluster.persistenceStore,
        visibilityStore: cluster.visibilityStore,
        initialFailoverVersion: 1,
        failoverVersionIncrement: 10,
      };
    },

    async RegisterNamespace(r: Plain<temporal.api.workflowservice.v1.IRegisterNamespaceRequest>) {
      if (!r.namespace) throw invalidArgument('Namespace is not set on request.');
      if (r.isGlobalNamespace) throw invalidArgument('global namespaces need a multi-cluster setup; this server runs one cluster');
      await namespaces.register({
        name: r.namespace,
        description: r.description ?? '',
        ownerEmail: r.ownerEmail ?? '',
        data: r.data ?? {},
        ...(msFromDuration(r.workflowExecutionRetentionPeriod) ? { retentionMs: msFromDuration(r.workflowExecutionRetentionPeriod)! } : {}),
      });
      return {};
    },

    async DescribeNamespace(r: Plain<temporal.api.workflowservice.v1.IDescribeNamespaceRequest>) {
      const n = r.id ? await namespaces.byId(r.id) : await namespaces.byName(r.namespace);
      return describeNamespace(n, cluster.clusterName);
    },

    async ListNamespaces(r: Plain<temporal.api.workflowservice.v1.IListNamespacesRequest>) {
      const page = await namespaces.list(r.pageSize ?? 0, r.nextPageToken ?? undefined);
      const wanted = r.namespaceFilter?.includeDeleted ? page.namespaces : page.namespaces.filter((n) => n.state !== 3);
      return { namespaces: wanted.map((n) => describeNamespace(n, cluster.clusterName)), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    async UpdateNamespace(r: Plain<temporal.api.workflowservice.v1.IUpdateNamespaceRequest>) {
      if (!r.namespace) throw invalidArgument('Namespace is not set on request.');
      if (r.replicationConfig?.clusters && r.replicationConfig.clusters.some((c) => c.clusterName && c.clusterName !== cluster.clusterName)) {
        throw invalidArgument(`only cluster '${cluster.clusterName}' exists`);
      }
      const updated = await namespaces.update(r.namespace, (data) => {
        const info = r.updateInfo;
        if (info?.description !== undefined && info.description !== null) data.description = info.description;
        if (info?.ownerEmail !== undefined && info.ownerEmail !== null) data.ownerEmail = info.ownerEmail;
        if (info?.data) data.data = { ...data.data, ...info.data };
        if (info?.state) data.state = info.state;
        const retention = msFromDuration(r.config?.workflowExecutionRetentionTtl);
        if (retention) data.retentionMs = retention;
      });
      return describeNamespace(updated, cluster.clusterName);
    },
  };
  return handlers as unknown as Record<string, UnaryHandler>;
}

const INDEXED_VALUE_TYPE: Record<string, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

const SYSTEM_SEARCH_ATTRIBUTES: Record<string, string> = {
  WorkflowId: 'Keyword',
  WorkflowType: 'Keyword',
  RunId: 'Keyword',
  ExecutionStatus: 'Keyword',
  TaskQueue: 'Keyword',
  StartTime: 'Datetime',
  CloseTime: 'Datetime',
  ExecutionTime: 'Datetime',
  ExecutionDuration: 'Int',
  HistoryLength: 'Int',
  HistorySizeBytes: 'Int',
  StateTransitionCount: 'Int',
};

/** OperatorService: custom search attributes per namespace. */
export function operatorHandlers(namespaces: NamespaceRegistry): Record<string, UnaryHandler> {
  const handlers = {
    async ListSearchAttributes(r: Plain<temporal.api.operatorservice.v1.IListSearchAttributesRequest>) {
      const n = await namespaces.byName(r.namespace);
      const custom = { ...DEV_SEARCH_ATTRIBUTES, ...n.searchAttributes };
      const toTypes = (m: Record<string, string>): Record<string, number> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, INDEXED_VALUE_TYPE[v] ?? 0]));
      return { customAttributes: toTypes(custom), systemAttributes: toTypes({ ...SYSTEM_SEARCH_ATTRIBUTES, ...PREDEFINED_SEARCH_ATTRIBUTES }), storageSchema: {} };
    },

    async AddSearchAttributes(r: Plain<temporal.api.operatorservice.v1.IAddSearchAttributesRequest>) {
      const added = Object.entries(r.searchAttributes ?? {});
      if (added.length === 0) throw invalidArgument('SearchAttributes are not set on request.');
      const names = Object.fromEntries(Object.entries(INDEXED_VALUE_TYPE).map(([k, v]) => [v, k]));
      await namespaces.update(r.namespace ?? '', (data) => {
        for (const [name, type] of added) {
          const typeName = names[type];
          if (!typeName || !isSearchAttributeType(typeName)) throw invalidArgument(`invalid search attribute type for ${name}`);
          if (SYSTEM_SEARCH_ATTRIBUTES[name] || PREDEFINED_SEARCH_ATTRIBUTES[name]) throw invalidArgument(`${name} is a system search attribute`);
          data.searchAttributes[name] = typeName;
        }
      });
      return {};
    },

    async RemoveSearchAttributes(r: Plain<temporal.api.operatorservice.v1.IRemoveSearchAttributesRequest>) {
      await namespaces.update(r.namespace ?? '', (data) => {
        for (const name of r.searchAttributes ?? []) {
          if (!(name in data.searchAttributes)) throw notFound(`search attribute ${name} not found`);
          delete data.searchAttributes[name];
        }
      });
      return {};
    },
  };
  return handlers as unknown as Record<string, UnaryHandler>;
}
