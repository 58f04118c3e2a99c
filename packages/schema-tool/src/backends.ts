import type { SchemaBackend } from './backend.js';
import { cassandraBackend } from './cassandra/backend.js';
import { sqlBackend } from './sql/backend.js';

/**
 * Every `--db` the CLI knows. Adding a database kind means writing one SchemaBackend module
 * and listing it here.
 */
export const BACKENDS: readonly SchemaBackend[] = [sqlBackend('sqlite'), sqlBackend('postgres'), sqlBackend('mysql'), cassandraBackend];

export function findBackend(name: string): SchemaBackend | undefined {
  return BACKENDS.find((backend) => backend.name === name);
}
