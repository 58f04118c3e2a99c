import { ConditionFailedError, InvalidPersistenceRequestError, TimeoutError, UnavailableError } from '@hourglass/core';
import type { PersistenceError } from '@hourglass/core';
import { SearchTransportError, describeSearchResponse, searchErrorOf } from '@hourglass/schema-tool';
import type { SearchHttpResponse } from '@hourglass/schema-tool';

/** Error types that mean the cluster is pushing back or cannot serve right now; a retry may succeed. */
const BACK_PRESSURE_TYPES = new Set([
  'es_rejected_execution_exception',
  'rejected_execution_exception',
  'circuit_breaking_exception',
  'cluster_block_exception',
  'no_shard_available_action_exception',
  'unavailable_shards_exception',
  'master_not_discovered_exception',
  'cluster_manager_not_discovered_exception',
  'node_not_connected_exception',
  'process_cluster_event_timeout_exception',
]);

/** Error types caused by the request itself (a value the mapping refuses, a malformed query). */
const BAD_REQUEST_TYPES = new Set([
  'mapper_parsing_exception',
  'strict_dynamic_mapping_exception',
  'illegal_argument_exception',
  'parsing_exception',
  'x_content_parse_exception',
  'query_shard_exception',
  'number_format_exception',
  'action_request_validation_exception',
  'invalid_index_name_exception',
]);

/**
 * Maps an unsuccessful answer from the search server onto the persistence error taxonomy, so
 * callers branch on `code` rather than on server-specific error strings.
 */
export function persistenceErrorFor(operation: string, response: SearchHttpResponse): PersistenceError {
  const error = searchErrorOf(response.body);
  const types = new Set([error?.type, ...causeTypes(response.body)].filter((t): t is string => t !== undefined));
  const message = `${operation}: ${describeSearchResponse(response)}`;
  if (response.status === 429 || [...types].some((t) => BACK_PRESSURE_TYPES.has(t))) return new UnavailableError(message);
  if (response.status === 504 || types.has('timeout_exception') || types.has('receive_timeout_transport_exception')) return new TimeoutError(message);
  if (response.status === 409 || types.has('version_conflict_engine_exception')) return new ConditionFailedError(message);
  if (types.has('index_not_found_exception')) {
    return new UnavailableError(`${message} (the visibility index is missing; run schema-tool setup-schema --db elasticsearch)`);
  }
  if (response.status >= 500) return new UnavailableError(message);
  if (response.status === 400 || [...types].some((t) => BAD_REQUEST_TYPES.has(t))) return new InvalidPersistenceRequestError(message);
  // 401/403 and the like: the store is misconfigured for this cluster and cannot serve.
  return new UnavailableError(message);
}

/** Nested `caused_by` and shard failure `reason` types: 6.8 wraps a 429 rejection inside a 503 search failure. */
function causeTypes(body: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6 || typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record['type'] === 'string') found.push(record['type']);
    for (const key of ['error', 'caused_by', 'reason', 'root_cause', 'failed_shards']) {
      const child = record[key];
      if (Array.isArray(child)) for (const item of child) visit(item, depth + 1);
      else visit(child, depth + 1);
    }
  };
  visit(body, 0);
  return found;
}

export function persistenceErrorForTransport(operation: string, err: unknown): PersistenceError {
  if (err instanceof SearchTransportError) {
    return err.timedOut ? new TimeoutError(`${operation}: ${err.message}`, { cause: err }) : new UnavailableError(`${operation}: ${err.message}`, { cause: err });
  }
  return new UnavailableError(`${operation}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** A stored document that does not have the shape this code writes; a bug or foreign data, never a caller error. */
export class CorruptDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
