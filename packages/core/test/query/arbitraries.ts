import fc from 'fast-check';
import { SYSTEM_SEARCH_ATTRIBUTES, WorkflowExecutionStatus } from '../../src/index.js';
import type { OrderByTerm, QueryAttribute, QueryExpr, QueryPredicate, QueryScalar, VisibilityQuery } from '../../src/index.js';
import { CUSTOM_ATTRIBUTES } from './support.js';

/** Every attribute the tests' namespace knows, system and custom. */
export const allAttributes: readonly QueryAttribute[] = [
  ...[...SYSTEM_SEARCH_ATTRIBUTES].map(([name, type]) => ({ name, type, system: true })),
  ...[...CUSTOM_ATTRIBUTES].filter(([name]) => !SYSTEM_SEARCH_ATTRIBUTES.has(name)).map(([name, type]) => ({ name, type, system: false })),
];

// EpochMicros are exact only within ±2^53 µs (about 1684–2255), so valid datetimes stay inside.
const MIN_DATETIME = Date.UTC(1700, 0, 1) * 1000;
const MAX_DATETIME = Date.UTC(2250, 0, 1) * 1000;

/** Any code unit sequence, heavy on the characters that matter to quoting and SQL (and a lone surrogate). */
const character = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("'", '"', '\\', '`', ' ', '\n', '\t', '\0', ';', '-', '/', '*', '%', '_', '(', ')', '?', 'é', '🎉', '\uD800') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const anyString = fc.string({ unit: character, maxLength: 30 });

/** A value the parser accepts for this attribute, in the converted form it produces. */
export function valueFor(attribute: QueryAttribute): fc.Arbitrary<QueryScalar> {
  if (attribute.system && attribute.name === 'ExecutionStatus') return fc.constantFrom(...Object.values(WorkflowExecutionStatus));
  if (attribute.system && attribute.name === 'ExecutionDuration') return fc.maxSafeInteger();
  switch (attribute.type) {
    case 'Keyword':
    case 'KeywordList':
      return anyString;
    case 'Text':
      return anyString.filter((text) => text.trim() !== '');
    case 'Int':
      // Fractions are accepted on Int, as in Temporal; integers only where a double holds them exactly.
      return fc.oneof(
        fc.maxSafeInteger(),
        fc.integer({ min: -1000, max: 1000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value) || Number.isSafeInteger(value)).map((value) => (value === 0 ? 0 : value)),
      );
    case 'Double':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value));
    case 'Bool':
      return fc.boolean();
    case 'Datetime':
      return fc.integer({ min: MIN_DATETIME, max: MAX_DATETIME });
  }
}

function supports(attribute: QueryAttribute, operation: 'ordering' | 'in' | 'between' | 'startsWith'): boolean {
  if (attribute.system && attribute.name === 'ExecutionStatus') return operation === 'in';
  switch (attribute.type) {
    case 'Keyword':
      return true;
    case 'Int':
    case 'Double':
    case 'Datetime':
      return operation !== 'startsWith';
    case 'KeywordList':
      return operation === 'in';
    case 'Text':
    case 'Bool':
      return false;
  }
}

/** A predicate the type rules allow, on any known attribute. */
export const predicate: fc.Arbitrary<QueryPredicate> = fc.constantFrom(...allAttributes).chain((attribute) => {
  const value = valueFor(attribute);
  const options: fc.Arbitrary<QueryPredicate>[] = [
    fc.record({ kind: fc.constant('comparison' as const), attribute: fc.constant(attribute), operator: fc.constantFrom('=' as const, '!=' as const), value }),
    fc.record({ kind: fc.constant('isNull' as const), attribute: fc.constant(attribute), negated: fc.boolean() }),
  ];
  if (supports(attribute, 'ordering')) {
    options.push(fc.record({ kind: fc.constant('comparison' as const), attribute: fc.constant(attribute), operator: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), value }));
  }
  if (supports(attribute, 'in')) {
    options.push(fc.record({ kind: fc.constant('in' as const), attribute: fc.constant(attribute), negated: fc.boolean(), values: fc.array(value, { minLength: 1, maxLength: 4 }) }));
  }
  if (supports(attribute, 'between')) {
    const bound = value as fc.Arbitrary<string | number>;
    options.push(fc.record({ kind: fc.constant('between' as const), attribute: fc.constant(attribute), negated: fc.boolean(), lower: bound, upper: bound }));
  }
  if (supports(attribute, 'startsWith')) {
    options.push(fc.record({ kind: fc.constant('startsWith' as const), attribute: fc.constant(attribute), negated: fc.boolean(), prefix: anyString }));
  }
  return fc.oneof(...options);
});

/** Valid filter trees in the parser's normal form: AND/OR have two or more operands, none of their own kind. */
export const queryExpr: fc.Arbitrary<QueryExpr> = fc.letrec<{ expr: QueryExpr; and: QueryExpr; or: QueryExpr; not: QueryExpr }>((tie) => {
  const nesting = { depthIdentifier: 'query', maxDepth: 4 };
  return {
    expr: fc.oneof(nesting, predicate, tie('and'), tie('or'), tie('not')),
    and: fc.array(fc.oneof(nesting, predicate, tie('or'), tie('not')), { minLength: 2, maxLength: 4 }).map((operands) => ({ kind: 'and' as const, operands })),
    or: fc.array(fc.oneof(nesting, predicate, tie('and'), tie('not')), { minLength: 2, maxLength: 4 }).map((operands) => ({ kind: 'or' as const, operands })),
    not: tie('expr').map((operand) => ({ kind: 'not' as const, operand })),
  };
}).expr;

