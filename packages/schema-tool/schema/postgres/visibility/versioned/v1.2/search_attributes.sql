-- Custom search attributes, typed and indexed.
--
-- Values live in a side table of one row per (run, attribute) with one column per storage kind,
-- rather than in Temporal's pre-allocated columns (Keyword01..10, Int01..03, ...) mapped per
-- namespace: a run may carry any number of attributes of any type, values written before an
-- attribute is registered become queryable the moment it is, and removing an attribute frees
-- nothing that must be re-mapped. The JSON column of executions_visibility stays the source of
-- reads (it keeps each value's exact type); these tables only serve the WHERE clause.

-- The registry a frontend parses queries against. No column slot is needed: values are found by name.
CREATE TABLE visibility_search_attributes (
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  name VARCHAR(255) COLLATE "C" NOT NULL,
  type VARCHAR(16) COLLATE "C" NOT NULL,
  PRIMARY KEY (namespace_id, name)
);

-- string_value: Keyword (C collation: code point order, as SQLite and utf8mb4_bin compare);
-- int_value: Int, Datetime (epoch microseconds) and Bool (1/0); double_value: Double;
-- text_words: Text, as a 'simple' tsvector of the words the store extracted (PostgreSQL 10 has
-- no generated columns, so the store writes it). KeywordList rows only mark presence.
CREATE TABLE executions_visibility_attribute_values (
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  name VARCHAR(255) COLLATE "C" NOT NULL,
  type VARCHAR(16) COLLATE "C" NOT NULL,
  string_value TEXT COLLATE "C",
  int_value BIGINT,
  double_value DOUBLE PRECISION,
  text_words TSVECTOR,
  PRIMARY KEY (namespace_id, run_id, name)
);
-- A btree entry holds at most about 2.7 kB, and a Keyword may be longer: the index keeps the
-- first 256 characters, and the store states equalities on that prefix as well as on the value.
CREATE INDEX executions_visibility_attribute_values_by_string ON executions_visibility_attribute_values (namespace_id, name, type, left(string_value, 256));
CREATE INDEX executions_visibility_attribute_values_by_int ON executions_visibility_attribute_values (namespace_id, name, type, int_value);
CREATE INDEX executions_visibility_attribute_values_by_double ON executions_visibility_attribute_values (namespace_id, name, type, double_value);
CREATE INDEX executions_visibility_attribute_values_by_words ON executions_visibility_attribute_values USING GIN (text_words);

-- One row per KeywordList element, so containment is an indexed equality.
CREATE TABLE executions_visibility_keyword_lists (
  namespace_id VARCHAR(64) COLLATE "C" NOT NULL,
  run_id VARCHAR(64) COLLATE "C" NOT NULL,
  name VARCHAR(255) COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (namespace_id, run_id, name, position)
);
CREATE INDEX executions_visibility_keyword_lists_by_value ON executions_visibility_keyword_lists (namespace_id, name, left(value, 256));

-- Rows written under v1.1 get their typed values here; from now on the store maintains them.
-- Their Text is tokenized by PostgreSQL's parser rather than the store's word splitter, which
-- differs only for punctuation inside words (e.g. hyphens); rewriting a run normalizes it.
INSERT INTO executions_visibility_attribute_values (namespace_id, run_id, name, type, string_value, int_value, double_value, text_words)
SELECT v.namespace_id, v.run_id, j.key, j.value ->> 'type',
  CASE WHEN j.value ->> 'type' = 'Keyword' THEN j.value ->> 'value' END,
  CASE WHEN j.value ->> 'type' IN ('Int', 'Datetime') THEN (j.value ->> 'value')::bigint
       WHEN j.value ->> 'type' = 'Bool' THEN CASE WHEN j.value ->> 'value' = 'true' THEN 1 ELSE 0 END END,
  CASE WHEN j.value ->> 'type' = 'Double' THEN (j.value ->> 'value')::double precision END,
  CASE WHEN j.value ->> 'type' = 'Text' THEN to_tsvector('simple', j.value ->> 'value') END
FROM executions_visibility v, jsonb_each(v.search_attributes::jsonb) j;

INSERT INTO executions_visibility_keyword_lists (namespace_id, run_id, name, position, value)
SELECT v.namespace_id, v.run_id, j.key, (k.ordinality - 1)::integer, k.value
FROM executions_visibility v, jsonb_each(v.search_attributes::jsonb) j, jsonb_array_elements_text(j.value -> 'value') WITH ORDINALITY k(value, ordinality)
WHERE j.value ->> 'type' = 'KeywordList';
