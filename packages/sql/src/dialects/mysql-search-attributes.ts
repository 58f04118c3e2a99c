import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { InvalidPersistenceRequestError } from '@hourglass/core';
import type { SearchAttributeSql } from './dialect.js';
import { words } from './sqlite-search-attributes.js';

/**
 * A JSON path to one member of the attribute object. The name is double-quoted with JSON
 * string escaping, so names holding quotes, dots or `$[0]` address exactly that key.
 */
function memberPath(name: string, member: 'type' | 'value'): string {
  return `$.${JSON.stringify(name)}.${member}`;
}

const COLUMN = sql`executions_visibility.search_attributes`;

function extract(name: string, member: 'type' | 'value'): RawBuilder<unknown> {
  return sql`json_extract(${COLUMN}, ${memberPath(name, member)})`;
}

/** JSON scalars as utf8mb4_bin text, so comparisons are by code point on MySQL and MariaDB alike. */
function text(json: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(cast(json_unquote(${json}) as char character set utf8mb4) collate utf8mb4_bin)`;
}

function typeIs(name: string, type: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${text(extract(name, 'type'))} = ${type})`;
}

function typed(name: string, type: string, value: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(case when ${typeIs(name, type)} then ${value} end)`;
}

/**
 * Search attributes for MySQL 5.7+ and MariaDB 10.11+, with the JSON functions both have
 * (JSON_EXTRACT, JSON_UNQUOTE, JSON_CONTAINS, JSON_QUOTE) over the JSON text column.
 * `unicodeRegex` says whether REGEXP understands \p{…}, lookbehind and (?i) — MariaDB (PCRE)
 * and MySQL 8 (ICU) do; MySQL 5.7's byte-oriented REGEXP does not, so Text matching is refused there.
 */
export function mysqlSearchAttributes(unicodeRegex: boolean): SearchAttributeSql {
  return {
    value(name, type) {
      switch (type) {
        case 'Keyword':
        case 'Text':
          return typed(name, type, text(extract(name, 'value')));
        case 'Int':
        case 'Datetime':
          return typed(name, type, sql`cast(${text(extract(name, 'value'))} as signed)`);
        case 'Double':
          // MySQL 5.7 has no CAST(… AS DOUBLE); adding a double literal converts instead.
          return typed(name, type, sql`(${text(extract(name, 'value'))} + 0e0)`);
        case 'Bool':
          return typed(name, type, sql`(case when ${text(extract(name, 'value'))} = 'true' then 1 else 0 end)`);
      }
    },
    listPresent(name) {
      return sql<SqlBool>`coalesce(${typeIs(name, 'KeywordList')}, false)`;
    },
    listContainsAny(name, values) {
      if (values.length === 0) return sql<SqlBool>`false`;
      const list = extract(name, 'value');
      const anyOf = sql.join(
        values.map((v) => sql`json_contains(${list}, json_quote(${v}))`),
        sql` or `,
      );
      return sql<SqlBool>`coalesce(${typeIs(name, 'KeywordList')} and (${anyOf}), false)`;
    },
    textMatches(value, query) {
      if (!unicodeRegex) {
        throw new InvalidPersistenceRequestError('Text matching needs MySQL 8.0+ or MariaDB; MySQL 5.7 has no Unicode-aware REGEXP');
      }
      const wanted = words(query);
      if (wanted.length === 0) return sql<SqlBool>`false`;
      // Query words hold only letters, digits and marks, so they need no regex escaping.
      const conditions = wanted.map((w) => sql<SqlBool>`(${value} regexp ${`(?i)(?<![\\p{L}\\p{M}\\p{N}])${w}(?![\\p{L}\\p{M}\\p{N}])`})`);
      return sql<SqlBool>`coalesce(${sql.join(conditions, sql` and `)}, false)`;
    },
    startsWith(value, prefix) {
      return sql<SqlBool>`(locate(${prefix}, ${value}) = 1)`;
    },
  };
}
