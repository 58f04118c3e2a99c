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
  namespace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  PRIMARY KEY (namespace_id, name)
);

-- string_value: Keyword; int_value: Int, Datetime (epoch microseconds) and Bool (1/0);
-- double_value: Double. Text and KeywordList rows only mark presence (their values are below).
CREATE TABLE executions_visibility_attribute_values (
  namespace_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  string_value TEXT,
  int_value BIGINT,
  double_value DOUBLE PRECISION,
  PRIMARY KEY (namespace_id, run_id, name)
);
CREATE INDEX executions_visibility_attribute_values_by_string ON executions_visibility_attribute_values (namespace_id, name, type, string_value);
CREATE INDEX executions_visibility_attribute_values_by_int ON executions_visibility_attribute_values (namespace_id, name, type, int_value);
CREATE INDEX executions_visibility_attribute_values_by_double ON executions_visibility_attribute_values (namespace_id, name, type, double_value);

-- One row per KeywordList element, so containment is an indexed equality.
CREATE TABLE executions_visibility_keyword_lists (
  namespace_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (namespace_id, run_id, name, position)
);
CREATE INDEX executions_visibility_keyword_lists_by_value ON executions_visibility_keyword_lists (namespace_id, name, value);

-- Text values: the words the store extracted, lower-cased and separated by spaces, one row per
-- (run, attribute), indexed by FTS5 (an external-content table kept in step by the triggers).
-- Its tokenizer takes runs of letters, digits and combining marks as words, as the store does.
CREATE TABLE executions_visibility_texts (
  id INTEGER PRIMARY KEY,
  namespace_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  words TEXT NOT NULL
);
CREATE INDEX executions_visibility_texts_by_run ON executions_visibility_texts (namespace_id, run_id);

CREATE VIRTUAL TABLE executions_visibility_text_index USING fts5(
  words,
  content = 'executions_visibility_texts',
  content_rowid = 'id',
  tokenize = "unicode61 remove_diacritics 0 categories 'L* N* M*'"
);

-- One line each: the schema tool ends a statement only at a ';' that closes a line.
CREATE TRIGGER executions_visibility_texts_insert AFTER INSERT ON executions_visibility_texts BEGIN INSERT INTO executions_visibility_text_index (rowid, words) VALUES (new.id, new.words); END;
CREATE TRIGGER executions_visibility_texts_delete AFTER DELETE ON executions_visibility_texts BEGIN INSERT INTO executions_visibility_text_index (executions_visibility_text_index, rowid, words) VALUES ('delete', old.id, old.words); END;
CREATE TRIGGER executions_visibility_texts_update AFTER UPDATE ON executions_visibility_texts BEGIN INSERT INTO executions_visibility_text_index (executions_visibility_text_index, rowid, words) VALUES ('delete', old.id, old.words); INSERT INTO executions_visibility_text_index (rowid, words) VALUES (new.id, new.words); END;

-- Rows written under v1.1 get their typed values here; from now on the store maintains them.
INSERT INTO executions_visibility_attribute_values (namespace_id, run_id, name, type, string_value, int_value, double_value)
SELECT v.namespace_id, v.run_id, j.key, json_extract(j.value, '$.type'),
  CASE WHEN json_extract(j.value, '$.type') = 'Keyword' THEN json_extract(j.value, '$.value') END,
  CASE WHEN json_extract(j.value, '$.type') IN ('Int', 'Datetime', 'Bool') THEN json_extract(j.value, '$.value') END,
  CASE WHEN json_extract(j.value, '$.type') = 'Double' THEN json_extract(j.value, '$.value') END
FROM executions_visibility v, json_each(v.search_attributes) j;

INSERT INTO executions_visibility_keyword_lists (namespace_id, run_id, name, position, value)
SELECT v.namespace_id, v.run_id, j.key, CAST(k.key AS INTEGER), k.value
FROM executions_visibility v, json_each(v.search_attributes) j, json_each(j.value, '$.value') k
WHERE json_extract(j.value, '$.type') = 'KeywordList';

-- Their Text keeps its punctuation here; the tokenizer skips it, so they match the same words.
INSERT INTO executions_visibility_texts (namespace_id, run_id, name, words)
SELECT v.namespace_id, v.run_id, j.key, lower(json_extract(j.value, '$.value'))
FROM executions_visibility v, json_each(v.search_attributes) j
WHERE json_extract(j.value, '$.type') = 'Text';
