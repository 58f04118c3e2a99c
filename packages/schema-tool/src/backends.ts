import type { SchemaBackend } from './backend.js';
import { cassandraBackend } from './cassandra/backend.js';
import { elasticsearchBackend } from './elasticsearch/backend.js';
import { sqlBackend } from './sql/backend.js';

/**
 * Every `--db` the CLI knows. Adding a database kind means writing one SchemaBackend module
 * and listing it here.
 */
export const BACKENDS: readonly SchemaBackend[] = [sqlBackend('sqlite'), sqlBackend('postgres'), sqlBackend('mysql'), cassandraBackend, elasticsearchBackend];

export function findBackend(name: string): SchemaBackend | undefined {
  return BACKENDS.find((backend) => backend.name === name);
}
