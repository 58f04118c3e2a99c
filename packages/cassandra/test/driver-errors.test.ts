import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { ConditionFailedError, InvalidPersistenceRequestError, TimeoutError, UnavailableError } from '@hourglass/core';
import { mapDriverError } from '../src/driver-errors.js';

const codes = cassandra.types.responseErrorCodes;

function responseError(code: number, message: string): cassandra.errors.ResponseError {
  return new cassandra.errors.ResponseError(code, message);
}

describe('mapDriverError', () => {
  it('maps a client-side request timeout to TimeoutError (outcome unknown, retryable)', () => {
    const err = mapDriverError(new cassandra.errors.OperationTimedOutError('The host 127.0.0.1:9042 did not reply before timeout 12000 ms', '127.0.0.1:9042'), 'updateShard');
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe('TIMEOUT');
    expect((err as TimeoutError).retryable).toBe(true);
    expect((err as TimeoutError).message).toContain('updateShard');
  });

  it.each([
    ['write timeout (including CAS write timeouts)', codes.writeTimeout],
    ['read timeout', codes.readTimeout],
    ['CAS write unknown', 0x1700],
  ])('maps a server %s to TimeoutError', (_what, code) => {
    const err = mapDriverError(responseError(code, 'Operation timed out - received only 0 responses.'), 'createWorkflowExecution');
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('maps NoHostAvailable to UnavailableError', () => {
    const err = mapDriverError(new cassandra.errors.NoHostAvailableError({ '127.0.0.1:9042': new Error('ECONNREFUSED') }), 'getNamespace');
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).code).toBe('UNAVAILABLE');
    expect((err as UnavailableError).retryable).toBe(true);
  });

  it.each([
    ['unavailable', codes.unavailableException],
    ['overloaded', codes.overloaded],
    ['bootstrapping', codes.isBootstrapping],
    ['read failure', codes.readFailure],
    ['write failure', codes.writeFailure],
  ])('maps a server %s error to UnavailableError', (_what, code) => {
    expect(mapDriverError(responseError(code, 'Cannot achieve consistency level LOCAL_QUORUM'), 'getTasks')).toBeInstanceOf(UnavailableError);
  });

  it('maps NoHostAvailable after a host timed out to TimeoutError: the write may have been applied there', () => {
    const timedOut = new cassandra.errors.OperationTimedOutError('The host 10.0.0.1:9042 did not reply before timeout 12000 ms', '10.0.0.1:9042');
    const err = mapDriverError(new cassandra.errors.NoHostAvailableError({ '10.0.0.1:9042': timedOut, '10.0.0.2:9042': new Error('ECONNREFUSED') }), 'updateWorkflowExecution');
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('maps a busy connection pool to UnavailableError', () => {
    expect(mapDriverError(new cassandra.errors.BusyConnectionError('127.0.0.1:9042', 2048, 1), 'getTasks')).toBeInstanceOf(UnavailableError);
  });

  it('maps a request the server rejects as invalid to InvalidPersistenceRequestError', () => {
    const err = mapDriverError(responseError(codes.invalid, 'Key may not be empty'), 'getTaskQueue');
    expect(err).toBeInstanceOf(InvalidPersistenceRequestError);
    expect((err as InvalidPersistenceRequestError).retryable).toBe(false);
  });

  it('maps a value the driver cannot encode to InvalidPersistenceRequestError', () => {
    expect(mapDriverError(new TypeError('Not a valid bigint, expected Long/Number/String/Buffer, obtained {}'), 'x')).toBeInstanceOf(InvalidPersistenceRequestError);
    expect(mapDriverError(new cassandra.errors.ArgumentError('bad'), 'x')).toBeInstanceOf(InvalidPersistenceRequestError);
  });

  it('keeps the driver error as the cause', () => {
    const original = responseError(codes.writeTimeout, 'timed out');
    expect((mapDriverError(original, 'x') as Error).cause).toBe(original);
  });

  it('passes persistence errors through untouched', () => {
    const err = new ConditionFailedError('stale');
    expect(mapDriverError(err, 'x')).toBe(err);
  });

  it('rethrows what it does not recognise unchanged, never as a success', () => {
    const syntax = responseError(codes.syntaxError, "line 1:7 no viable alternative at input 'FROM'");
    expect(mapDriverError(syntax, 'x')).toBe(syntax);
    const bug = new RangeError('boom');
    expect(mapDriverError(bug, 'x')).toBe(bug);
  });
});
