import type { Cell } from '../cell.js';
import { T0, datetime, expectMatches, queryCases, seed } from './visibility-query-fixtures.js';
import type { Seeds } from './visibility-query-fixtures.js';

/**
 * Four runs with a value of every custom type, and `e` with none. Values are chosen so that
 * each operator splits them differently: Datetimes a microsecond apart (a store keeping
 * milliseconds cannot tell a, b and d apart), an Int beyond 32 bits, Text with case and
 * punctuation, a KeywordList differing from another only in case.
 */
export const TYPED_RUNS: Seeds = {
  a: {
    searchAttributes: {
      CustomKeywordField: { type: 'Keyword', value: 'apple' },
      CustomTextField: { type: 'Text', value: 'The quick brown fox' },
      CustomIntField: { type: 'Int', value: 10 },
      CustomDoubleField: { type: 'Double', value: 1.5 },
      CustomBoolField: { type: 'Bool', value: true },
      CustomDatetimeField: { type: 'Datetime', value: T0 },
      CustomKeywordListField: { type: 'KeywordList', value: ['red', 'green'] },
    },
  },
  b: {
    searchAttributes: {
      CustomKeywordField: { type: 'Keyword', value: 'banana' },
      CustomTextField: { type: 'Text', value: 'lazy dogs sleep all day' },
      CustomIntField: { type: 'Int', value: 20 },
      CustomDoubleField: { type: 'Double', value: 2.25 },
      CustomBoolField: { type: 'Bool', value: false },
      CustomDatetimeField: { type: 'Datetime', value: T0 + 1 },
      CustomKeywordListField: { type: 'KeywordList', value: ['blue'] },
    },
  },
  c: {
    searchAttributes: {
      CustomKeywordField: { type: 'Keyword', value: 'cherry' },
      CustomTextField: { type: 'Text', value: 'Quick thinking, brown-bag lunch' },
      CustomIntField: { type: 'Int', value: -5 },
      CustomDoubleField: { type: 'Double', value: -0.5 },
      CustomBoolField: { type: 'Bool', value: true },
      CustomDatetimeField: { type: 'Datetime', value: T0 + 1000 },
      CustomKeywordListField: { type: 'KeywordList', value: ['green', 'yellow'] },
    },
  },
  d: {
    searchAttributes: {
      CustomKeywordField: { type: 'Keyword', value: 'apricot' },
      CustomTextField: { type: 'Text', value: 'über straße café' },
      CustomIntField: { type: 'Int', value: 2 ** 40 + 7 },
      CustomDoubleField: { type: 'Double', value: 0.001 },
      CustomBoolField: { type: 'Bool', value: false },
      CustomDatetimeField: { type: 'Datetime', value: T0 - 1 },
      CustomKeywordListField: { type: 'KeywordList', value: ['Red'] },
    },
  },
  e: {},
};

