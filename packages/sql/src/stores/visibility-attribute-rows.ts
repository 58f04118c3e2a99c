import type { Insertable } from 'kysely';
import type { SearchAttributes } from '@hourglass/core';
import type { VisibilityDialect } from '../dialects/visibility-dialect.js';
import { words } from '../dialects/visibility-words.js';
import type { AttributeValuesTable, KeywordListsTable, TextTable, VisibilityDb } from './visibility-tables.js';

/**
 * The indexed copy of a run's search attributes (visibility schema v1.2): one typed row per
 * attribute, one row per KeywordList element, and the words of each Text value. The JSON column
 * stays the source of reads; these rows are rewritten with it so queries see the same values.
 */
export interface AttributeRows {
  readonly values: Insertable<AttributeValuesTable>[];
  readonly keywordListElements: Insertable<KeywordListsTable>[];
  /** SQLite only: rows behind the FTS5 index. */
  readonly texts: Insertable<TextTable>[];
}

export function attributeRows(namespaceId: string, runId: string, attributes: SearchAttributes, text: VisibilityDialect): AttributeRows {
  const rows: AttributeRows = { values: [], keywordListElements: [], texts: [] };
  for (const [name, attribute] of Object.entries(attributes)) {
    const row: Insertable<AttributeValuesTable> = { namespace_id: namespaceId, run_id: runId, name, type: attribute.type, string_value: null, int_value: null, double_value: null };
    switch (attribute.type) {
      case 'Keyword':
        row.string_value = attribute.value;
        break;
      case 'Int':
      case 'Datetime':
        row.int_value = attribute.value;
        break;
      case 'Bool':
        row.int_value = attribute.value ? 1 : 0;
        break;
      case 'Double':
        row.double_value = attribute.value;
        break;
      case 'KeywordList':
        attribute.value.forEach((value, position) => rows.keywordListElements.push({ namespace_id: namespaceId, run_id: runId, name, position, value }));
        break;
      case 'Text': {
        const found = words(attribute.value);
        const column = text.textWords(found);
        if (column === undefined) rows.texts.push({ namespace_id: namespaceId, run_id: runId, name, words: found.join(' ') });
        else row.text_words = column;
        break;
      }
    }
    rows.values.push(row);
  }
  // Every row of one multi-row INSERT must name the same columns.
  if (rows.values.some((r) => r.text_words !== undefined)) for (const r of rows.values) r.text_words ??= null;
  return rows;
}

/** Replaces the indexed copy of one run's attributes; runs inside the transaction that writes the run. */
export async function writeAttributeRows(db: VisibilityDb, namespaceId: string, runId: string, rows: AttributeRows, sqlite: boolean): Promise<void> {
  await deleteAttributeRows(db, namespaceId, runId, sqlite);
  if (rows.values.length > 0) await db.insertInto('executions_visibility_attribute_values').values(rows.values).execute();
  if (rows.keywordListElements.length > 0) await db.insertInto('executions_visibility_keyword_lists').values(rows.keywordListElements).execute();
  if (rows.texts.length > 0) await db.insertInto('executions_visibility_texts').values(rows.texts).execute();
}

export async function deleteAttributeRows(db: VisibilityDb, namespaceId: string, runId: string, sqlite: boolean): Promise<void> {
  await db.deleteFrom('executions_visibility_attribute_values').where('namespace_id', '=', namespaceId).where('run_id', '=', runId).execute();
  await db.deleteFrom('executions_visibility_keyword_lists').where('namespace_id', '=', namespaceId).where('run_id', '=', runId).execute();
  if (sqlite) await db.deleteFrom('executions_visibility_texts').where('namespace_id', '=', namespaceId).where('run_id', '=', runId).execute();
}
