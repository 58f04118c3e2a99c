/**
 * Typed persistence errors. Every store maps its driver's failures onto these, so callers
 * (the server, the conformance suite) branch on `code`, never on driver-specific messages.
 */
export type PersistenceErrorCode =
  | 'CONDITION_FAILED'
  | 'SHARD_OWNERSHIP_LOST'
  | 'CURRENT_WORKFLOW_CONDITION_FAILED'
  | 'WORKFLOW_CONDITION_FAILED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_PERSISTENCE_REQUEST'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'SCHEMA_VERSION_MISMATCH';

export abstract class PersistenceError extends Error {
  abstract readonly code: PersistenceErrorCode;
  /** Whether the same request may succeed if simply sent again. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A compare-and-set precondition (version, rangeId lease, existence) did not hold. */
export class ConditionFailedError extends PersistenceError {
  readonly code = 'CONDITION_FAILED' as const;
}

/** The caller's shard rangeId is stale: another owner has taken the shard. */
export class ShardOwnershipLostError extends PersistenceError {
  readonly code = 'SHARD_OWNERSHIP_LOST' as const;
  constructor(
    readonly shardId: number,
    readonly expectedRangeId: number,
    readonly actualRangeId: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `shard ${shardId} ownership lost: caller holds rangeId ${expectedRangeId}, store has ${actualRangeId ?? 'no shard row'}`,
      options,
    );
  }
}

/** What the current-run row held when a create or update found it in an unexpected state. */
export interface CurrentRunSnapshot {
  readonly runId: string;
  readonly createRequestId: string;
  readonly state: number;
  readonly status: number;
  readonly lastWriteVersion: number;
  readonly startVersion: number;
}

export class CurrentWorkflowConditionFailedError extends PersistenceError {
  readonly code = 'CURRENT_WORKFLOW_CONDITION_FAILED' as const;
  /** Undefined when the condition failed because no current row exists at all. */
  readonly current: CurrentRunSnapshot | undefined;
  constructor(message: string, current: CurrentRunSnapshot | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.current = current;
  }
  get runId(): string | undefined {
    return this.current?.runId;
  }
  get requestId(): string | undefined {
    return this.current?.createRequestId;
  }
  get state(): number | undefined {
    return this.current?.state;
  }
  get status(): number | undefined {
    return this.current?.status;
  }
}

/** The execution row's dbRecordVersion did not match the writer's expectation. */
export class WorkflowConditionFailedError extends PersistenceError {
  readonly code = 'WORKFLOW_CONDITION_FAILED' as const;
  constructor(
    message: string,
    readonly expectedDbRecordVersion: number,
    readonly actualDbRecordVersion: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NotFoundError extends PersistenceError {
  readonly code = 'NOT_FOUND' as const;
}

export class AlreadyExistsError extends PersistenceError {
  readonly code = 'ALREADY_EXISTS' as const;
}

/** The request itself is malformed; sending it again cannot help. */
export class InvalidPersistenceRequestError extends PersistenceError {
  readonly code = 'INVALID_PERSISTENCE_REQUEST' as const;
}

/**
 * The store did not answer in time. The write may or may not have been applied, so callers
 * must treat the outcome as unknown (a shard owner re-acquires its range before continuing).
 */
export class TimeoutError extends PersistenceError {
  readonly code = 'TIMEOUT' as const;
  override readonly retryable = true;
}

/** The store is temporarily unable to serve (connection refused, deadlock retries exhausted, node down). */
export class UnavailableError extends PersistenceError {
  readonly code = 'UNAVAILABLE' as const;
  override readonly retryable = true;
}

/** The database schema is older than the store's minimum compatible version. */
export class SchemaVersionMismatchError extends PersistenceError {
  readonly code = 'SCHEMA_VERSION_MISMATCH' as const;
  constructor(
    message: string,
    readonly currentVersion: string | undefined,
    readonly minimumVersion: string,
    readonly fixCommand: string,
  ) {
    super(message);
  }
}

export function isPersistenceError(err: unknown): err is PersistenceError {
  return err instanceof PersistenceError;
}

export function isRetryable(err: unknown): boolean {
  return err instanceof PersistenceError && err.retryable;
}
