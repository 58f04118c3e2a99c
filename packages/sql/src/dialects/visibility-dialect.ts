import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { SqlDialectName } from '@hourglass/schema-tool';

/**
 * What the visibility store's queries need from each database beyond portable SQL: exact string
 * comparison, and full-text search over Text search attributes with the database's own facility. The store
 * splits text into lower-cased words itself (`words()`), so what counts as a word and how case
 * folds is the same on every database; the database only indexes and looks up those words.
 * Every word below consists of letters, digits and combining marks, so it needs no quoting in
 * a full-text query language, and every query string is still bound as a parameter.
 */
export interface VisibilityDialect {
  /**
   * Value for `executions_visibility_attribute_values.text_words`, or undefined where the words
   * live in a separate table (SQLite's `executions_visibility_texts`, indexed by FTS5).
   */
  textWords(words: readonly string[]): RawBuilder<unknown> | string | undefined;
  /** `run_id`s of the namespace whose Text attribute `name` holds all of `words` (at least one). */
  runsWithWords(namespaceId: string, name: string, words: readonly string[]): RawBuilder<unknown>;
  /** Whether `text` begins with `prefix`, comparing exactly (LIKE would fold case and treat % and _ specially). */
  startsWith(text: RawBuilder<unknown>, prefix: string): RawBuilder<SqlBool>;
  /**
   * An operand as it must be compared for code point order with trailing spaces significant.
   * MySQL's and MariaDB's utf8mb4_bin is a PAD SPACE collation ('a' = 'a '), so there strings
   * compare as their UTF-8 bytes, whose order is code point order.
   */
  exact(operand: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * True when `exact` hides the operand from its index, so an equality should also be stated on
   * the plain column to let the index find the candidates.
   */
  readonly exactNeedsIndexedPrefilter: boolean;
}

const VALUES = sql`executions_visibility_attribute_values`;

/** SQLite FTS5: one phrase per word, all required. */
const sqliteVisibility: VisibilityDialect = {
  textWords: () => undefined,
  runsWithWords(namespaceId, name, words) {
    const match = words.map((w) => `"${w}"`).join(' AND ');
    return sql`select t.run_id from executions_visibility_text_index f join executions_visibility_texts t on t.id = f.rowid
      where executions_visibility_text_index match ${match} and t.namespace_id = ${namespaceId} and t.name = ${name}`;
  },
  startsWith(text, prefix) {
    // instr is 1 exactly when the first occurrence is at the start; substr would need the prefix's length in characters.
    return sql<SqlBool>`(instr(${text}, ${prefix}) = 1)`;
  },
  exact: (operand) => operand,
  exactNeedsIndexedPrefilter: false,
};

/**
 * PostgreSQL: a 'simple' tsvector (no stemming, no stopwords) under a GIN index. The words are
 * already lower-cased, so the database's locale plays no part.
 */
const postgresVisibility: VisibilityDialect = {
  textWords: (words) => sql`to_tsvector('simple', ${words.join(' ')}::text)`,
  runsWithWords(namespaceId, name, words) {
    const query = words.map((w) => `'${w}'`).join(' & ');
    return sql`select run_id from ${VALUES} where namespace_id = ${namespaceId} and name = ${name} and type = 'Text' and text_words @@ to_tsquery('simple', ${query}::text)`;
  },
  startsWith(text, prefix) {
    return sql<SqlBool>`(strpos(${text}, ${prefix}::text) = 1)`;
  },
  // The columns are COLLATE "C": code point order, trailing spaces significant.
  exact: (operand) => operand,
  exactNeedsIndexedPrefilter: false,
};

/**
 * InnoDB's built-in stopwords (MySQL 5.7/8.0 and MariaDB) of at least three characters; InnoDB
 * neither indexes them nor requires them in a boolean query, so they are matched with LIKE.
 */
const INNODB_STOPWORDS: ReadonlySet<string> = new Set([
  'about', 'are', 'com', 'for', 'from', 'how', 'that', 'the', 'this', 'was', 'what', 'when', 'where', 'who', 'will', 'with', 'und', 'www',
]);

/** innodb_ft_min_token_size and innodb_ft_max_token_size at their defaults. */
const INNODB_MIN_TOKEN = 3;
const INNODB_MAX_TOKEN = 84;

/**
 * Whether InnoDB's FULLTEXT index holds `word` as one token. Shorter words, stopwords and words
 * with combining marks (which the built-in parser may split) are matched with LIKE instead.
 */
function innodbIndexes(word: string): boolean {
  const length = [...word].length;
  return length >= INNODB_MIN_TOKEN && length <= INNODB_MAX_TOKEN && !INNODB_STOPWORDS.has(word) && /^[\p{L}\p{N}]+$/u.test(word);
}

/**
 * MySQL/MariaDB: the words separated by single spaces under an InnoDB FULLTEXT index, queried in
 * boolean mode with every word required. Words the index cannot hold are matched as
 * space-delimited substrings with LIKE: words have no % or _, and the column is utf8mb4_bin.
 */
const mysqlVisibility: VisibilityDialect = {
  textWords: (words) => words.join(' '),
  runsWithWords(namespaceId, name, words) {
    const indexed = words.filter(innodbIndexes);
    const conditions: RawBuilder<SqlBool>[] = [];
    if (indexed.length > 0) {
      const query = indexed.map((w) => `+"${w}"`).join(' ');
      conditions.push(sql<SqlBool>`match (text_words) against (${query} in boolean mode)`);
    }
    for (const w of words.filter((word) => !innodbIndexes(word))) {
      conditions.push(sql<SqlBool>`concat(' ', text_words, ' ') like ${`% ${w} %`}`);
    }
    return sql`select run_id from ${VALUES} where namespace_id = ${namespaceId} and name = ${name} and type = 'Text' and ${sql.join(conditions, sql` and `)}`;
  },
  startsWith(text, prefix) {
    return sql<SqlBool>`(locate(${prefix}, ${text}) = 1)`;
  },
  exact: (operand) => sql`cast(${operand} as binary)`,
  exactNeedsIndexedPrefilter: true,
};

export function visibilityDialect(dialect: SqlDialectName): VisibilityDialect {
  switch (dialect) {
    case 'sqlite':
      return sqliteVisibility;
    case 'postgres':
      return postgresVisibility;
    case 'mysql':
      return mysqlVisibility;
  }
}
