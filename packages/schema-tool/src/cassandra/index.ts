export type { SetupCassandraSchemaOptions, AssertCassandraCompatibleOptions } from './schema.js';
export { setupCassandraSchema, assertCassandraSchemaCompatible, CASSANDRA_STORE } from './schema.js';
