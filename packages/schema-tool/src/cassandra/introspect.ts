import type cassandra from 'cassandra-driver';

/** One column as system_schema describes it; everything validate compares. */
export interface ColumnShape {
  readonly kind: string;
  readonly type: string;
  readonly position: number;
  readonly clusteringOrder: string;
}

export type KeyspaceShape = Map<string, Map<string, ColumnShape>>;

export async function introspectKeyspace(client: cassandra.Client, keyspace: string, ignoreTables: readonly string[]): Promise<KeyspaceShape> {
  const rs = await client.execute(
    'SELECT table_name, column_name, kind, type, position, clustering_order FROM system_schema.columns WHERE keyspace_name = ?',
    [keyspace],
    { prepare: true },
  );
  const shape: KeyspaceShape = new Map();
  for (const row of rs.rows) {
    const table = row.get('table_name') as string;
    if (ignoreTables.includes(table)) continue;
    const columns = shape.get(table) ?? new Map<string, ColumnShape>();
    columns.set(row.get('column_name') as string, {
      kind: row.get('kind') as string,
      type: row.get('type') as string,
      position: row.get('position') as number,
      clusteringOrder: row.get('clustering_order') as string,
    });
    shape.set(table, columns);
  }
  return shape;
}

export interface ShapeDrift {
  readonly differences: string[];
  readonly otherTables: string[];
}

export function compareKeyspaces(expected: KeyspaceShape, live: KeyspaceShape): ShapeDrift {
  const differences: string[] = [];
  for (const [table, columns] of expected) {
    const liveColumns = live.get(table);
    if (liveColumns === undefined) {
      differences.push(`table ${table} is missing`);
      continue;
    }
    for (const [name, want] of columns) {
      const have = liveColumns.get(name);
      if (have === undefined) {
        differences.push(`column ${table}.${name} is missing`);
        continue;
      }
      const describe = (c: ColumnShape) => `${c.kind} ${c.type}${c.kind === 'clustering' ? ` ${c.clusteringOrder}` : ''} at ${c.position}`;
      if (describe(have) !== describe(want)) differences.push(`column ${table}.${name} is ${describe(have)}, expected ${describe(want)}`);
    }
    for (const name of liveColumns.keys()) if (!columns.has(name)) differences.push(`column ${table}.${name} is not part of the schema`);
  }
  const otherTables = [...live.keys()].filter((t) => !expected.has(t)).sort();
  return { differences, otherTables };
}
