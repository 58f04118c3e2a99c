import type { Kysely } from 'kysely';
import type { Database } from '../tables.js';

/** Tables of visibility schema v1.2 (custom search attributes); see its search_attributes.sql. */
export interface VisibilitySearchAttributesTable {
  namespace_id: string;
  name: string;
  type: string;
}

export interface AttributeValuesTable {
  namespace_id: string;
  run_id: string;
  name: string;
  type: string;
  string_value: string | null;
  int_value: number | bigint | string | null;
  double_value: number | null;
  /** PostgreSQL (tsvector) and MySQL (words text) only; SQLite keeps Text in executions_visibility_text. */
  text_words?: unknown;
}

export interface KeywordListsTable {
  namespace_id: string;
  run_id: string;
  name: string;
  position: number;
  value: string;
}

/** SQLite: the Text words behind the FTS5 index `executions_visibility_text_index`. */
export interface TextTable {
  id?: number;
  namespace_id: string;
  run_id: string;
  name: string;
  words: string;
}

export type VisibilityTables = {
  visibility_search_attributes: VisibilitySearchAttributesTable;
  executions_visibility_attribute_values: AttributeValuesTable;
  executions_visibility_keyword_lists: KeywordListsTable;
  executions_visibility_texts: TextTable;
};

export type VisibilityDb = Kysely<Database & VisibilityTables>;

/** The same handle (pool or transaction), typed with the v1.2 tables. */
export function withVisibilityTables(db: Kysely<Database>): VisibilityDb {
  return db.withTables<VisibilityTables>();
}
