import { InvalidPersistenceRequestError } from '../errors.js';

/**
 * Why a list filter was rejected, so a frontend can map it to the right API error and tests
 * can assert the cause without matching message text.
 */
export type VisibilityQueryErrorReason =
  /** The text is not a well-formed filter (unexpected token, unterminated string, ...). */
  | 'syntax'
  /** The name is neither a system search attribute nor one registered for the namespace. */
  | 'unknown-attribute'
  /** The literal's kind does not fit the attribute (a number for a Keyword, a string for a Bool, ...). */
  | 'type-mismatch'
  /** The literal has the right kind but an invalid value (bad datetime, unknown status, out of range). */
  | 'bad-literal'
  /** Well-formed, but not something this filter language or this backend supports. */
  | 'unsupported';

export class VisibilityQueryError extends InvalidPersistenceRequestError {
  /** The message without the position suffix. */
  readonly detail: string;

  constructor(
    readonly reason: VisibilityQueryErrorReason,
    detail: string,
    /** Offset in the query text (UTF-16 code units) of the token or literal at fault. */
    readonly position: number,
  ) {
    super(`invalid visibility query: ${detail} (at offset ${position})`);
    this.detail = detail;
  }
}
