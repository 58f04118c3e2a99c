import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import type { SearchAttributeSql } from './dialect.js';
import { words } from './sqlite-search-attributes.js';

/** ICU's root collation: Unicode case mapping and character classes for lower() and regexes. */
export const ICU_ROOT_COLLATION = 'und-x-icu';

/**
 * Word boundaries for Text matching: a word is a run of letters, digits and combining marks,
 * as in `words()`. PostgreSQL regexes have no \p{…}; under an ICU collation [:alnum:] is
 * Unicode letters and digits, and the common combining-mark blocks are added by hand.
 */
const WORD_CHAR_CLASS = '[:alnum:]\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f';

function entry(name: string): RawBuilder<unknown> {
  return sql`(executions_visibility.search_attributes::jsonb -> ${name}::text)`;
}

function typed(name: string, type: string, value: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(case when ${entry(name)} ->> 'type' = ${type}::text then ${value} end)`;
}

function listOf(name: string, values: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`coalesce(${entry(name)} ->> 'type' = 'KeywordList' and (${entry(name)} -> 'value') ?| array[${sql.join(values)}]::text[], false)`;
}

/**
 * Search attributes for PostgreSQL 10+, read from the JSON text column cast to jsonb. Keyword
 * and Text values compare under the C collation (code point order, as SQLite and MySQL's
 * utf8mb4_bin do), whatever the database's default collation.
 */
export function postgresSearchAttributes(hasIcu: boolean): SearchAttributeSql {
  return {
    value(name, type) {
      const raw = sql`(${entry(name)} ->> 'value')`;
      switch (type) {
        case 'Keyword':
        case 'Text':
          return typed(name, type, sql`${raw} collate "C"`);
        case 'Int':
        case 'Datetime':
          return typed(name, type, sql`${raw}::bigint`);
        case 'Double':
          return typed(name, type, sql`${raw}::double precision`);
        case 'Bool':
          return typed(name, type, sql`(case when ${raw} = 'true' then 1 else 0 end)`);
      }
    },
    listPresent(name) {
      return sql<SqlBool>`coalesce(${entry(name)} ->> 'type' = 'KeywordList', false)`;
    },
    listContainsAny(name, values) {
      if (values.length === 0) return sql<SqlBool>`false`;
      return listOf(name, values);
    },
    textMatches(text, query) {
      if (!hasIcu) {
        throw new InvalidPersistenceRequestError(
          `Text matching needs the ICU collation "${ICU_ROOT_COLLATION}", which this PostgreSQL server lacks (it was built without ICU)`,
        );
      }
      const wanted = words(query);
      if (wanted.length === 0) return sql<SqlBool>`false`;
      const icu = sql.raw(`"${ICU_ROOT_COLLATION}"`);
      const lowered = sql`(lower(${text} collate ${icu}) collate ${icu})`;
      // Query words hold only letters, digits and marks, so they need no regex escaping.
      const conditions = wanted.map((w) => sql<SqlBool>`(${lowered} ~ ${`(^|[^${WORD_CHAR_CLASS}])${w}($|[^${WORD_CHAR_CLASS}])`}::text)`);
      return sql<SqlBool>`coalesce(${sql.join(conditions, sql` and `)}, false)`;
    },
    startsWith(text, prefix) {
      return sql<SqlBool>`(strpos(${text}, ${prefix}::text) = 1)`;
    },
  };
}
