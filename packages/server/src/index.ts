export { HourglassServer, SERVER_VERSION, CLUSTER_NAME } from './server.js';
export type { ServerOptions } from './server.js';
export { createLogger, silentLogger } from './util/logger.js';
export type { Logger, LogFormat, LogLevel } from './util/logger.js';
