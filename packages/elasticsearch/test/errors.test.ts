import { describe, expect, it } from 'vitest';
import { ConditionFailedError, InvalidPersistenceRequestError, TimeoutError, UnavailableError } from '@hourglass/core';
import { SearchTransportError } from '@hourglass/schema-tool';
import { persistenceErrorFor, persistenceErrorForTransport } from '../src/errors.js';

const error = (status: number, type: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { error: { root_cause: [{ type, reason: `${type} happened` }], type, reason: `${type} happened`, ...extra }, status },
});

describe('persistenceErrorFor', () => {
  it('maps back-pressure (429, rejected execution) to a retryable UnavailableError', () => {
    const rejected = persistenceErrorFor('list', error(429, 'es_rejected_execution_exception'));
    expect(rejected).toBeInstanceOf(UnavailableError);
    expect(rejected.retryable).toBe(true);
    expect(rejected.message).toContain('es_rejected_execution_exception');
    expect(persistenceErrorFor('put', error(429, 'circuit_breaking_exception'))).toBeInstanceOf(UnavailableError);
  });

  it('finds a rejection nested in a search failure (how 6.8 reports a full search queue)', () => {
    const nested = {
      status: 503,
      body: {
        error: {
          type: 'search_phase_execution_exception',
          reason: 'all shards failed',
          failed_shards: [{ shard: 0, reason: { type: 'es_rejected_execution_exception', reason: 'queue full' } }],
        },
        status: 503,
      },
    };
    expect(persistenceErrorFor('list', nested)).toBeInstanceOf(UnavailableError);
  });

  it('maps bad requests to InvalidPersistenceRequestError', () => {
    expect(persistenceErrorFor('put', error(400, 'mapper_parsing_exception'))).toBeInstanceOf(InvalidPersistenceRequestError);
    expect(persistenceErrorFor('put', error(400, 'strict_dynamic_mapping_exception'))).toBeInstanceOf(InvalidPersistenceRequestError);
    const search400 = { status: 400, body: { error: { type: 'search_phase_execution_exception', caused_by: { type: 'illegal_argument_exception' } }, status: 400 } };
    expect(persistenceErrorFor('list', search400)).toBeInstanceOf(InvalidPersistenceRequestError);
  });

  it('maps version conflicts, gateway timeouts, server errors and a missing index', () => {
    expect(persistenceErrorFor('put', error(409, 'version_conflict_engine_exception'))).toBeInstanceOf(ConditionFailedError);
    expect(persistenceErrorFor('list', { status: 504, body: 'gateway timeout' })).toBeInstanceOf(TimeoutError);
    expect(persistenceErrorFor('list', error(500, 'null_pointer_exception'))).toBeInstanceOf(UnavailableError);
    const missing = persistenceErrorFor('get', error(404, 'index_not_found_exception'));
    expect(missing).toBeInstanceOf(UnavailableError);
    expect(missing.message).toContain('setup-schema');
  });
});

describe('persistenceErrorForTransport', () => {
  it('separates timeouts from unreachable servers', () => {
    expect(persistenceErrorForTransport('get', new SearchTransportError('no answer', true))).toBeInstanceOf(TimeoutError);
    expect(persistenceErrorForTransport('get', new SearchTransportError('ECONNREFUSED', false))).toBeInstanceOf(UnavailableError);
  });
});
