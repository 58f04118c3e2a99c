export { openCassandraStores } from './open.js';
export type { CassandraStores } from './open.js';
export type { CassandraStoreOptions, CassandraTlsOptions, ConsistencyName, SerialConsistencyName } from './options.js';
export { mapDriverError } from './driver-errors.js';
