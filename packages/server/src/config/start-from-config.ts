import { HourglassServer } from '../server.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { openConfiguredStores } from './open-stores.js';
import type { ServerConfig } from './server-config.js';

/** Opens the configured stores and starts the server on them; the stores are closed again if the start fails. */
export async function startServerFromConfig(config: ServerConfig, log: Logger = silentLogger): Promise<HourglassServer> {
  const { stores, persistenceName, visibilityName } = await openConfiguredStores(config);
  try {
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
