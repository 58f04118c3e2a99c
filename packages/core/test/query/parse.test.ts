import { describe, expect, it } from 'vitest';
import { parseVisibilityQuery, WorkflowExecutionStatus } from '../../src/index.js';
import type { QueryExpr, VisibilityQuery } from '../../src/index.js';
import { CUSTOM_ATTRIBUTES, custom, system } from './support.js';

function where(text: string): QueryExpr | undefined {
  return parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES }).where;
}

function parseSorted(text: string): VisibilityQuery {
  return parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES, allowOrderBy: true, allowGroupBy: true });
}

const historyLength = system('HistoryLength', 'Int');
const workflowId = system('WorkflowId', 'Keyword');
const workflowType = system('WorkflowType', 'Keyword');
const startTime = system('StartTime', 'Datetime');
const executionStatus = system('ExecutionStatus', 'Int');
const executionDuration = system('ExecutionDuration', 'Int');

describe('empty queries', () => {
  it.each(['', '   ', '\n\t '])('%j matches everything', (text) => {
    expect(parseVisibilityQuery(text)).toEqual({ where: undefined, groupBy: [], orderBy: [] });
  });
});

describe('comparison operators', () => {
  it.each([
    ['=', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
  ] as const)('HistoryLength %s 10', (written, operator) => {
    expect(where(`HistoryLength ${written} 10`)).toEqual({ kind: 'comparison', attribute: historyLength, operator, value: 10 });
  });

  it('needs no whitespace around operators', () => {
    expect(where(`WorkflowId='a'AND HistoryLength>=3`)).toEqual({
      kind: 'and',
      operands: [
        { kind: 'comparison', attribute: workflowId, operator: '=', value: 'a' },
        { kind: 'comparison', attribute: historyLength, operator: '>=', value: 3 },
      ],
    });
  });

  it('orders Keyword values', () => {
    expect(where(`WorkflowId >= 'order-100'`)).toEqual({ kind: 'comparison', attribute: workflowId, operator: '>=', value: 'order-100' });
  });

  it('matches Text with = and != (full-text)', () => {
    expect(where(`CustomText = 'quick fox'`)).toEqual({ kind: 'comparison', attribute: custom('CustomText'), operator: '=', value: 'quick fox' });
    expect(where(`CustomText != 'fox'`)).toEqual({ kind: 'comparison', attribute: custom('CustomText'), operator: '!=', value: 'fox' });
  });

  it('treats = on a KeywordList as "contains"', () => {
    expect(where(`BuildIds = 'v1'`)).toEqual({ kind: 'comparison', attribute: system('BuildIds', 'KeywordList'), operator: '=', value: 'v1' });
    expect(where(`CustomKeywordList != 'x'`)).toEqual({ kind: 'comparison', attribute: custom('CustomKeywordList'), operator: '!=', value: 'x' });
  });

  it('compares Bool with TRUE and FALSE in any case', () => {
    expect(where('CustomBool = true')).toEqual({ kind: 'comparison', attribute: custom('CustomBool'), operator: '=', value: true });
    expect(where('CustomBool != FaLsE')).toEqual({ kind: 'comparison', attribute: custom('CustomBool'), operator: '!=', value: false });
  });

  it('compares Double and accepts integers and fractions on Int, as Temporal does', () => {
    expect(where('CustomDouble < 0.25')).toEqual({ kind: 'comparison', attribute: custom('CustomDouble'), operator: '<', value: 0.25 });
    expect(where('CustomInt > 1.5')).toEqual({ kind: 'comparison', attribute: custom('CustomInt'), operator: '>', value: 1.5 });
    expect(where('CustomInt > 9007199254740991')).toEqual({ kind: 'comparison', attribute: custom('CustomInt'), operator: '>', value: Number.MAX_SAFE_INTEGER });
    expect(where('CustomInt > 1e3')).toEqual({ kind: 'comparison', attribute: custom('CustomInt'), operator: '>', value: 1000 });
  });

  it('accepts huge integers on Double, where exactness is not expected', () => {
    expect(where('CustomDouble > 100000000000000000000')).toEqual({ kind: 'comparison', attribute: custom('CustomDouble'), operator: '>', value: 1e20 });
  });
});

describe('numbers', () => {
  it.each([
    ['42', 42],
    ['-42', -42],
    ['- 42', -42],
    ['+42', 42],
    ['1.5', 1.5],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['1.', 1],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['-1e+2', -100],
    ['-0', 0],
  ])('%s', (text, value) => {
    const parsed = where(`CustomDouble = ${text}`);
    expect(parsed).toEqual({ kind: 'comparison', attribute: custom('CustomDouble'), operator: '=', value });
    expect(Object.is((parsed as { value: number }).value, -0)).toBe(false);
  });
});

describe('string literals', () => {
  it.each([
    [`'plain'`, 'plain'],
    [`"double"`, 'double'],
    [`''`, ''],
    [`'it''s'`, "it's"],
    [`'it\\'s'`, "it's"],
    [`"say ""hi"""`, 'say "hi"'],
    [`"say \\"hi\\""`, 'say "hi"'],
    [`'mixed "quotes"'`, 'mixed "quotes"'],
    [`"mixed 'quotes'"`, "mixed 'quotes'"],
    [`'back\\\\slash'`, 'back\\slash'],
    [`'tab\\there'`, 'tab\there'],
    [`'line\\nbreak'`, 'line\nbreak'],
    [`'nul\\0'`, 'nul\0'],
    [`'percent\\%'`, 'percent%'],
    [`'raw\nnewline'`, 'raw\nnewline'],
    [`'emoji 🎉 ünïcödé'`, 'emoji 🎉 ünïcödé'],
    [`'AND OR NOT = ( ) ,'`, 'AND OR NOT = ( ) ,'],
  ])('%s', (literal, value) => {
    expect(where(`WorkflowId = ${literal}`)).toEqual({ kind: 'comparison', attribute: workflowId, operator: '=', value });
  });
});

describe('attribute names', () => {
  it('takes backtick-quoted names with spaces, reserved words and doubled backticks', () => {
    expect(where("`Custom Name` = 'a'")).toEqual({ kind: 'comparison', attribute: custom('Custom Name'), operator: '=', value: 'a' });
    expect(where("`Order` = 'a'")).toEqual({ kind: 'comparison', attribute: custom('Order'), operator: '=', value: 'a' });
    expect(where('`Odd``Name` = 1')).toEqual({ kind: 'comparison', attribute: custom('Odd`Name'), operator: '=', value: 1 });
  });

  it('resolves a backticked system name like a bare one', () => {
    expect(where("`WorkflowId` = 'a'")).toEqual(where("WorkflowId = 'a'"));
  });

  it('reads Unicode letters in bare names', () => {
    expect(where('Größe >= 2')).toEqual({ kind: 'comparison', attribute: custom('Größe'), operator: '>=', value: 2 });
  });

  it('lets a system attribute shadow a custom one of the same name', () => {
    const parsed = parseVisibilityQuery("WorkflowId = 'a'", { customAttributes: new Map([['WorkflowId', 'Int']]) });
    expect(parsed.where).toEqual({ kind: 'comparison', attribute: workflowId, operator: '=', value: 'a' });
  });

  it('knows every system attribute with its type', () => {
    const expected = {
      WorkflowId: 'Keyword', RunId: 'Keyword', WorkflowType: 'Keyword', StartTime: 'Datetime', CloseTime: 'Datetime',
      ExecutionTime: 'Datetime', ExecutionStatus: 'Int', ExecutionDuration: 'Int', HistoryLength: 'Int',
      HistorySizeBytes: 'Int', StateTransitionCount: 'Int', TaskQueue: 'Keyword', ParentWorkflowId: 'Keyword',
      ParentRunId: 'Keyword', RootWorkflowId: 'Keyword', RootRunId: 'Keyword', BuildIds: 'KeywordList',
      TemporalChangeVersion: 'KeywordList',
    } as const;
    for (const [name, type] of Object.entries(expected)) {
      expect(where(`${name} IS NULL`)).toEqual({ kind: 'isNull', attribute: system(name, type), negated: false });
    }
  });
});

describe('IN and NOT IN', () => {
  it('lists Keyword values', () => {
    expect(where(`WorkflowType IN ('a', "b", 'c')`)).toEqual({ kind: 'in', attribute: workflowType, negated: false, values: ['a', 'b', 'c'] });
  });

  it('takes a single value', () => {
    expect(where(`WorkflowType in ('a')`)).toEqual({ kind: 'in', attribute: workflowType, negated: false, values: ['a'] });
  });

  it('negates with NOT IN', () => {
    expect(where('HistoryLength NOT IN (1, -2, 3.5)')).toEqual({ kind: 'in', attribute: historyLength, negated: true, values: [1, -2, 3.5] });
  });

  it('works on KeywordList (contains any) and Datetime', () => {
    expect(where(`TemporalChangeVersion IN ('a-1', 'b-2')`)).toEqual({
      kind: 'in', attribute: system('TemporalChangeVersion', 'KeywordList'), negated: false, values: ['a-1', 'b-2'],
    });
    expect(where(`StartTime IN ('1970-01-01T00:00:01Z')`)).toEqual({ kind: 'in', attribute: startTime, negated: false, values: [1_000_000] });
  });
});

describe('BETWEEN', () => {
  it('takes an inclusive Int range', () => {
    expect(where('HistoryLength BETWEEN 1 AND 5')).toEqual({ kind: 'between', attribute: historyLength, negated: false, lower: 1, upper: 5 });
  });

  it('takes Datetime, Double and Keyword ranges', () => {
    expect(where(`StartTime BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-02T00:00:00Z'`)).toEqual({
      kind: 'between', attribute: startTime, negated: false, lower: 1_704_067_200_000_000, upper: 1_704_153_600_000_000,
    });
    expect(where('CustomDouble BETWEEN -1.5 AND 2.5')).toEqual({ kind: 'between', attribute: custom('CustomDouble'), negated: false, lower: -1.5, upper: 2.5 });
    expect(where(`WorkflowId BETWEEN 'a' AND 'm'`)).toEqual({ kind: 'between', attribute: workflowId, negated: false, lower: 'a', upper: 'm' });
  });

  it('negates with NOT BETWEEN', () => {
    expect(where('HistoryLength NOT BETWEEN 1 AND 5')).toEqual({ kind: 'between', attribute: historyLength, negated: true, lower: 1, upper: 5 });
  });

  it('binds its own AND before the logical AND', () => {
    expect(where(`HistoryLength BETWEEN 1 AND 5 AND WorkflowId = 'x'`)).toEqual({
      kind: 'and',
      operands: [
        { kind: 'between', attribute: historyLength, negated: false, lower: 1, upper: 5 },
        { kind: 'comparison', attribute: workflowId, operator: '=', value: 'x' },
      ],
    });
  });
});

describe('STARTS_WITH', () => {
  it('matches a Keyword prefix', () => {
    expect(where(`WorkflowId STARTS_WITH 'order-'`)).toEqual({ kind: 'startsWith', attribute: workflowId, negated: false, prefix: 'order-' });
  });

  it('keeps LIKE wildcards as literal characters', () => {
    expect(where(`WorkflowId starts_with '50%_off'`)).toEqual({ kind: 'startsWith', attribute: workflowId, negated: false, prefix: '50%_off' });
  });

  it('negates with NOT STARTS_WITH', () => {
    expect(where(`TaskQueue NOT STARTS_WITH "tmp"`)).toEqual({ kind: 'startsWith', attribute: system('TaskQueue', 'Keyword'), negated: true, prefix: 'tmp' });
  });
});

describe('IS NULL', () => {
  it('works on every type', () => {
    for (const name of ['CustomKeyword', 'CustomText', 'CustomInt', 'CustomDouble', 'CustomBool', 'CustomDatetime', 'CustomKeywordList']) {
      expect(where(`${name} IS NULL`)).toEqual({ kind: 'isNull', attribute: custom(name), negated: false });
      expect(where(`${name} is not null`)).toEqual({ kind: 'isNull', attribute: custom(name), negated: true });
    }
  });
});

describe('logical operators', () => {
  const a = { kind: 'comparison', attribute: workflowId, operator: '=', value: 'a' } as const;
  const b = { kind: 'comparison', attribute: workflowId, operator: '=', value: 'b' } as const;
  const c = { kind: 'comparison', attribute: workflowId, operator: '=', value: 'c' } as const;

  it('gives AND precedence over OR', () => {
    expect(where(`WorkflowId = 'a' OR WorkflowId = 'b' AND WorkflowId = 'c'`)).toEqual({ kind: 'or', operands: [a, { kind: 'and', operands: [b, c] }] });
    expect(where(`WorkflowId = 'a' AND WorkflowId = 'b' OR WorkflowId = 'c'`)).toEqual({ kind: 'or', operands: [{ kind: 'and', operands: [a, b] }, c] });
  });

  it('lets parentheses override precedence', () => {
    expect(where(`(WorkflowId = 'a' OR WorkflowId = 'b') AND WorkflowId = 'c'`)).toEqual({ kind: 'and', operands: [{ kind: 'or', operands: [a, b] }, c] });
  });

  it('binds NOT tighter than AND', () => {
    expect(where(`NOT WorkflowId = 'a' AND WorkflowId = 'b'`)).toEqual({ kind: 'and', operands: [{ kind: 'not', operand: a }, b] });
    expect(where(`NOT (WorkflowId = 'a' AND WorkflowId = 'b')`)).toEqual({ kind: 'not', operand: { kind: 'and', operands: [a, b] } });
  });

  it('keeps double negation', () => {
    expect(where(`NOT NOT WorkflowId = 'a'`)).toEqual({ kind: 'not', operand: { kind: 'not', operand: a } });
  });

  it('flattens chains of the same operator however they are grouped', () => {
    const flat = { kind: 'and', operands: [a, b, c] };
    expect(where(`WorkflowId = 'a' AND WorkflowId = 'b' AND WorkflowId = 'c'`)).toEqual(flat);
    expect(where(`WorkflowId = 'a' AND (WorkflowId = 'b' AND WorkflowId = 'c')`)).toEqual(flat);
    expect(where(`(WorkflowId = 'a' AND WorkflowId = 'b') and WorkflowId = 'c'`)).toEqual(flat);
    expect(where(`(WorkflowId = 'a') OR ((WorkflowId = 'b')) or WorkflowId = 'c'`)).toEqual({ kind: 'or', operands: [a, b, c] });
  });

  it('drops redundant parentheses', () => {
    expect(where(`((((WorkflowId = 'a'))))`)).toEqual(a);
  });

  it('accepts keywords in any case', () => {
    expect(where(`WorkflowId = 'x' oR NoT WorkflowId iN ('y') aNd HistoryLength bEtWeEn 1 AnD 2`)).toEqual({
      kind: 'or',
      operands: [
        { kind: 'comparison', attribute: workflowId, operator: '=', value: 'x' },
        {
          kind: 'and',
          operands: [
            { kind: 'not', operand: { kind: 'in', attribute: workflowId, negated: false, values: ['y'] } },
            { kind: 'between', attribute: historyLength, negated: false, lower: 1, upper: 2 },
          ],
        },
      ],
    });
  });
});

describe('datetimes', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['2024-01-02T03:04:05Z', 1_704_164_645_000_000],
    ['2024-01-02T03:04:05.123456Z', 1_704_164_645_123_456],
    ['2024-01-02T03:04:05.123456789Z', 1_704_164_645_123_456],
    ['2024-01-02T03:04:05.1Z', 1_704_164_645_100_000],
    ['2024-01-02T05:04:05+02:00', 1_704_164_645_000_000],
    ['2024-01-01T22:04:05-05:00', 1_704_164_645_000_000],
    ['1969-12-31T23:59:59.999999Z', -1],
  ])('%s', (text, micros) => {
    expect(where(`StartTime = '${text}'`)).toEqual({ kind: 'comparison', attribute: startTime, operator: '=', value: micros });
  });

  it.each([
    ['1704164645123456789', 1_704_164_645_123_456],
    ['0', 0],
    ['999', 0],
    ['-1', -1],
    ['-1500', -2],
  ])('integer nanoseconds %s, floored to the microsecond', (nanos, micros) => {
    expect(where(`CustomDatetime >= ${nanos}`)).toEqual({ kind: 'comparison', attribute: custom('CustomDatetime'), operator: '>=', value: micros });
  });
});

