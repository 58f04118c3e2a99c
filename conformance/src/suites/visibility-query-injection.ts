import { expect } from 'vitest';
import type { SearchAttributeType, VisibilityRecord } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { uid } from '../fixtures.js';
import { openRecord } from './visibility.js';
import { CUSTOM_ATTRIBUTES, expectMatches, listLabels, parse, quote, seed } from './visibility-query-fixtures.js';
import type { Seeds } from './visibility-query-fixtures.js';

const keyword = (value: string): Partial<VisibilityRecord> => ({ searchAttributes: { CustomKeywordField: { type: 'Keyword', value } } });

/** Values that would change a query's meaning if a store spliced them into query text. */
const HOSTILE = {
  quote: "O'Brien",
  classic: "x' OR '1'='1",
  drop: "'; DROP TABLE executions_visibility; --",
  backslash: 'C:\\temp\\new',
  trailingBackslash: 'ends\\',
  doubleQuote: 'say "hi"',
  json: '{"match_all":{}}',
  percent: '100%_done',
  percentAbc: '100%abc',
  plain: '100xyz',
  underscore: 'a_c',
  abc: 'abc',
} as const;

const HOSTILE_RUNS: Seeds = Object.fromEntries(Object.entries(HOSTILE).map(([label, value]) => [label, keyword(value)]));

