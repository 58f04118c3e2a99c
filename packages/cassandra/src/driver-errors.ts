import cassandra from 'cassandra-driver';
import { InvalidPersistenceRequestError, PersistenceError, TimeoutError, UnavailableError } from '@hourglass/core';

const codes = cassandra.types.responseErrorCodes;

/** Response codes after which the write may or may not have been applied. */
const TIMEOUT_CODES: ReadonlySet<number> = new Set([codes.writeTimeout, codes.readTimeout, 0x1700 /* CAS write unknown (protocol v5) */]);

/** Response codes that mean the cluster cannot serve right now but may shortly. */
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([codes.unavailableException, codes.overloaded, codes.isBootstrapping, codes.readFailure, codes.writeFailure]);

function isTimeout(err: unknown): boolean {
  return err instanceof cassandra.errors.OperationTimedOutError || (err instanceof cassandra.errors.ResponseError && TIMEOUT_CODES.has(err.code));
}

/**
 * Maps a cassandra-driver failure onto the typed persistence errors. Timeouts stay timeouts
 * (the outcome is unknown, never reported as success or as a clean failure); anything the
 * mapping does not recognise is rethrown unchanged so it surfaces as the bug it is.
 */
export function mapDriverError(err: unknown, operation: string): unknown {
  if (err instanceof PersistenceError) return err;
  const what = (detail: string) => `cassandra ${operation}: ${detail}`;
  if (err instanceof cassandra.errors.OperationTimedOutError) {
    return new TimeoutError(what(`no answer in time (${err.message})`), { cause: err });
  }
  if (err instanceof cassandra.errors.NoHostAvailableError) {
    // The driver tries the next host after a timeout; when a tried host timed out, a write may
    // have been applied there, so the outcome is unknown rather than "nothing happened".
    const inner = Object.values((err.innerErrors ?? {}) as Record<string, unknown>);
    if (inner.some(isTimeout)) return new TimeoutError(what(`every host failed and at least one timed out (${err.message})`), { cause: err });
    return new UnavailableError(what(`no host available (${err.message})`), { cause: err });
  }
  if (err instanceof cassandra.errors.BusyConnectionError) {
    return new UnavailableError(what(`every connection is busy (${err.message})`), { cause: err });
  }
  if (err instanceof cassandra.errors.ResponseError) {
    if (TIMEOUT_CODES.has(err.code)) return new TimeoutError(what(`server timed out; the write may or may not have been applied (${err.message})`), { cause: err });
    if (UNAVAILABLE_CODES.has(err.code)) return new UnavailableError(what(err.message), { cause: err });
    if (err.code === codes.invalid) return new InvalidPersistenceRequestError(what(`rejected as invalid: ${err.message}`), { cause: err });
    return err;
  }
  // The driver's encoder raises a plain TypeError ("Not a valid …") for a value of the wrong type.
  if (err instanceof cassandra.errors.ArgumentError || (err instanceof TypeError && err.message.startsWith('Not a valid'))) {
    return new InvalidPersistenceRequestError(what(`a value cannot be encoded: ${err.message}`), { cause: err });
  }
  return err;
}