describe('ExecutionStatus', () => {
  it.each(Object.entries(WorkflowExecutionStatus))('%s by name', (name, value) => {
    expect(where(`ExecutionStatus = '${name}'`)).toEqual({ kind: 'comparison', attribute: executionStatus, operator: '=', value });
  });

  it('takes the API enum spelling and the enum number', () => {
    expect(where(`ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW'`)).toEqual({
      kind: 'comparison', attribute: executionStatus, operator: '=', value: WorkflowExecutionStatus.ContinuedAsNew,
    });
    expect(where('ExecutionStatus != 3')).toEqual({ kind: 'comparison', attribute: executionStatus, operator: '!=', value: WorkflowExecutionStatus.Failed });
  });

  it('lists statuses with IN', () => {
    expect(where(`ExecutionStatus NOT IN ('Completed', "TimedOut")`)).toEqual({
      kind: 'in', attribute: executionStatus, negated: true, values: [WorkflowExecutionStatus.Completed, WorkflowExecutionStatus.TimedOut],
    });
  });
});

describe('ExecutionDuration (converted to microseconds)', () => {
  it.each([
    [`'1h2m3s'`, 3_723_000_000],
    [`'100ms'`, 100_000],
    [`'300us'`, 300],
    [`'300µs'`, 300],
    [`'300μs'`, 300],
    [`'1500ns'`, 1],
    [`'1.5s'`, 1_500_000],
    [`'.5m'`, 30_000_000],
    [`'-1.5h'`, -5_400_000_000],
    [`'2d'`, 172_800_000_000],
    [`'1d12h'`, 129_600_000_000],
    [`'0'`, 0],
    [`'01:30:00'`, 5_400_000_000],
    [`'100:00:59'`, 360_059_000_000],
    [`'1000000'`, 1000],
    ['1500000000', 1_500_000],
    ['999', 0],
  ])('%s', (literal, micros) => {
    expect(where(`ExecutionDuration > ${literal}`)).toEqual({ kind: 'comparison', attribute: executionDuration, operator: '>', value: micros });
  });

  it('supports ranges', () => {
    expect(where(`ExecutionDuration BETWEEN '1m' AND '1h'`)).toEqual({
      kind: 'between', attribute: executionDuration, negated: false, lower: 60_000_000, upper: 3_600_000_000,
    });
  });
});