export function visibilityQueryInjectionSuite(cell: Cell): void {
  cell.visibilityTest('visibility query injection: every hostile value matches exactly the run holding it', async (v) => {
    const world = await seed(v, HOSTILE_RUNS);
    for (const [label, value] of Object.entries(HOSTILE)) await expectMatches(v, world, `CustomKeywordField = ${quote(value)}`, [label]);
  });

  cell.visibilityTest("visibility query injection: ' OR '1'='1 inside a literal stays a literal", async (v) => {
    const world = await seed(v, { ...HOSTILE_RUNS, byId: { workflowId: "id' OR '1'='1" } });
    await expectMatches(v, world, `CustomKeywordField = ${quote(HOSTILE.classic)}`, ['classic']);
    await expectMatches(v, world, `WorkflowId = ${quote("id' OR '1'='1")}`, ['byId']);
    await expectMatches(v, world, `CustomKeywordField IN (${quote(HOSTILE.classic)}, ${quote("1'='1")})`, ['classic']);
  });

  cell.visibilityTest('visibility query injection: quotes written either way reach the store as the same character', async (v) => {
    const world = await seed(v, HOSTILE_RUNS);
    await expectMatches(v, world, "CustomKeywordField = 'O''Brien'", ['quote']);
    await expectMatches(v, world, "CustomKeywordField = 'O\\'Brien'", ['quote']);
    await expectMatches(v, world, "CustomKeywordField = \"O'Brien\"", ['quote']);
    await expectMatches(v, world, 'CustomKeywordField = "say \\"hi\\""', ['doubleQuote']);
  });

  cell.visibilityTest('visibility query injection: DROP TABLE in a value is inert and the store keeps working', async (v) => {
    const world = await seed(v, HOSTILE_RUNS);
    await expectMatches(v, world, `CustomKeywordField = ${quote(HOSTILE.drop)}`, ['drop']);
    await expectMatches(v, world, `CustomKeywordField STARTS_WITH ${quote("'; DROP")}`, ['drop']);
    await expectMatches(v, world, `WorkflowId != ${quote(HOSTILE.drop)} AND CustomKeywordField = ${quote(HOSTILE.drop)}`, ['drop']);
    // Everything written before is still there and the store still takes writes.
    expect((await listLabels(v, world, {})).sort()).toEqual(Object.keys(HOSTILE).sort());
    const after = openRecord(world.namespaceId);
    await v.recordWorkflowExecutionStarted(after);
    expect((await v.getWorkflowExecution(world.namespaceId, after.runId)).runId).toBe(after.runId);
    expect((await v.countWorkflowExecutions({ namespaceId: world.namespaceId })).count).toBe(Object.keys(HOSTILE).length + 1);
  });

  cell.visibilityTest('visibility query injection: backslashes are ordinary characters', async (v) => {
    const world = await seed(v, HOSTILE_RUNS);
    await expectMatches(v, world, `CustomKeywordField = ${quote(HOSTILE.backslash)}`, ['backslash']);
    await expectMatches(v, world, `CustomKeywordField STARTS_WITH ${quote('C:\\')}`, ['backslash']);
    await expectMatches(v, world, `CustomKeywordField STARTS_WITH ${quote('ends\\')}`, ['trailingBackslash']);
    await expectMatches(v, world, `CustomKeywordField IN (${quote('ends\\')}, ${quote('C:\\temp')})`, ['trailingBackslash']);
  });

  cell.visibilityTest('visibility query injection: % and _ in STARTS_WITH are literal, not wildcards', async (v) => {
    const world = await seed(v, HOSTILE_RUNS);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH '100%'", ['percent', 'percentAbc']);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH '100%_'", ['percent']);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH 'a_'", ['underscore']);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH '_'", []);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH '%'", []);
    await expectMatches(v, world, "CustomKeywordField NOT STARTS_WITH '100%'", Object.keys(HOSTILE).filter((l) => l !== 'percent' && l !== 'percentAbc'));
  });

  cell.visibilityTest('visibility query injection: % and _ in = and IN are literal', async (v) => {
    const world = await seed(v, HOSTILE_RUNS);
    await expectMatches(v, world, "CustomKeywordField = 'a_c'", ['underscore']);
    await expectMatches(v, world, "CustomKeywordField = '100%'", []);
    await expectMatches(v, world, "CustomKeywordField IN ('a%', '_bc', '%')", []);
    await expectMatches(v, world, "CustomKeywordField IN ('abc', '100%abc')", ['abc', 'percentAbc']);
  });

  cell.visibilityTest('visibility query injection: SQL in a Text value is only words to match', async (v) => {
    const world = await seed(v, {
      plain: { searchAttributes: { CustomTextField: { type: 'Text', value: 'the quick brown fox' } } },
      hostile: { searchAttributes: { CustomTextField: { type: 'Text', value: "fox') OR 1=1 --" } } },
    });
    await expectMatches(v, world, `CustomTextField = ${quote("fox') OR 1=1 --")}`, ['hostile']);
    await expectMatches(v, world, `CustomTextField = ${quote("fox' OR 'x'='x")}`, []);
    await expectMatches(v, world, 'CustomTextField = \'fox\'', ['hostile', 'plain']);
  });

  cell.visibilityTest('visibility query injection: an attribute name holding quotes and SQL is matched by name', async (v) => {
    const odd = 'Odd\'Name"; DROP TABLE executions_visibility; --';
    const world = await seed(v, {
      odd: { searchAttributes: { [odd]: { type: 'Keyword', value: 'v' } } },
      plain: { searchAttributes: { CustomKeywordField: { type: 'Keyword', value: 'v' } } },
    });
    const customAttributes = new Map<string, SearchAttributeType>([...CUSTOM_ATTRIBUTES, [odd, 'Keyword']]);
    const labels = async (text: string) => (await listLabels(v, world, { query: parse(text, { customAttributes }) })).sort();
    expect(await labels(`\`${odd}\` = 'v'`)).toEqual(['odd']);
    expect(await labels(`\`${odd}\` IS NULL`)).toEqual(['plain']);
    expect(await labels("CustomKeywordField = 'v'")).toEqual(['plain']);
  });

  cell.visibilityTest('visibility query: Unicode Keyword values match exactly, code point for code point', async (v) => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    const world = await seed(v, {
      cjk: { workflowId: `注文-🧾-${uid()}`, ...keyword('注文-🧾') },
      emoji: keyword('🧾 receipt'),
      nfc: keyword(nfc),
      nfd: keyword(nfd),
      ascii: keyword('cafe'),
    });
    await expectMatches(v, world, "CustomKeywordField = '注文-🧾'", ['cjk']);
    await expectMatches(v, world, `CustomKeywordField = ${quote(nfc)}`, ['nfc']);
    await expectMatches(v, world, `CustomKeywordField = ${quote(nfd)}`, ['nfd']);
    await expectMatches(v, world, "CustomKeywordField = 'cafe'", ['ascii']);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH '🧾'", ['emoji']);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH '注文'", ['cjk']);
    await expectMatches(v, world, "WorkflowId STARTS_WITH '注文-🧾-'", ['cjk']);
  });

  cell.visibilityTest('visibility query: Unicode Text and KeywordList values match', async (v) => {
    const world = await seed(v, {
      greeting: { searchAttributes: { CustomTextField: { type: 'Text', value: 'Grüße aus Köln' }, CustomKeywordListField: { type: 'KeywordList', value: ['日本', 'naïve'] } } },
      other: { searchAttributes: { CustomTextField: { type: 'Text', value: 'Greetings from Cologne' }, CustomKeywordListField: { type: 'KeywordList', value: ['naive'] } } },
    });
    await expectMatches(v, world, "CustomTextField = 'köln'", ['greeting']);
    await expectMatches(v, world, "CustomTextField = 'KÖLN grüße'", ['greeting']);
    await expectMatches(v, world, "CustomKeywordListField = '日本'", ['greeting']);
    await expectMatches(v, world, "CustomKeywordListField IN ('naive')", ['other']);
  });
}