export function visibilityQueryAttributeTypesSuite(cell: Cell): void {
  queryCases(cell, 'Keyword', TYPED_RUNS, [
    ["CustomKeywordField = 'apple'", ['a']],
    ["CustomKeywordField != 'apple'", ['b', 'c', 'd']],
    ["CustomKeywordField <> 'banana'", ['a', 'c', 'd']],
    ["CustomKeywordField < 'apricot'", ['a']],
    ["CustomKeywordField <= 'apricot'", ['a', 'd']],
    ["CustomKeywordField > 'banana'", ['c']],
    ["CustomKeywordField >= 'banana'", ['b', 'c']],
    ["CustomKeywordField IN ('apple', 'cherry', 'durian')", ['a', 'c']],
    ["CustomKeywordField NOT IN ('apple', 'cherry')", ['b', 'd']],
    ["CustomKeywordField BETWEEN 'apricot' AND 'banana'", ['b', 'd']],
    ["CustomKeywordField NOT BETWEEN 'apricot' AND 'banana'", ['a', 'c']],
    ["CustomKeywordField STARTS_WITH 'ap'", ['a', 'd']],
    ["CustomKeywordField NOT STARTS_WITH 'ap'", ['b', 'c']],
    ['CustomKeywordField IS NULL', ['e']],
    ['CustomKeywordField IS NOT NULL', ['a', 'b', 'c', 'd']],
  ]);

  queryCases(cell, 'Text', TYPED_RUNS, [
    ["CustomTextField = 'quick'", ['a', 'c']],
    ["CustomTextField = 'brown fox'", ['a']],
    ["CustomTextField = 'FOX'", ['a']],
    ["CustomTextField = 'bag'", ['c']],
    ["CustomTextField = 'straße'", ['d']],
    ["CustomTextField != 'quick'", ['b', 'd']],
    ['CustomTextField IS NULL', ['e']],
  ]);

  queryCases(cell, 'Int', TYPED_RUNS, [
    ['CustomIntField = 10', ['a']],
    ['CustomIntField != 10', ['b', 'c', 'd']],
    ['CustomIntField < 10', ['c']],
    ['CustomIntField <= 10', ['a', 'c']],
    ['CustomIntField > 10', ['b', 'd']],
    ['CustomIntField >= 20', ['b', 'd']],
    ['CustomIntField IN (10, -5, 99)', ['a', 'c']],
    ['CustomIntField NOT IN (10, -5)', ['b', 'd']],
    ['CustomIntField BETWEEN 0 AND 20', ['a', 'b']],
    ['CustomIntField NOT BETWEEN 0 AND 20', ['c', 'd']],
    [`CustomIntField = ${2 ** 40 + 7}`, ['d']],
  ]);

  queryCases(cell, 'Double', TYPED_RUNS, [
    ['CustomDoubleField = 1.5', ['a']],
    ['CustomDoubleField != 2.25', ['a', 'c', 'd']],
    ['CustomDoubleField < 0', ['c']],
    ['CustomDoubleField <= 0.001', ['c', 'd']],
    ['CustomDoubleField > 0', ['a', 'b', 'd']],
    ['CustomDoubleField >= 2.25', ['b']],
    ['CustomDoubleField IN (2.25, -0.5)', ['b', 'c']],
    ['CustomDoubleField BETWEEN -0.5 AND 1.5', ['a', 'c', 'd']],
    ['CustomDoubleField NOT BETWEEN -0.5 AND 1.5', ['b']],
  ]);

  queryCases(cell, 'Bool', TYPED_RUNS, [
    ['CustomBoolField = true', ['a', 'c']],
    ['CustomBoolField = FALSE', ['b', 'd']],
    ['CustomBoolField != true', ['b', 'd']],
    ['CustomBoolField IS NULL', ['e']],
  ]);

  queryCases(cell, 'Datetime', TYPED_RUNS, [
    [`CustomDatetimeField = ${datetime(T0)}`, ['a']],
    [`CustomDatetimeField = ${datetime(T0 + 1)}`, ['b']],
    [`CustomDatetimeField != ${datetime(T0)}`, ['b', 'c', 'd']],
    [`CustomDatetimeField > ${datetime(T0)}`, ['b', 'c']],
    [`CustomDatetimeField >= ${datetime(T0)}`, ['a', 'b', 'c']],
    [`CustomDatetimeField < ${datetime(T0 + 1)}`, ['a', 'd']],
    [`CustomDatetimeField <= ${datetime(T0)}`, ['a', 'd']],
    [`CustomDatetimeField BETWEEN ${datetime(T0)} AND ${datetime(T0 + 1)}`, ['a', 'b']],
    [`CustomDatetimeField NOT BETWEEN ${datetime(T0)} AND ${datetime(T0 + 1)}`, ['c', 'd']],
    [`CustomDatetimeField IN (${datetime(T0 - 1)}, ${datetime(T0 + 1000)})`, ['c', 'd']],
    // The same instant as T0 + 1ms, written with a zone offset and as integer nanoseconds.
    ["CustomDatetimeField = '2025-11-25T07:00:00.124457+01:00'", ['c']],
    [`CustomDatetimeField = ${BigInt(T0) * 1000n}`, ['a']],
    // QUERY_NOW is T0 + 1h, so this bound is T0 itself.
    ['CustomDatetimeField < NOW() - 1h', ['d']],
  ]);

  queryCases(cell, 'KeywordList', TYPED_RUNS, [
    ["CustomKeywordListField = 'green'", ['a', 'c']],
    ["CustomKeywordListField = 'red'", ['a']],
    ["CustomKeywordListField = 'Red'", ['d']],
    ["CustomKeywordListField != 'green'", ['b', 'd']],
    ["CustomKeywordListField IN ('blue', 'yellow')", ['b', 'c']],
    ["CustomKeywordListField NOT IN ('green', 'blue')", ['d']],
    ['CustomKeywordListField IS NULL', ['e']],
    ['CustomKeywordListField IS NOT NULL', ['a', 'b', 'c', 'd']],
  ]);

  cell.visibilityTest('visibility query: Keyword equality is exact: case, trailing spaces and prefixes all differ', async (v) => {
    const keyword = (value: string) => ({ searchAttributes: { CustomKeywordField: { type: 'Keyword' as const, value } } });
    const world = await seed(v, { exact: keyword('apple'), upper: keyword('Apple'), padded: keyword('apple '), short: keyword('app') });
    await expectMatches(v, world, "CustomKeywordField = 'apple'", ['exact']);
    await expectMatches(v, world, "CustomKeywordField = 'Apple'", ['upper']);
    await expectMatches(v, world, "CustomKeywordField = 'apple '", ['padded']);
    await expectMatches(v, world, "CustomKeywordField = 'app'", ['short']);
    await expectMatches(v, world, "CustomKeywordField STARTS_WITH 'App'", ['upper']);
  });

  cell.visibilityTest('visibility query: Text matches whole words only, not parts of them', async (v) => {
    const world = await seed(v, TYPED_RUNS);
    await expectMatches(v, world, "CustomTextField = 'qui'", []);
    await expectMatches(v, world, "CustomTextField = 'quick fox lunch'", []);
    await expectMatches(v, world, "CustomTextField = 'quick'", ['a', 'c']);
  });

  cell.visibilityTest('visibility query: a value stored under another type is not the queried attribute', async (v) => {
    const world = await seed(v, {
      keyword: { searchAttributes: { CustomIntField: { type: 'Keyword', value: '10' } } },
      int: { searchAttributes: { CustomIntField: { type: 'Int', value: 10 } } },
    });
    await expectMatches(v, world, 'CustomIntField = 10', ['int']);
    await expectMatches(v, world, 'CustomIntField >= 0', ['int']);
  });

  cell.visibilityTest('visibility query: Datetime comparisons keep microseconds at both ends of a range', async (v) => {
    const at = (micros: number) => ({ searchAttributes: { CustomDatetimeField: { type: 'Datetime' as const, value: micros } } });
    const world = await seed(v, { before: at(T0 - 1), lower: at(T0), inside: at(T0 + 1), upper: at(T0 + 2), after: at(T0 + 3) });
    await expectMatches(v, world, `CustomDatetimeField BETWEEN ${datetime(T0)} AND ${datetime(T0 + 2)}`, ['lower', 'inside', 'upper']);
    await expectMatches(v, world, `CustomDatetimeField > ${datetime(T0)} AND CustomDatetimeField < ${datetime(T0 + 2)}`, ['inside']);
    await expectMatches(v, world, `CustomDatetimeField >= ${datetime(T0 + 3)}`, ['after']);
    await expectMatches(v, world, `CustomDatetimeField <= ${datetime(T0 - 1)}`, ['before']);
  });
}