const orderByTerm: fc.Arbitrary<OrderByTerm> = fc.record({
  attribute: fc.constantFrom(...allAttributes.filter((attribute) => attribute.type !== 'Text')),
  direction: fc.constantFrom('asc' as const, 'desc' as const),
});

const executionStatus = allAttributes.find((attribute) => attribute.name === 'ExecutionStatus')!;

export const visibilityQuery: fc.Arbitrary<VisibilityQuery> = fc.record({
  where: fc.option(queryExpr, { nil: undefined }),
  groupBy: fc.constantFrom([], [executionStatus]),
  orderBy: fc.array(orderByTerm, { maxLength: 3 }),
});

const attributeToken = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...allAttributes.map((attribute) => attribute.name).filter((name) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) && name !== 'Order')) },
  { weight: 1, arbitrary: fc.constantFrom('`Custom Name`', '`Odd``Name`', '`WorkflowId`', '`Order`', 'Unknown', 'workflowid', '`', '``', 'Order') },
);

const literalToken = fc.oneof(
  fc.constantFrom(`'Running'`, `'ContinuedAsNew'`, `'Sleeping'`, `'2024-01-02T03:04:05Z'`, `'2024-02-30T00:00:00Z'`, `'1h30m'`, `'01:02:03'`, `'5 minutes'`),
  fc.constantFrom(`''`, `'   '`, `'it''s'`, `'a\\'b'`, `"x"`, `'`, `"`),
  fc.constantFrom('TRUE', 'false', 'NULL', '0', '3', '-1', '1.5', '.5', '1e3', '1e20', '-1e300', '1e-7', '1e400', '9007199254740993', '1704164645123456789', '- 2', '12abc'),
  fc.constantFrom('NOW()', 'now() - 1h', 'NOW()+2w3d', 'NOW() -', 'NOW() - 1x', 'NOW'),
  anyString.map((text) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`),
  fc.integer().map(String),
);

/** `attribute operator literal(s)`: well-formed in shape, often ill-typed, sometimes valid. */
const conditionText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(attributeToken, fc.constantFrom('=', '!=', '<>', '<', '<=', '>', '>='), literalToken).map((parts) => parts.join(' ')),
  fc.tuple(attributeToken, fc.constantFrom('IN', 'not in'), fc.array(literalToken, { minLength: 1, maxLength: 3 })).map(([a, op, values]) => `${a} ${op} (${values.join(', ')})`),
  fc.tuple(attributeToken, fc.constantFrom('BETWEEN', 'NOT BETWEEN'), literalToken, literalToken).map(([a, op, lo, hi]) => `${a} ${op} ${lo} AND ${hi}`),
  fc.tuple(attributeToken, fc.constantFrom('STARTS_WITH', 'NOT STARTS_WITH', 'LIKE'), literalToken).map((parts) => parts.join(' ')),
  fc.tuple(attributeToken, fc.constantFrom('IS NULL', 'is not null')).map((parts) => parts.join(' ')),
);

/** Grammatical filters over random conditions, so parses get past syntax into type checking. */
const grammaticalText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthIdentifier: 'soup', maxDepth: 4 },
    conditionText,
    tie('expr').map((inner) => `(${inner})`),
    tie('expr').map((inner) => `NOT ${inner}`),
    fc.tuple(tie('expr'), fc.constantFrom(' AND ', ' or '), tie('expr')).map(([left, op, right]) => left + op + right),
  ),
})).expr;

/** Fragments of the grammar, valid and not, glued together at random: probes the error paths. */
const soupToken: fc.Arbitrary<string> = fc.oneof(
  attributeToken,
  literalToken,
  fc.constantFrom('AND', 'or', 'Not', 'IN', 'not in', 'BETWEEN', 'IS', 'NULL', 'is not null', 'STARTS_WITH', 'ORDER BY', 'ORDER', 'BY', 'ASC', 'desc', 'LIKE', 'GROUP BY', 'LIMIT', 'TRUE', 'false'),
  fc.constantFrom('=', '!=', '<>', '<', '<=', '>', '>=', '(', ')', ',', '-', '+', ';', '--', '/*', '*/', '*', '.', '!', '\\'),
  fc.string({ unit: 'binary', maxLength: 3 }),
);

const randomSoup = fc
  .array(fc.tuple(soupToken, fc.constantFrom(' ', ' ', '', '\n')), { maxLength: 25 })
  .map((parts) => parts.map(([token, gap]) => token + gap).join(''));

/** A grammatical filter, optionally with GROUP BY and ORDER BY, with a random token spliced in half the time. */
const nearlyGrammatical = fc
  .tuple(
    grammaticalText,
    fc.option(fc.constantFrom(' GROUP BY ExecutionStatus', ' group by WorkflowId', ' GROUP BY ExecutionStatus, ExecutionStatus'), { nil: undefined }),
    fc.option(fc.array(fc.tuple(attributeToken, fc.constantFrom('', ' ASC', ' desc')), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    fc.option(fc.tuple(soupToken, fc.nat()), { nil: undefined, freq: 2 }),
  )
  .map(([where, groupBy, orderBy, noise]) => {
    let text = where + (groupBy ?? '');
    if (orderBy !== undefined) text += ` ORDER BY ${orderBy.map(([a, d]) => a + d).join(', ')}`;
    if (noise === undefined) return text;
    const [token, at] = noise;
    const index = at % (text.length + 1);
    return `${text.slice(0, index)} ${token} ${text.slice(index)}`;
  });

export const tokenSoup: fc.Arbitrary<string> = fc.oneof({ weight: 1, arbitrary: randomSoup }, { weight: 3, arbitrary: nearlyGrammatical });
