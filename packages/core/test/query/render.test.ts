import { describe, expect, it } from 'vitest';
import { parseVisibilityQuery, renderQuery } from '../../src/index.js';
import type { QueryExpr } from '../../src/index.js';
import { CUSTOM_ATTRIBUTES, custom, system } from './support.js';

function canonical(text: string): string {
  return renderQuery(parseVisibilityQuery(text, { customAttributes: CUSTOM_ATTRIBUTES, allowOrderBy: true, allowGroupBy: true }));
}

describe('renderQuery', () => {
  it('renders the empty query as empty text', () => {
    expect(canonical('  ')).toBe('');
  });

  it.each([
    [`WorkflowType = "a" and HistoryLength<>3`, `WorkflowType = 'a' AND HistoryLength != 3`],
    [`WorkflowId = "it's" OR WorkflowId = 'back\\\\slash'`, `WorkflowId = 'it\\'s' OR WorkflowId = 'back\\\\slash'`],
    [`ExecutionStatus in (2, 'WORKFLOW_EXECUTION_STATUS_FAILED')`, `ExecutionStatus IN ('Completed', 'Failed')`],
    [`StartTime >= 1704164645123456789`, `StartTime >= '2024-01-02T03:04:05.123456Z'`],
    [`CloseTime < '2024-01-02T05:04:05+02:00'`, `CloseTime < '2024-01-02T03:04:05.000000Z'`],
    [`ExecutionDuration BETWEEN 1500000000 AND '01:30:00'`, `ExecutionDuration BETWEEN '1.5s' AND '1h30m0s'`],
    [`ExecutionDuration > '250us' AND ExecutionDuration < '-2ms'`, `ExecutionDuration > '250us' AND ExecutionDuration < '-2ms'`],
    ['CustomDouble = -1e-7 AND CustomDouble > 1e21', 'CustomDouble = -1e-7 AND CustomDouble > 1e+21'],
    ['CustomBool = true', 'CustomBool = TRUE'],
    ['`Custom Name` is not null AND `Odd``Name` = 1 AND `Order` IS NULL AND Größe = 1', '`Custom Name` IS NOT NULL AND `Odd``Name` = 1 AND `Order` IS NULL AND Größe = 1'],
    ['not (WorkflowId = \'a\' or WorkflowId = \'b\')', `NOT (WorkflowId = 'a' OR WorkflowId = 'b')`],
    ['NOT NOT WorkflowId starts_with \'a\'', `NOT NOT WorkflowId STARTS_WITH 'a'`],
    ['(WorkflowId = \'a\' OR RunId = \'b\') AND (TaskQueue not in (\'q\') OR NOT RunId IS NULL)', `(WorkflowId = 'a' OR RunId = 'b') AND (TaskQueue NOT IN ('q') OR NOT RunId IS NULL)`],
    ['WorkflowId = \'a\' OR RunId = \'b\' AND TaskQueue = \'c\'', `WorkflowId = 'a' OR (RunId = 'b' AND TaskQueue = 'c')`],
    ['HistoryLength not between 1 and 2 order by StartTime, WorkflowId desc', 'HistoryLength NOT BETWEEN 1 AND 2 ORDER BY StartTime ASC, WorkflowId DESC'],
    ['order by CloseTime', 'ORDER BY CloseTime ASC'],
    [`ExecutionStatus != 'Running' group by ExecutionStatus order by ExecutionStatus`, `ExecutionStatus != 'Running' GROUP BY ExecutionStatus ORDER BY ExecutionStatus ASC`],
  ])('%s', (text, rendered) => {
    expect(canonical(text)).toBe(rendered);
    expect(canonical(rendered)).toBe(rendered);
  });

  it('renders a bare expression', () => {
    const expr: QueryExpr = {
      kind: 'or',
      operands: [
        { kind: 'isNull', attribute: system('CloseTime', 'Datetime'), negated: false },
        { kind: 'in', attribute: custom('CustomKeywordList'), negated: true, values: ['a', 'b'] },
      ],
    };
    expect(renderQuery(expr)).toBe(`CloseTime IS NULL OR CustomKeywordList NOT IN ('a', 'b')`);
  });

  it('still renders values no parse can produce, for debugging hand-built trees', () => {
    expect(renderQuery({ kind: 'comparison', attribute: system('ExecutionStatus', 'Int'), operator: '=', value: 42 })).toBe('ExecutionStatus = 42');
    expect(renderQuery({ kind: 'comparison', attribute: system('StartTime', 'Datetime'), operator: '>', value: 1.5 })).toBe('StartTime > 1.5');
  });
});
