import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldQuery, parseVisibilityQuery, renderQuery, VisibilityQueryError } from '../../src/index.js';
import type { QueryExpr, QueryScalar, VisibilityQuery } from '../../src/index.js';
import { tokenSoup, visibilityQuery } from './arbitraries.js';
import { SQL_VOCABULARY, sqlTokens, toSql } from './mock-sql.js';
import { CUSTOM_ATTRIBUTES } from './support.js';

const options = { customAttributes: CUSTOM_ATTRIBUTES, allowOrderBy: true, allowGroupBy: true };

/** Parses, or returns the VisibilityQueryError; anything else thrown escapes and fails the property. */
function parseOrReject(text: string): VisibilityQuery | VisibilityQueryError {
  try {
    return parseVisibilityQuery(text, options);
  } catch (err) {
    if (err instanceof VisibilityQueryError) return err;
    throw err;
  }
}

function expectParsesOrRejectsCleanly(text: string): void {
  const result = parseOrReject(text);
  if (result instanceof VisibilityQueryError) {
    expect(result.position).toBeGreaterThanOrEqual(0);
    expect(result.position).toBeLessThanOrEqual(text.length);
    expect(result.detail.length).toBeGreaterThan(0);
    return;
  }
  // Whatever parses renders to text that parses back to the same tree.
  expect(parseVisibilityQuery(renderQuery(result), options)).toEqual(result);
}

function expectSafeSql(expr: QueryExpr): { sql: string; params: readonly QueryScalar[] } {
  const translated = toSql(expr);
  const tokens = sqlTokens(translated.sql);
  expect(tokens.filter((token) => !SQL_VOCABULARY.has(token))).toEqual([]);
  expect(tokens.filter((token) => token === '?').length).toBe(translated.params.length);
  return translated;
}

describe('the parser is total: it returns a query or throws VisibilityQueryError', () => {
  it('for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), expectParsesOrRejectsCleanly), { numRuns: 500 });
  });

  it('for arbitrary printable ASCII', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 120 }), expectParsesOrRejectsCleanly), { numRuns: 500 });
  });

  it('for soups of grammar tokens', () => {
    fc.assert(fc.property(tokenSoup, expectParsesOrRejectsCleanly), { numRuns: 2000 });
  });

  it('for valid queries with one character removed or inserted', () => {
    const mutated = fc
      .tuple(visibilityQuery.map(renderQuery), fc.nat(), fc.constantFrom('', "'", '"', '`', '(', ')', '-', ',', ' ', 'x', '\\'))
      .map(([text, at, insert]) => {
        const index = text.length === 0 ? 0 : at % text.length;
        return text.slice(0, index) + insert + text.slice(index + (insert === '' ? 1 : 0));
      });
    fc.assert(fc.property(mutated, expectParsesOrRejectsCleanly), { numRuns: 500 });
  });
});

describe('round trip', () => {
  it('renders every valid query to text that parses back to the same tree', () => {
    fc.assert(
      fc.property(visibilityQuery, (query) => {
        expect(parseVisibilityQuery(renderQuery(query), options)).toEqual(query);
      }),
      { numRuns: 500 },
    );
  });
});

describe('injection', () => {
  const nasty = fc.oneof(
    fc.constantFrom(
      "' OR 1=1 --",
      "'; DROP TABLE executions_visibility; --",
      '" OR ""="',
      '*/ OR 1=1 /*',
      "\\'; DELETE FROM executions_visibility; --",
      "a' OR 'a'='a",
      "') OR ('1'='1",
      '`; --',
      "x' UNION SELECT * FROM namespaces --",
    ),
    fc
      .array(fc.constantFrom("'", '"', ';', '--', '/*', '*/', ' OR 1=1', '\\', '\\\\', '`', ')', '(', 'DROP TABLE x', '%', '_', '\n', '?', 'a', ' '), { minLength: 1, maxLength: 10 })
      .map((parts) => parts.join('')),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  );

  type Quoting = 'single-doubled' | 'single-backslash' | 'double-doubled' | 'double-backslash';

  /** Writes the value as a correctly escaped literal, in any of the four styles the grammar allows. */
  function literal(value: string, quoting: Quoting): string {
    const quote = quoting.startsWith('single') ? "'" : '"';
    const escapedQuote = quoting.endsWith('doubled') ? quote + quote : `\\${quote}`;
    return quote + value.replaceAll('\\', '\\\\').replaceAll(quote, escapedQuote) + quote;
  }

  const shapes: readonly ((value: string) => string)[] = [
    (v) => `WorkflowId = ${v}`,
    (v) => `CustomKeyword != ${v} AND HistoryLength > 1`,
    (v) => `\`Custom Name\` IN (${v}, ${v})`,
    (v) => `WorkflowType STARTS_WITH ${v} OR TaskQueue NOT STARTS_WITH ${v}`,
    (v) => `RunId BETWEEN ${v} AND ${v}`,
    (v) => `BuildIds = ${v}`,
    (v) => `NOT (CustomKeywordList NOT IN (${v}))`,
    (v) => `CustomText = ${v}`,
  ];

  it('keeps quotes, semicolons, comments and OR 1=1 inside literal values, never in SQL text', () => {
    const quoting = fc.constantFrom<Quoting>('single-doubled', 'single-backslash', 'double-doubled', 'double-backslash');
    fc.assert(
      fc.property(nasty.filter((value) => value.trim() !== ''), quoting, fc.constantFrom(...shapes), (payload, style, shape) => {
        const text = shape(literal(payload, style));
        const { where } = parseVisibilityQuery(text, options);
        const strings: string[] = [];
        foldQuery<void>(where!, {
          and: () => undefined,
          or: () => undefined,
          not: () => undefined,
          comparison: (node) => void (typeof node.value === 'string' && strings.push(node.value)),
          in: (node) => void strings.push(...node.values.filter((value) => typeof value === 'string')),
          between: (node) => void strings.push(String(node.lower), String(node.upper)),
          startsWith: (node) => void strings.push(node.prefix),
          isNull: () => undefined,
        });
        expect(strings.length).toBeGreaterThan(0);
        for (const value of strings) expect(value).toBe(payload);

        const { params } = expectSafeSql(where!);
        expect(params).toContain(payload);
      }),
      { numRuns: 1000 },
    );
  });

  it('lets no parsed token soup, escaped or not, put anything but placeholders in SQL text', () => {
    const unescaped = fc.tuple(nasty, fc.constantFrom(...shapes)).map(([payload, shape]) => shape(`'${payload}'`));
    fc.assert(
      fc.property(fc.oneof(tokenSoup, unescaped), (text) => {
        const result = parseOrReject(text);
        if (!(result instanceof VisibilityQueryError) && result.where !== undefined) expectSafeSql(result.where);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not let unbalanced quoting smuggle an OR into the tree', () => {
    const result = parseOrReject(`WorkflowId = 'x' OR 1=1 --'`);
    expect(result).toBeInstanceOf(VisibilityQueryError);
    const escaped = parseVisibilityQuery(`WorkflowId = 'x'' OR 1=1 --'`, options);
    expect(escaped.where).toEqual({ kind: 'comparison', attribute: { name: 'WorkflowId', type: 'Keyword', system: true }, operator: '=', value: "x' OR 1=1 --" });
  });
});
