import { enums, msFromDuration } from '../grpc/api.js';
import type { Failure, RetryPolicy } from '../grpc/api.js';

const RetryState = enums.RetryState;

/**
 * The delay before attempt `attempt + 1` under `policy`, or the RetryState that says why
 * there is none. `deadlineMs` is the latest instant a retry may start (schedule-to-close or
 * workflow execution expiration).
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  failure: Failure | null | undefined,
  now: number,
  deadlineMs: number | undefined,
  timedOut: boolean,
): number | { retryState: number } {
  const max = policy.maximumAttempts ?? 0;
  if (max > 0 && attempt >= max) return { retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED };
  if (!timedOut) {
    if (failure?.applicationFailureInfo?.nonRetryable) return { retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE };
    const type = failure?.applicationFailureInfo?.type;
    if (type && (policy.nonRetryableErrorTypes ?? []).includes(type)) return { retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE };
  }
  const initial = msFromDuration(policy.initialInterval) ?? 1000;
  const maxInterval = msFromDuration(policy.maximumInterval) ?? initial * 100;
  const explicit = msFromDuration(failure?.applicationFailureInfo?.nextRetryDelay);
  const delay = explicit ?? Math.min(initial * Math.pow(policy.backoffCoefficient ?? 2, attempt - 1), maxInterval);
  if (deadlineMs !== undefined && now + delay >= deadlineMs) return { retryState: RetryState.RETRY_STATE_TIMEOUT };
  return delay;
}
