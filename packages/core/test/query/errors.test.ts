import { describe, expect, it } from 'vitest';
import { InvalidPersistenceRequestError, MAX_NESTING_DEPTH, parseVisibilityQuery, VisibilityQueryError } from '../../src/index.js';
import type { ParseVisibilityQueryOptions, VisibilityQueryErrorReason } from '../../src/index.js';
import { CUSTOM_ATTRIBUTES } from './support.js';

function rejection(text: string, options: ParseVisibilityQueryOptions = {}): VisibilityQueryError {
  try {
    parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES, ...options });
  } catch (err) {
    if (err instanceof VisibilityQueryError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

/** `at` marks the offending offset: the index of its first occurrence in the query. */
function expectRejected(text: string, reason: VisibilityQueryErrorReason, at: string | number, options?: ParseVisibilityQueryOptions): VisibilityQueryError {
  const err = rejection(text, options);
  const position = typeof at === 'number' ? at : text.indexOf(at);
  expect(position).toBeGreaterThanOrEqual(0);
  expect({ reason: err.reason, position: err.position }, err.message).toEqual({ reason, position });
  return err;
}

describe('VisibilityQueryError', () => {
  it('is an InvalidPersistenceRequestError with a readable message', () => {
    const err = rejection('Nope = 1');
    expect(err).toBeInstanceOf(InvalidPersistenceRequestError);
    expect(err.code).toBe('INVALID_PERSISTENCE_REQUEST');
    expect(err.retryable).toBe(false);
    expect(err.name).toBe('VisibilityQueryError');
    expect(err.message).toBe("invalid visibility query: unknown search attribute 'Nope' (at offset 0)");
  });
});

describe('syntax errors', () => {
  it.each([
    [`WorkflowId = 'abc`, `'abc`, /unterminated string/],
    [`WorkflowId = "abc\\"`, `"abc`, /unterminated string/],
    ['`Custom Name = 1', '`', /unterminated quoted attribute name/],
    ['`` = 1', '`', /empty quoted attribute name/],
    [`WorkflowId = 'a'; DROP TABLE x`, ';', /unexpected character ";"/],
    [`WorkflowId = 'a' -- comment`, '--', /comments are not supported/],
    [`WorkflowId = 'a' /* c */`, '/*', /comments are not supported/],
    ['HistoryLength = --5', '--', /comments are not supported/],
    [`WorkflowId = 'a' / 2`, '/', /unexpected character "\/"/],
    [`WorkflowId = 'a' # c`, '#', /unexpected character "#"/],
    ['HistoryLength = 12abc', '12abc', /malformed number '12a'/],
    ['HistoryLength = 1.2.3', '1.2.3', /malformed number/],
    ['HistoryLength', 13, /incomplete condition: 'HistoryLength' must be followed by an operator/],
    ['HistoryLength 5', '5', /expected an operator after 'HistoryLength' but found the number 5/],
    ['HistoryLength =', 15, /expected a value but found the end of the query/],
    ['HistoryLength = )', ')', /expected a value but found '\)'/],
    [`(WorkflowId = 'a'`, 17, /expected '\)' but found the end of the query/],
    [`WorkflowId = 'a')`, ')', /expected AND, OR, GROUP BY, ORDER BY or the end of the query but found '\)'/],
    [`WorkflowId = 'a' WorkflowId = 'b'`, `WorkflowId = 'b'`, /expected AND, OR, GROUP BY, ORDER BY/],
    ['GROUP BY ExecutionStatus ORDER', 'ORDER', /expected ',', ORDER BY or the end of the query but found ORDER/],
    ['GROUP ExecutionStatus', 'GROUP', /reserved word GROUP/],
    [`WorkflowId = 'a' AND`, 20, /expected a search attribute name but found the end/],
    [`AND WorkflowId = 'a'`, 'AND', /found the reserved word AND/],
    [`'a' = WorkflowId`, `'a'`, /left side of a condition must be a search attribute name/],
    ['5 = HistoryLength', '5', /left side of a condition must be a search attribute name/],
    ['WorkflowId = RunId', 'RunId', /comparing two attributes is not supported \(did you forget to quote a string\?\)/],
    ['Order = 1', 'Order', /reserved word ORDER \(quote the name in backticks/],
    ['WorkflowId = NULL', 'NULL', /IS NULL or IS NOT NULL/],
    ['WorkflowId IS EMPTY', 'EMPTY', /expected NULL but found 'EMPTY'/],
    ['WorkflowId IN ()', ')', /expected a value but found '\)'/],
    [`WorkflowId IN 'a'`, `'a'`, /expected '\(' but found a string/],
    [`WorkflowId IN ('a' 'b')`, `'b'`, /expected '\)' but found a string/],
    [`WorkflowId IN ('a',)`, ')', /expected a value/],
    ['HistoryLength BETWEEN 1 OR 2', 'OR', /expected AND but found OR/],
    ['HistoryLength NOT = 1', '=', /expected IN, BETWEEN or STARTS_WITH after NOT but found '='/],
    ['NOT', 3, /expected a search attribute name but found the end/],
    ['()', ')', /expected a search attribute name but found '\)'/],
    [`WorkflowId = - 'a'`, `'a'`, /expected a number after '-' but found a string/],
    ['ORDER StartTime', 'ORDER', /reserved word ORDER/],
    ['ORDER BY', 8, /expected a search attribute name but found the end/],
    ['ORDER BY StartTime sideways', 'sideways', /expected ',' or the end of the query but found 'sideways'/],
    ['HistoryLength = -x', 'x', /expected a number after '-' but found 'x'/],
    ['ORDER BY StartTime,', 19, /expected a search attribute name/],
    ['StartTime > NOW() -', 19, /expected a duration such as 1h after 'NOW\(\) -'/],
    ['StartTime > NOW() + )', 20, /expected a duration such as 1h after 'NOW\(\) \+'/],
    ['StartTime > NOW', 'NOW', /expected a value but found the name 'NOW'/],
    ['StartTime > NOW ()', 'NOW', /expected a value but found the name 'NOW'/],
    ['NOW() > StartTime', 'NOW', /left side of a condition must be a search attribute name/],
  ])('%j', (text, at, message) => {
    const err = expectRejected(text, 'syntax', at, { allowOrderBy: true, allowGroupBy: true });
    expect(err.detail).toMatch(message);
  });
});

describe('unknown attributes', () => {
  it('points at the unknown name', () => {
    const err = expectRejected(`WorkflowId = 'a' AND Missing > 3`, 'unknown-attribute', 'Missing');
    expect(err.detail).toBe("unknown search attribute 'Missing'");
  });

  it('suggests a name that differs only in case', () => {
    expect(expectRejected(`workflowid = 'a'`, 'unknown-attribute', 0).detail).toMatch(/did you mean 'WorkflowId'\?/);
    expect(expectRejected(`customkeyword = 'a'`, 'unknown-attribute', 0).detail).toMatch(/did you mean 'CustomKeyword'\?/);
  });

  it('knows only the custom attributes it was given', () => {
    expectRejected(`CustomKeyword = 'a'`, 'unknown-attribute', 0, { customAttributes: new Map() });
  });

  it('applies to backticked names and ORDER BY terms', () => {
    expectRejected('`Custom  Name` IS NULL', 'unknown-attribute', 0);
    expectRejected('ORDER BY StartTime, Nope', 'unknown-attribute', 'Nope', { allowOrderBy: true });
  });
});

describe('type mismatches', () => {
  it.each([
    ['WorkflowId = 1', '1', /Keyword attribute 'WorkflowId' takes a quoted string, not the number 1/],
    ['WorkflowId = true', 'true', /not TRUE/],
    ['BuildIds IN (1)', '1', /KeywordList attribute 'BuildIds' takes a quoted string/],
    ['CustomText = 3', '3', /Text attribute/],
    [`HistoryLength > '5'`, `'5'`, /Int attribute 'HistoryLength' takes a number, not a string/],
    ['CustomDouble = false', 'false', /Double attribute 'CustomDouble' takes a number, not FALSE/],
    [`CustomBool = 'true'`, `'true'`, /Bool attribute 'CustomBool' takes TRUE or FALSE, not a string/],
    ['CustomBool = 1', '1', /takes TRUE or FALSE, not the number 1/],
    ['StartTime > 1.5', '1.5', /Datetime attribute 'StartTime' takes an RFC 3339 datetime string or integer nanoseconds/],
    ['StartTime > true', 'true', /Datetime attribute/],
    ['ExecutionStatus = true', 'true', /ExecutionStatus takes a status name/],
    ['ExecutionStatus = 1.5', '1.5', /ExecutionStatus takes a status name/],
    ['ExecutionDuration > 1.5', '1.5', /ExecutionDuration takes integer nanoseconds or a duration string/],
    [`WorkflowId IN ('a', 2, 'c')`, '2', /takes a quoted string/],
    ['HistoryLength BETWEEN 1 AND "9"', '"9"', /takes a number/],
    [`WorkflowId STARTS_WITH 5`, '5', /takes a quoted string/],
    ['WorkflowId = NOW()', 'NOW', /Keyword attribute 'WorkflowId' takes a quoted string, not NOW\(\)/],
    ['HistoryLength > NOW() - 1h', 'NOW', /takes a number, not NOW\(\)/],
    ['ExecutionDuration > NOW()', 'NOW', /ExecutionDuration takes integer nanoseconds or a duration string/],
  ])('%j', (text, at, message) => {
    const err = expectRejected(text, 'type-mismatch', at);
    expect(err.detail).toMatch(message);
  });
});

describe('bad literals', () => {
  it.each([
    [`StartTime > 'yesterday'`, `'yesterday'`, /'yesterday' is not an RFC 3339 datetime/],
    [`StartTime > '2024-02-30T00:00:00Z'`, `'2024`, /not an RFC 3339 datetime/],
    [`StartTime > '2024-01-01'`, `'2024`, /not an RFC 3339 datetime/],
    [`StartTime > '2024-01-01T25:00:00Z'`, `'2024`, /not an RFC 3339 datetime/],
    [`CloseTime < '9999-12-31T23:59:59Z'`, `'9999`, /datetime is out of range/],
    [`CloseTime < '1600-01-01T00:00:00Z'`, `'1600`, /datetime is out of range/],
    [`CloseTime < '0050-01-01T00:00:00Z'`, `'0050`, /datetime is out of range/],
    ['StartTime > 100000000000000000000000', '1000', /datetime is out of range/],
    [`CustomText = '   '`, `'   '`, /needs a value with at least one word/],
    [`ExecutionStatus = 'Sleeping'`, `'Sleeping'`, /ExecutionStatus must be one of Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut/],
    [`ExecutionStatus = 'running'`, `'running'`, /must be one of/],
    ['ExecutionStatus = 0', '0', /must be one of/],
    ['ExecutionStatus = 8', '8', /must be one of/],
    [`ExecutionStatus IN ('Running', 'Unspecified')`, `'Unspecified'`, /must be one of/],
    [`ExecutionDuration > '5 minutes'`, `'5 minutes'`, /is not a duration such as '1h30m'/],
    [`ExecutionDuration > '1x'`, `'1x'`, /is not a duration/],
    [`ExecutionDuration > 'h'`, `'h'`, /is not a duration/],
    [`ExecutionDuration > '01:60:00'`, `'01:60:00'`, /is not a duration/],
    [`ExecutionDuration > '9223372036854775808ns'`, `'9223`, /is not a duration/],
    [`ExecutionDuration > ''`, `''`, /is not a duration/],
    ['HistoryLength = 9007199254740993', '9007', /cannot be represented exactly/],
    ['CustomInt > 1e20', '1e20', /integer 1e20 cannot be represented exactly/],
    ['CustomDouble = 1e400', '1e400', /out of range/],
    ['StartTime > NOW() - 1x', '1x', /'1x' is not a NOW\(\) offset such as 1h30m/],
    ['StartTime > NOW() - 1.5h', '1.5h', /'1' is not a NOW\(\) offset/],
    ['StartTime > NOW() - h', 'h', /'h' is not a NOW\(\) offset/],
    ['StartTime > NOW() + AND', 'AND', /'AND' is not a NOW\(\) offset/],
    ['StartTime > NOW() - 99999999999999w', '9999', /is not a NOW\(\) offset/],
  ])('%j', (text, at, message) => {
    const err = expectRejected(text, 'bad-literal', at);
    expect(err.detail).toMatch(message);
  });
});

describe('unsupported constructs', () => {
  it.each([
    [`WorkflowId LIKE 'a%'`, 'LIKE', /LIKE is not supported; use STARTS_WITH/],
    [`WorkflowId NOT LIKE 'a%'`, 'LIKE', /NOT LIKE is not supported/],
    [`WorkflowId = 'a' LIMIT 10`, 'LIMIT', /LIMIT clause is not supported/],
    ['HistoryLength STARTS_WITH 1', 'STARTS_WITH', /operator STARTS_WITH is not supported on Int attribute 'HistoryLength'/],
    [`CustomText STARTS_WITH 'a'`, 'STARTS_WITH', /on Text attribute/],
    [`BuildIds NOT STARTS_WITH 'a'`, 'NOT', /operator NOT STARTS_WITH is not supported on KeywordList/],
    [`ExecutionStatus STARTS_WITH 'Run'`, 'STARTS_WITH', /operator STARTS_WITH is not supported on ExecutionStatus/],
    [`CustomText > 'a'`, '>', /operator > is not supported on Text attribute 'CustomText'/],
    [`CustomText IN ('a')`, 'IN', /operator IN is not supported on Text/],
    [`CustomText BETWEEN 'a' AND 'b'`, 'BETWEEN', /BETWEEN is not supported on Text/],
    ['CustomBool < true', '<', /operator < is not supported on Bool/],
    ['CustomBool IN (true)', 'IN', /on Bool/],
    ['CustomBool NOT BETWEEN false AND true', 'NOT', /NOT BETWEEN is not supported on Bool/],
    [`BuildIds >= 'a'`, '>=', /on KeywordList/],
    [`BuildIds BETWEEN 'a' AND 'b'`, 'BETWEEN', /on KeywordList/],
    [`ExecutionStatus > 'Running'`, '>', /operator > is not supported on ExecutionStatus, which takes only =, !=, IN and NOT IN/],
    [`ExecutionStatus BETWEEN 1 AND 3`, 'BETWEEN', /operator BETWEEN is not supported on ExecutionStatus/],
  ])('%j', (text, at, message) => {
    const err = expectRejected(text, 'unsupported', at);
    expect(err.detail).toMatch(message);
  });

  it('rejects ORDER BY unless the caller allows it, pointing at ORDER', () => {
    expect(expectRejected(`WorkflowId = 'a' order by StartTime`, 'unsupported', 'order').detail).toMatch(/ORDER BY is not supported/);
    expectRejected('ORDER BY StartTime', 'unsupported', 0);
    expectRejected('ORDER BY StartTime', 'unsupported', 0, { allowOrderBy: false });
  });

  it('rejects GROUP BY unless the caller allows it, pointing at GROUP', () => {
    expect(expectRejected(`WorkflowId = 'a' GROUP BY ExecutionStatus`, 'unsupported', 'GROUP').detail).toMatch(/only supported when counting/);
    expectRejected('group by ExecutionStatus', 'unsupported', 0, { allowGroupBy: false });
  });

  it('groups only by ExecutionStatus, alone', () => {
    const allowGroupBy = { allowGroupBy: true };
    expect(expectRejected('GROUP BY WorkflowType', 'unsupported', 'WorkflowType', allowGroupBy).detail).toMatch(/supports only ExecutionStatus, not 'WorkflowType'/);
    expect(expectRejected('GROUP BY ExecutionStatus, WorkflowType', 'unsupported', 'WorkflowType', allowGroupBy).detail).toMatch(/only a single attribute/);
    expectRejected('GROUP BY Nope', 'unknown-attribute', 'Nope', allowGroupBy);
  });

  it('rejects sorting by Text', () => {
    expect(expectRejected('ORDER BY StartTime, CustomText DESC', 'unsupported', 'CustomText', { allowOrderBy: true }).detail).toMatch(/cannot sort by Text/);
  });

  it(`limits nesting to ${MAX_NESTING_DEPTH} levels of parentheses or NOT`, () => {
    const ok = `${'('.repeat(MAX_NESTING_DEPTH - 1)}WorkflowId = 'a'${')'.repeat(MAX_NESTING_DEPTH - 1)}`;
    expect(parseVisibilityQuery(ok).where).toEqual(parseVisibilityQuery(`WorkflowId = 'a'`).where);
    const tooDeep = `${'('.repeat(MAX_NESTING_DEPTH)}WorkflowId = 'a'${')'.repeat(MAX_NESTING_DEPTH)}`;
    // The position is that of the first token beyond the limit.
    expect(expectRejected(tooDeep, 'unsupported', MAX_NESTING_DEPTH).detail).toMatch(/nests deeper than/);
    expect(parseVisibilityQuery(`${'NOT '.repeat(MAX_NESTING_DEPTH - 1)}WorkflowId = 'a'`).where?.kind).toBe('not');
    expectRejected(`${'NOT '.repeat(MAX_NESTING_DEPTH)}WorkflowId = 'a'`, 'unsupported', 4 * MAX_NESTING_DEPTH);
  });

  it('survives pathological nesting without exhausting the stack', () => {
    expectRejected('('.repeat(100_000), 'unsupported', MAX_NESTING_DEPTH);
    expectRejected('NOT '.repeat(100_000), 'unsupported', 4 * MAX_NESTING_DEPTH);
  });
});

describe('error order', () => {
  it('reports the first problem in the text', () => {
    expectRejected(`Missing = 1 AND WorkflowId = 2`, 'unknown-attribute', 0);
    expectRejected(`WorkflowId = 2 AND Missing = 1`, 'type-mismatch', '2');
  });

  it('reports a syntax error before any type error, even when it comes later', () => {
    expectRejected(`Missing = 1 AND WorkflowId = 'a`, 'syntax', `'a`);
  });
});
