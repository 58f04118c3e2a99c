import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SchemaToolError, describeCause } from '../errors.js';
import type { SchemaVersion } from '../manifest.js';
import { BOOKKEEPING_TABLES, dialectFor } from './dialect.js';
import type { SqlExecutor } from './executor.js';
import { sqliteExecutor } from './executor.js';
import type { SchemaShape, TableShape } from './introspect.js';
import { introspect } from './introspect.js';
import { statementsOf } from './update.js';

/**
 * What the schema should look like at a version, found by applying the versioned files to a
 * scratch database of the same kind and reading it back. This avoids parsing DDL, and the
 * database itself decides how types and defaults are spelled, exactly as it does for the live
 * schema. The scratch space never outlives the call.
 */
export async function expectedShape(session: SqlExecutor, versions: readonly SchemaVersion[]): Promise<SchemaShape> {
  const dialect = dialectFor(session.dialect);
  const statements = versions.flatMap((version) => statementsOf(version, dialect).map((s) => ({ ...s, version: version.version })));
  const applyAll = async (target: SqlExecutor): Promise<void> => {
    for (const statement of statements) {
      try {
        await target.execute(statement.sql);
      } catch (err) {
        throw new SchemaToolError(
          `cannot rebuild the expected schema: version ${statement.version}, statement ${statement.index + 1} of ${statement.file}: ${describeCause(err)}`,
          { cause: err },
        );
      }
    }
  };
  const scratchName = `hg_validate_${randomBytes(6).toString('hex')}`;
  switch (session.dialect) {
    case 'sqlite': {
      const scratch = new Database(':memory:');
      try {
        const executor = sqliteExecutor(scratch);
        await applyAll(executor);
        return await introspect(executor);
      } finally {
        scratch.close();
      }
    }
    case 'postgres': {
      // PostgreSQL DDL is transactional: build in a fresh schema, read it, and roll it all away.
      await session.execute('BEGIN');
      try {
        await session.execute(`CREATE SCHEMA ${scratchName}`);
        await session.execute(`SET LOCAL search_path TO ${scratchName}, public`);
        await applyAll(session);
        return await introspect(session, scratchName);
      } finally {
        await session.execute('ROLLBACK');
      }
    }
    case 'mysql': {
      const rows = await session.query<{ db: string | null }>('SELECT DATABASE() AS db');
      const original = rows[0]?.db;
      try {
        await session.execute(`CREATE DATABASE ${scratchName}`);
      } catch (err) {
        throw new SchemaToolError(`validate needs permission to create a scratch database: ${describeCause(err)}`, { cause: err });
      }
      try {
        await session.execute(`USE ${scratchName}`);
        await applyAll(session);
        return await introspect(session, scratchName);
      } finally {
        await session.execute(`DROP DATABASE IF EXISTS ${scratchName}`);
        if (original) await session.execute(`USE \`${original.replace(/`/g, '``')}\``);
      }
    }
  }
}

export interface SchemaDrift {
  /** Human-readable differences; empty means the live schema matches. */
  readonly differences: readonly string[];
  /** Tables present live but not in this store's schema (another store may own them). */
  readonly otherTables: readonly string[];
}

export function compareShapes(expected: SchemaShape, live: SchemaShape): SchemaDrift {
  const differences: string[] = [];
  for (const [name, want] of expected) {
    if ((BOOKKEEPING_TABLES as readonly string[]).includes(name)) continue;
    const have = live.get(name);
    if (!have) {
      differences.push(`table ${name} is missing`);
      continue;
    }
    differences.push(...compareTables(want, have));
  }
  const otherTables = [...live.keys()].filter(
    (name) => !expected.has(name) && !(BOOKKEEPING_TABLES as readonly string[]).includes(name),
  );
  return { differences, otherTables };
}

function compareTables(want: TableShape, have: TableShape): string[] {
  const differences: string[] = [];
  const haveColumns = new Map(have.columns.map((c) => [c.name, c]));
  for (const column of want.columns) {
    const live = haveColumns.get(column.name);
    if (!live) {
      differences.push(`table ${want.name}: column ${column.name} is missing`);
      continue;
    }
    if (live.type.toLowerCase() !== column.type.toLowerCase()) {
      differences.push(`table ${want.name}: column ${column.name} has type ${live.type}, expected ${column.type}`);
    }
    if (live.nullable !== column.nullable) {
      differences.push(`table ${want.name}: column ${column.name} is ${live.nullable ? 'nullable' : 'NOT NULL'}, expected ${column.nullable ? 'nullable' : 'NOT NULL'}`);
    }
    if (live.defaultValue !== column.defaultValue) {
      differences.push(`table ${want.name}: column ${column.name} defaults to ${live.defaultValue ?? 'nothing'}, expected ${column.defaultValue ?? 'nothing'}`);
    }
  }
  const wantColumns = new Set(want.columns.map((c) => c.name));
  for (const column of have.columns) {
    if (!wantColumns.has(column.name)) differences.push(`table ${want.name}: unexpected column ${column.name}`);
  }
  const haveIndexes = new Map(have.indexes.map((i) => [i.name, i]));
  for (const index of want.indexes) {
    const live = haveIndexes.get(index.name);
    if (!live) differences.push(`table ${want.name}: index ${index.name} is missing`);
    else if (live.definition !== index.definition) {
      differences.push(`table ${want.name}: index ${index.name} is ${live.definition}, expected ${index.definition}`);
    }
  }
  const wantIndexes = new Set(want.indexes.map((i) => i.name));
  for (const index of have.indexes) {
    if (!wantIndexes.has(index.name)) differences.push(`table ${want.name}: unexpected index ${index.name} ${index.definition}`);
  }
  return differences;
}