describe('ORDER BY', () => {
  it('parses terms with default and explicit directions', () => {
    expect(parseSorted(`WorkflowType = 'a' ORDER BY StartTime DESC, WorkflowId, HistoryLength asc`)).toEqual({
      where: { kind: 'comparison', attribute: workflowType, operator: '=', value: 'a' },
      groupBy: [],
      orderBy: [
        { attribute: startTime, direction: 'desc' },
        { attribute: workflowId, direction: 'asc' },
        { attribute: historyLength, direction: 'asc' },
      ],
    });
  });

  it('may stand alone', () => {
    expect(parseSorted('order by `Custom Name` desc')).toEqual({ where: undefined, groupBy: [], orderBy: [{ attribute: custom('Custom Name'), direction: 'desc' }] });
  });

  it('is empty when absent', () => {
    expect(parseSorted(`WorkflowId = 'a'`).orderBy).toEqual([]);
  });
});

describe('GROUP BY', () => {
  it('groups a count by ExecutionStatus', () => {
    expect(parseSorted(`WorkflowType = 'a' GROUP BY ExecutionStatus`)).toEqual({
      where: { kind: 'comparison', attribute: workflowType, operator: '=', value: 'a' },
      groupBy: [executionStatus],
      orderBy: [],
    });
  });

  it('may stand alone and precede ORDER BY', () => {
    expect(parseSorted('group by `ExecutionStatus` ORDER BY ExecutionStatus DESC')).toEqual({
      where: undefined,
      groupBy: [executionStatus],
      orderBy: [{ attribute: executionStatus, direction: 'desc' }],
    });
  });
});

