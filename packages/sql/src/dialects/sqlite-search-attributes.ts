import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { SearchAttributeSql } from './dialect.js';
import { words } from './visibility-words.js';

/** Name of the SQL function `registerTextMatch` adds to a SQLite connection. */
export const TEXT_MATCH_FUNCTION = 'hourglass_text_match';

/** Every word of `query` occurs among the words of `text`; a query without words matches nothing. */
export function textMatches(text: string, query: string): boolean {
  const wanted = words(query);
  if (wanted.length === 0) return false;
  const present = new Set(words(text));
  return wanted.every((w) => present.has(w));
}

/** SQLite has no word-level text search without FTS tables, so Text matching is a deterministic UDF. */
export function registerTextMatch(handle: BetterSqlite3.Database): void {
  handle.function(TEXT_MATCH_FUNCTION, { deterministic: true }, (text: unknown, query: unknown) =>
    typeof text === 'string' && typeof query === 'string' ? (textMatches(text, query) ? 1 : 0) : null,
  );
}

/** The `search_attributes` entry named `name` whose type tag is `type`, as json_each rows `j`. */
function entry(name: string, type: string): RawBuilder<unknown> {
  return sql`json_each(executions_visibility.search_attributes) j where j.key = ${name} and json_extract(j.value, '$.type') = ${type}`;
}

/**
 * Search attributes for SQLite, read with its JSON1 functions. json_each matches the key as
 * plain text, so attribute names need no JSON-path quoting.
 */
export const sqliteSearchAttributes: SearchAttributeSql = {
  value(name, type) {
    return sql`(select json_extract(j.value, '$.value') from ${entry(name, type)})`;
  },
  listPresent(name) {
    return sql<SqlBool>`exists (select 1 from ${entry(name, 'KeywordList')})`;
  },
  listContainsAny(name, values) {
    if (values.length === 0) return sql<SqlBool>`(1 = 0)`;
    return sql<SqlBool>`exists (select 1 from ${entry(name, 'KeywordList')}
      and exists (select 1 from json_each(j.value, '$.value') k where k.value in (${sql.join(values)})))`;
  },
  textMatches(text, query) {
    return sql<SqlBool>`(${sql.raw(TEXT_MATCH_FUNCTION)}(${text}, ${query}) = 1)`;
  },
  startsWith(text, prefix) {
    // instr is 1 exactly when the first occurrence is at the start; substr would need the prefix's length in characters.
    return sql<SqlBool>`(instr(${text}, ${prefix}) = 1)`;
  },
};
