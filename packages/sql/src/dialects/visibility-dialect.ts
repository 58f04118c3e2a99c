import { sql } from 'kysely';
import type { Kysely, RawBuilder, SqlBool } from 'kysely';
import type { SqlDialectName } from '@hourglass/schema-tool';
import type { Database } from '../tables.js';

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
   * The expression a string column's index is on, when an equality must also be stated on it for
   * the index to find the candidates (because `exact` hides the column, or because the index
   * holds only a prefix); undefined when the exact comparison alone uses the index.
   * `custom` tells the typed attribute tables from executions_visibility's own columns.
   */
  indexedKey(operand: RawBuilder<unknown>, custom: boolean): RawBuilder<unknown> | undefined;
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
  indexedKey: () => undefined,
};

/**
 * PostgreSQL: a 'simple' tsvector (no stemming, no stopwords) under a GIN index. The words are
 * already lower-cased, so the database's locale plays no part.
 */
const POSTGRES_MAX_LEXEME_BYTES = 2048;
/** The prefix length of the attribute-value indexes in the PostgreSQL visibility schema (v1.2). */
const POSTGRES_INDEXED_PREFIX = 256;

const postgresVisibility: VisibilityDialect = {
  textWords: (words) => sql`to_tsvector('simple', ${words.join(' ')}::text)`,
  runsWithWords(namespaceId, name, words) {
    // tsvector leaves out words of 2 kB or more, so no stored text holds one: matching nothing is exact for every text the index describes.
    if (words.some((w) => Buffer.byteLength(w, 'utf8') >= POSTGRES_MAX_LEXEME_BYTES)) return sql`select run_id from ${VALUES} where 1 = 0`;
    const query = words.map((w) => `'${w}'`).join(' & ');
    return sql`select run_id from ${VALUES} where namespace_id = ${namespaceId} and name = ${name} and type = 'Text' and text_words @@ to_tsquery('simple', ${query}::text)`;
  },
  startsWith(text, prefix) {
    return sql<SqlBool>`(strpos(${text}, ${prefix}::text) = 1)`;
  },
  // The columns are COLLATE "C": code point order, trailing spaces significant.
  exact: (operand) => operand,
  // Attribute values can outgrow a btree entry, so their indexes hold the first POSTGRES_INDEXED_PREFIX characters.
  indexedKey: (operand, custom) => (custom ? sql`left(${operand}, ${sql.lit(POSTGRES_INDEXED_PREFIX)})` : undefined),
};

/**
 * InnoDB's built-in stopwords (MySQL 5.7/8.0 and MariaDB) of at least three characters; InnoDB
 * neither indexes them nor requires them in a boolean query, so they are matched with LIKE.
 */
const INNODB_STOPWORDS: ReadonlySet<string> = new Set([
  'about', 'are', 'com', 'for', 'from', 'how', 'that', 'the', 'this', 'was', 'what', 'when', 'where', 'who', 'will', 'with', 'und', 'www',
]);

/** What decides which words an InnoDB FULLTEXT index holds. */
export interface InnodbFullTextSettings {
  /** innodb_ft_min_token_size: shorter words are not indexed (and ignored in a boolean query). */
  readonly minTokenSize: number;
  /** innodb_ft_max_token_size: longer words are not indexed. */
  readonly maxTokenSize: number;
  /** A stopword table replaces the built-in list; its words are unknown here, so every word is matched with LIKE. */
  readonly customStopwords: boolean;
}

export const DEFAULT_INNODB_FULL_TEXT: InnodbFullTextSettings = { minTokenSize: 3, maxTokenSize: 84, customStopwords: false };

/** The server's settings; they are read-only at run time, so one read per store suffices. */
export async function readInnodbFullTextSettings(db: Kysely<Database>): Promise<InnodbFullTextSettings> {
  const { rows } = await sql<{ min_token: unknown; max_token: unknown; server_table: unknown; user_table: unknown }>`select
    @@innodb_ft_min_token_size as min_token, @@innodb_ft_max_token_size as max_token,
    @@innodb_ft_server_stopword_table as server_table, @@innodb_ft_user_stopword_table as user_table`.execute(db);
  const row = rows[0];
  const size = (value: unknown, fallback: number) => (Number.isSafeInteger(Number(value)) && Number(value) > 0 ? Number(value) : fallback);
  const named = (value: unknown) => typeof value === 'string' && value.length > 0;
  return {
    minTokenSize: size(row?.min_token, DEFAULT_INNODB_FULL_TEXT.minTokenSize),
    maxTokenSize: size(row?.max_token, DEFAULT_INNODB_FULL_TEXT.maxTokenSize),
    customStopwords: named(row?.server_table) || named(row?.user_table),
  };
}

/**
 * MySQL/MariaDB: the words separated by single spaces under an InnoDB FULLTEXT index, queried in
 * boolean mode with every word required. Words the index does not hold as one token (too short,
 * too long, stopwords, or with combining marks, which the built-in parser may split) are matched
 * as space-delimited substrings with LIKE: words have no % or _, and the column is utf8mb4_bin.
 */
function mysqlVisibility(settings: InnodbFullTextSettings): VisibilityDialect {
  const indexes = (word: string): boolean => {
    const length = [...word].length;
    return (
      !settings.customStopwords &&
      length >= settings.minTokenSize &&
      length <= settings.maxTokenSize &&
      !INNODB_STOPWORDS.has(word) &&
      /^[\p{L}\p{N}]+$/u.test(word)
    );
  };
  return {
    textWords: (words) => words.join(' '),
    runsWithWords(namespaceId, name, words) {
      const indexed = words.filter(indexes);
      const conditions: RawBuilder<SqlBool>[] = [];
      if (indexed.length > 0) {
        const query = indexed.map((w) => `+"${w}"`).join(' ');
        conditions.push(sql<SqlBool>`match (text_words) against (${query} in boolean mode)`);
      }
      for (const w of words.filter((word) => !indexes(word))) {
        conditions.push(sql<SqlBool>`concat(' ', text_words, ' ') like ${`% ${w} %`}`);
      }
      return sql`select run_id from ${VALUES} where namespace_id = ${namespaceId} and name = ${name} and type = 'Text' and ${sql.join(conditions, sql` and `)}`;
    },
    startsWith(text, prefix) {
      return sql<SqlBool>`(locate(${prefix}, ${text}) = 1)`;
    },
    exact: (operand) => sql`cast(${operand} as binary)`,
    // The plain column, which its (prefix) index serves; the exact comparison then rechecks.
    indexedKey: (operand) => operand,
  };
}

/** `innodb` matters to MySQL/MariaDB queries only; writes need no settings. */
export function visibilityDialect(dialect: SqlDialectName, innodb: InnodbFullTextSettings = DEFAULT_INNODB_FULL_TEXT): VisibilityDialect {
  switch (dialect) {
    case 'sqlite':
      return sqliteVisibility;
    case 'postgres':
      return postgresVisibility;
    case 'mysql':
      return mysqlVisibility(innodb);
  }
}
