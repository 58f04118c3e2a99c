import type { SqlExecutor } from './executor.js';

export interface ColumnShape {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly defaultValue: string | null;
}

export interface IndexShape {
  readonly name: string;
  /** Uniqueness and key columns, in a form comparable between two databases of the same kind. */
  readonly definition: string;
}

export interface TableShape {
  readonly name: string;
  readonly columns: readonly ColumnShape[];
  readonly indexes: readonly IndexShape[];
}

export type SchemaShape = ReadonlyMap<string, TableShape>;

/**
 * Reads tables, columns and indexes as the database reports them. `schema` names the
 * PostgreSQL schema or MySQL database to read; by default the connection's current one.
 */
export async function introspect(executor: SqlExecutor, schema?: string): Promise<SchemaShape> {
  switch (executor.dialect) {
    case 'sqlite':
      return introspectSqlite(executor);
    case 'postgres':
      return introspectPostgres(executor, schema ?? (await scalar(executor, 'SELECT current_schema() AS v')));
    case 'mysql':
      return introspectMysql(executor, schema ?? (await scalar(executor, 'SELECT DATABASE() AS v')));
  }
}

async function scalar(executor: SqlExecutor, sql: string): Promise<string> {
  const rows = await executor.query<{ v: string }>(sql);
  return String(rows[0]?.v);
}

interface MutableTable {
  name: string;
  columns: ColumnShape[];
  indexes: IndexShape[];
}

function tableOf(tables: Map<string, MutableTable>, name: string): MutableTable {
  let table = tables.get(name);
  if (!table) {
    table = { name, columns: [], indexes: [] };
    tables.set(name, table);
  }
  return table;
}

async function introspectSqlite(executor: SqlExecutor): Promise<SchemaShape> {
  const tables = new Map<string, MutableTable>();
  const names = await executor.query<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  );
  for (const { name } of names) {
    const table = tableOf(tables, name);
    const columns = await executor.query<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
      'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
      [name],
    );
    for (const column of columns) {
      table.columns.push({
        name: column.name,
        type: column.type.toUpperCase() + (column.pk > 0 ? ` PRIMARY KEY#${column.pk}` : ''),
        nullable: column.notnull === 0,
        defaultValue: column.dflt_value,
      });
    }
    const indexes = await executor.query<{ name: string; unique: number; partial: number }>(
      'SELECT name, "unique", partial FROM pragma_index_list(?) ORDER BY name',
      [name],
    );
    for (const index of indexes) {
      const keys = await executor.query<{ name: string | null }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [index.name]);
      const keyText = keys.map((k) => k.name ?? '<expression>').join(', ');
      table.indexes.push({
        name: index.name,
        definition: `${index.unique ? 'UNIQUE ' : ''}(${keyText})${index.partial ? ' PARTIAL' : ''}`,
      });
    }
  }
  return tables;
}

async function introspectPostgres(executor: SqlExecutor, schema: string): Promise<SchemaShape> {
  const tables = new Map<string, MutableTable>();
  const names = await executor.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    [schema],
  );
  for (const { name } of names) tableOf(tables, name);
  const columns = await executor.query<{ table_name: string; name: string; type: string; nullable: boolean; default_value: string | null }>(
    `SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
  NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default_value
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`,
    [schema],
  );
  for (const column of columns) {
    tableOf(tables, column.table_name).columns.push({
      name: column.name,
      type: column.type,
      nullable: column.nullable,
      defaultValue: column.default_value === null ? null : unqualify(column.default_value, schema),
    });
  }
  const indexes = await executor.query<{ table_name: string; name: string; definition: string }>(
    `SELECT t.relname AS table_name, i.relname AS name, pg_get_indexdef(ix.indexrelid) AS definition
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = $1
ORDER BY t.relname, i.relname`,
    [schema],
  );
  for (const index of indexes) {
    // The definition names the schema; strip it so a scratch schema compares equal to the live one.
    const definition = unqualify(index.definition, schema).replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, 'CREATE $1INDEX ON ');
    tableOf(tables, index.table_name).indexes.push({ name: index.name, definition });
  }
  return tables;
}

function unqualify(text: string, schema: string): string {
  const quoted = `"${schema.replace(/"/g, '""')}".`;
  return text.split(quoted).join('').split(`${schema}.`).join('');
}

async function introspectMysql(executor: SqlExecutor, database: string): Promise<SchemaShape> {
  const tables = new Map<string, MutableTable>();
  const names = await executor.query<{ name: string }>(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    [database],
  );
  for (const { name } of names) tableOf(tables, name);
  const columns = await executor.query<{ table_name: string; name: string; type: string; nullable: string; default_value: string | null; extra: string }>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
  COLUMN_DEFAULT AS default_value, EXTRA AS extra
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  for (const column of columns) {
    const table = tables.get(column.table_name);
    if (!table) continue; // a view
    table.columns.push({
      name: column.name,
      type: (column.type + (column.extra ? ` ${column.extra}` : '')).toLowerCase(),
      nullable: column.nullable === 'YES',
      defaultValue: column.default_value,
    });
  }
  const keys = await executor.query<{ table_name: string; name: string; non_unique: number | string; column_name: string | null; sub_part: number | null }>(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name, SUB_PART AS sub_part
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  const grouped = new Map<string, { table: string; name: string; unique: boolean; parts: string[] }>();
  for (const key of keys) {
    const id = `${key.table_name}\0${key.name}`;
    let entry = grouped.get(id);
    if (!entry) {
      entry = { table: key.table_name, name: key.name, unique: Number(key.non_unique) === 0, parts: [] };
      grouped.set(id, entry);
    }
    entry.parts.push(`${key.column_name ?? '<expression>'}${key.sub_part === null ? '' : `(${key.sub_part})`}`);
  }
  for (const entry of grouped.values()) {
    tables.get(entry.table)?.indexes.push({ name: entry.name, definition: `${entry.unique ? 'UNIQUE ' : ''}(${entry.parts.join(', ')})` });
  }
  return tables;
}