describe('NOW()', () => {
  const now = 1_704_164_645_123_456;
  const at = (text: string): QueryExpr | undefined => parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES, now }).where;

  it.each([
    ['NOW()', now],
    ['now()', now],
    ['NOW() - 1h', now - 3_600_000_000],
    ['NOW()-1h30m', now - 5_400_000_000],
    ['NOW() + 2w3d', now + 17 * 86_400_000_000],
    ['NOW() - 1H30M', now - 5_400_000_000],
    ['NOW() - 250ms', now - 250_000],
    ['NOW() - 7µs', now - 7],
    ['NOW() - 1ns', now - 1],
    ['NOW() + 1ns', now],
  ])('%s', (literal, micros) => {
    expect(at(`StartTime < ${literal}`)).toEqual({ kind: 'comparison', attribute: startTime, operator: '<', value: micros });
  });

  it('gives every NOW() in one query the same instant', () => {
    expect(at('CloseTime BETWEEN NOW() - 1d AND NOW()')).toEqual({
      kind: 'between', attribute: system('CloseTime', 'Datetime'), negated: false, lower: now - 86_400_000_000, upper: now,
    });
  });

  it('works in IN lists and before AND', () => {
    expect(at(`CustomDatetime IN (NOW(), NOW() - 1m) AND WorkflowId = 'a'`)).toEqual({
      kind: 'and',
      operands: [
        { kind: 'in', attribute: custom('CustomDatetime'), negated: false, values: [now, now - 60_000_000] },
        { kind: 'comparison', attribute: workflowId, operator: '=', value: 'a' },
      ],
    });
  });

  it('is an ordinary string inside quotes', () => {
    expect(at(`WorkflowId = 'NOW() - 1h'`)).toEqual({ kind: 'comparison', attribute: workflowId, operator: '=', value: 'NOW() - 1h' });
  });

  it('rejects an anchor that is not integer microseconds as a caller error', () => {
    expect(() => parseVisibilityQuery('StartTime > NOW()', { now: 1.5 })).toThrow(RangeError);
  });

  it('defaults to the current time', () => {
    const before = Date.now() * 1000;
    const value = (where('StartTime > NOW()') as { value: number }).value;
    const after = Date.now() * 1000 + 1000;
    expect(value).toBeGreaterThanOrEqual(before);
    expect(value).toBeLessThanOrEqual(after);
  });
});
