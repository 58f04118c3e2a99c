-- Custom search attributes, typed and indexed.
--
-- Values live in a side table of one row per (run, attribute) with one column per storage kind,
-- rather than in Temporal's pre-allocated columns (Keyword01..10, Int01..03, ...) mapped per
-- namespace: a run may carry any number of attributes of any type, values written before an
-- attribute is registered become queryable the moment it is, and removing an attribute frees
-- nothing that must be re-mapped. The JSON column of executions_visibility stays the source of
-- reads (it keeps each value's exact type); these tables only serve the WHERE clause.
--
-- MySQL 5.7 has no JSON_TABLE, so rows written under v1.1 are not copied here by this script:
-- their custom attributes become queryable when the run is next written (upsert or close).

-- The registry a frontend parses queries against. No column slot is needed: values are found by name.
CREATE TABLE visibility_search_attributes (
  namespace_id VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  type VARCHAR(16) NOT NULL,
  PRIMARY KEY (namespace_id, name)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- string_value: Keyword (indexed by its first 255 characters; comparisons still use the whole
-- value); int_value: Int, Datetime (epoch microseconds) and Bool (1/0); double_value: Double;
-- text_words: Text, as the lower-cased words the store extracted, separated by spaces, under an
-- InnoDB FULLTEXT index. InnoDB leaves out words shorter than innodb_ft_min_token_size (3 by
-- default) and stopwords, so the store matches those with LIKE on the same column instead.
-- KeywordList rows only mark presence.
CREATE TABLE executions_visibility_attribute_values (
  namespace_id VARCHAR(64) NOT NULL,
  run_id VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  type VARCHAR(16) NOT NULL,
  string_value MEDIUMTEXT,
  int_value BIGINT,
  double_value DOUBLE,
  text_words MEDIUMTEXT,
  PRIMARY KEY (namespace_id, run_id, name),
  KEY executions_visibility_attribute_values_by_string (namespace_id, name, type, string_value(255)),
  KEY executions_visibility_attribute_values_by_int (namespace_id, name, type, int_value),
  KEY executions_visibility_attribute_values_by_double (namespace_id, name, type, double_value),
  FULLTEXT KEY executions_visibility_attribute_values_by_words (text_words)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per KeywordList element, so containment is an indexed equality.
CREATE TABLE executions_visibility_keyword_lists (
  namespace_id VARCHAR(64) NOT NULL,
  run_id VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  position INT NOT NULL,
  value MEDIUMTEXT NOT NULL,
  PRIMARY KEY (namespace_id, run_id, name, position),
  KEY executions_visibility_keyword_lists_by_value (namespace_id, name, value(255))
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
