import { WorkflowExecutionStatus, workflowExecutionStatusFromName, workflowExecutionStatusNames } from '../enums.js';
import { parseRfc3339Micros } from '../time.js';
import type { EpochMicros } from '../time.js';
import type { QueryAttribute, QueryScalar } from './ast.js';
import { EXECUTION_DURATION_ATTRIBUTE, EXECUTION_STATUS_ATTRIBUTE } from './attributes.js';
import { nanosToMicros, parseDurationNanos } from './duration.js';
import { VisibilityQueryError } from './errors.js';
import type { SyntaxLiteral } from './syntax.js';

const INTEGER_TEXT = /^-?[0-9]+$/;
const API_STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/**
 * Converts a literal to the value the store compares against, or explains why it does not fit.
 * `now` is the instant NOW() stands for.
 */
export function convertLiteral(attribute: QueryAttribute, literal: SyntaxLiteral, now: EpochMicros): QueryScalar {
  if (attribute.system && attribute.name === EXECUTION_STATUS_ATTRIBUTE) return convertExecutionStatus(literal);
  if (attribute.system && attribute.name === EXECUTION_DURATION_ATTRIBUTE) return convertExecutionDuration(literal);
  switch (attribute.type) {
    case 'Keyword':
    case 'KeywordList':
      return expectString(attribute, literal);
    case 'Text': {
      const text = expectString(attribute, literal);
      // A full-text match on nothing but whitespace has no tokens to match.
      if (text.trim() === '') throw new VisibilityQueryError('bad-literal', `Text attribute '${attribute.name}' needs a value with at least one word`, literal.position);
      return text;
    }
    case 'Int':
    case 'Double':
      return convertNumber(attribute, literal);
    case 'Bool':
      if (literal.kind !== 'boolean') throw mismatch(attribute, literal, 'TRUE or FALSE');
      return literal.value;
    case 'Datetime':
      return convertDatetime(attribute, literal, now);
  }
}

function expectString(attribute: QueryAttribute, literal: SyntaxLiteral): string {
  if (literal.kind !== 'string') throw mismatch(attribute, literal, 'a quoted string');
  return literal.value;
}

function convertNumber(attribute: QueryAttribute, literal: SyntaxLiteral): number {
  if (literal.kind !== 'number') throw mismatch(attribute, literal, 'a number');
  const value = Number(literal.text);
  if (!Number.isFinite(value)) throw new VisibilityQueryError('bad-literal', `number ${literal.text} is out of range`, literal.position);
  // An Int column holds exact integers (however written, 1e20 is one); a Double is approximate anyway.
  if (attribute.type === 'Int' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new VisibilityQueryError('bad-literal', `integer ${literal.text} cannot be represented exactly`, literal.position);
  }
  return value === 0 ? 0 : value; // no negative zero
}

/** RFC 3339 text, integer nanoseconds since the epoch, or NOW() ± a duration, as Temporal accepts. */
function convertDatetime(attribute: QueryAttribute, literal: SyntaxLiteral, now: EpochMicros): number {
  let micros: number | undefined;
  if (literal.kind === 'string') {
    // Date.UTC maps years 0–99 onto 1900–1999; such years are far outside EpochMicros' exact range anyway.
    micros = /^00[0-9]{2}-/.test(literal.value) ? Number.POSITIVE_INFINITY : parseRfc3339Micros(literal.value);
    if (micros === undefined) {
      throw new VisibilityQueryError('bad-literal', `'${literal.value}' is not an RFC 3339 datetime such as '2024-01-02T03:04:05Z'`, literal.position);
    }
  } else if (literal.kind === 'number' && INTEGER_TEXT.test(literal.text)) {
    micros = floorDiv(BigInt(literal.text), 1000n);
  } else if (literal.kind === 'now') {
    micros = floorDiv(BigInt(now) * 1000n + literal.offsetNanos, 1000n);
  } else {
    throw mismatch(attribute, literal, 'an RFC 3339 datetime string or integer nanoseconds');
  }
  if (!Number.isSafeInteger(micros)) throw new VisibilityQueryError('bad-literal', 'datetime is out of range', literal.position);
  return micros === 0 ? 0 : micros;
}

function convertExecutionStatus(literal: SyntaxLiteral): WorkflowExecutionStatus {
  let status: WorkflowExecutionStatus | undefined;
  if (literal.kind === 'string') {
    const name = literal.value.startsWith(API_STATUS_PREFIX) ? screamingToPascal(literal.value.slice(API_STATUS_PREFIX.length)) : literal.value;
    status = workflowExecutionStatusFromName(name);
  } else if (literal.kind === 'number' && INTEGER_TEXT.test(literal.text)) {
    const value = Number(literal.text);
    if (value in workflowExecutionStatusNames) status = value as WorkflowExecutionStatus;
  } else {
    throw new VisibilityQueryError('type-mismatch', `${EXECUTION_STATUS_ATTRIBUTE} takes a status name such as 'Running', not ${describeLiteral(literal)}`, literal.position);
  }
  if (status === undefined) {
    const names = Object.keys(WorkflowExecutionStatus).join(', ');
    throw new VisibilityQueryError('bad-literal', `${EXECUTION_STATUS_ATTRIBUTE} must be one of ${names}`, literal.position);
  }
  return status;
}

function convertExecutionDuration(literal: SyntaxLiteral): number {
  let nanos: bigint | undefined;
  if (literal.kind === 'number' && INTEGER_TEXT.test(literal.text)) nanos = BigInt(literal.text);
  else if (literal.kind === 'string') nanos = parseDurationNanos(literal.value);
  else {
    throw new VisibilityQueryError('type-mismatch', `${EXECUTION_DURATION_ATTRIBUTE} takes integer nanoseconds or a duration string such as '1h30m', not ${describeLiteral(literal)}`, literal.position);
  }
  if (nanos === undefined) {
    throw new VisibilityQueryError('bad-literal', `'${literal.kind === 'string' ? literal.value : ''}' is not a duration such as '1h30m', '250ms' or '01:30:00'`, literal.position);
  }
  const micros = nanosToMicros(nanos);
  if (!Number.isSafeInteger(micros)) throw new VisibilityQueryError('bad-literal', 'duration is out of range', literal.position);
  return micros === 0 ? 0 : micros;
}

function mismatch(attribute: QueryAttribute, literal: SyntaxLiteral, expected: string): VisibilityQueryError {
  return new VisibilityQueryError(
    'type-mismatch',
    `${attribute.type} attribute '${attribute.name}' takes ${expected}, not ${describeLiteral(literal)}`,
    literal.position,
  );
}

function describeLiteral(literal: SyntaxLiteral): string {
  switch (literal.kind) {
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${literal.text}`;
    case 'boolean':
      return literal.value ? 'TRUE' : 'FALSE';
    case 'now':
      return 'NOW()';
  }
}

/** RUNNING → Running, CONTINUED_AS_NEW → ContinuedAsNew. */
function screamingToPascal(text: string): string {
  return text
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

/** Rounds toward negative infinity, so instants before 1970 land on the microsecond they fall in. */
function floorDiv(value: bigint, divisor: bigint): number {
  const quotient = value / divisor;
  return Number(value % divisor < 0n ? quotient - 1n : quotient);
}
