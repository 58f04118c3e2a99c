import type { PersistenceStores } from '@hourglass/core';
import { CLUSTER_NAME, HourglassServer } from '../server.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { openConfiguredStores } from './open-stores.js';
import type { ServerConfig } from './server-config.js';

/** Opens the configured stores and starts the server on them; the stores are closed again if the start fails. */
export async function startServerFromConfig(config: ServerConfig, log: Logger = silentLogger): Promise<HourglassServer> {
  const { stores, persistenceName, visibilityName } = await openConfiguredStores(config);
  try {
    await warnOnShardCountChange(stores, config.persistence.numHistoryShards, log);
    const server = await HourglassServer.start({
      stores,
      port: config.frontend.port,
      ip: config.frontend.ip,
      namespaces: config.namespaces,
      numHistoryShards: config.persistence.numHistoryShards,
      maxPayloadBytes: config.frontend.maxPayloadBytes,
      persistenceName,
      log,
    });
    log.info('persistence', { main: persistenceName, visibility: visibilityName, namespaces: config.namespaces });
    return server;
  } catch (err) {
    await stores.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The shard count is fixed when the cluster is created, as in Temporal: a different value in the
 * config is ignored, which an operator should hear about rather than discover.
 */
async function warnOnShardCountChange(stores: PersistenceStores, configured: number, log: Logger): Promise<void> {
  let stored: number;
  try {
    stored = (await stores.clusterMetadata.getClusterMetadata(CLUSTER_NAME)).numHistoryShards;
  } catch {
    // A new cluster (or a store problem, which the start itself reports).
    return;
  }
  if (stored !== configured) {
    log.warn('persistence.numHistoryShards differs from the value the cluster was created with; the stored value stays in force', { configured, stored });
  }
}
