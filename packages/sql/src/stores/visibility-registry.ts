import { AlreadyExistsError, NotFoundError, requireAttributeNameList, requireRegistrableAttributes } from '@hourglass/core';
import type { CustomSearchAttributes, SearchAttributeType } from '@hourglass/core';
import type { SqlRunner } from '../runner.js';
import { requireId } from '../validate.js';
import { withVisibilityTables } from './visibility-tables.js';

/**
 * The per-namespace catalogue of custom search attributes (`visibility_search_attributes`).
 * Each call is one transaction, so a failing call changes nothing.
 */
export class SearchAttributeRegistry {
  constructor(private readonly runner: SqlRunner) {}

  async add(namespaceId: string, attributes: CustomSearchAttributes): Promise<void> {
    requireId(namespaceId, 'namespaceId');
    const wanted = requireRegistrableAttributes(attributes);
    await this.runner.write(async (tx) => {
      const db = withVisibilityTables(tx);
      const existing = await this.read(db, namespaceId);
      const fresh = wanted.filter(([name, type]) => {
        const registered = existing.get(name);
        if (registered !== undefined && registered !== type) {
          throw new AlreadyExistsError(`search attribute '${name}' is already registered in namespace ${namespaceId} as ${registered}, not ${type}`);
        }
        return registered === undefined;
      });
      if (fresh.length === 0) return;
      // A concurrent call may register the same names meanwhile: keep its rows, then check that they agree.
      await db
        .insertInto('visibility_search_attributes')
        .values(fresh.map(([name, type]) => ({ namespace_id: namespaceId, name, type })))
        .modifyEnd(this.runner.dialect.insertIgnoreClause(['namespace_id', 'name']))
        .execute();
      const now = await this.read(db, namespaceId);
      for (const [name, type] of fresh) {
        const registered = now.get(name);
        if (registered !== type) throw new AlreadyExistsError(`search attribute '${name}' was just registered in namespace ${namespaceId} as ${String(registered)}, not ${type}`);
      }
    });
  }

  async remove(namespaceId: string, names: readonly string[]): Promise<void> {
    requireId(namespaceId, 'namespaceId');
    requireAttributeNameList(names);
    if (names.length === 0) return;
    await this.runner.write(async (tx) => {
      const db = withVisibilityTables(tx);
      const existing = await this.read(db, namespaceId);
      const missing = names.filter((n) => !existing.has(n));
      if (missing.length > 0) throw new NotFoundError(`search attributes ${missing.map((n) => `'${n}'`).join(', ')} are not registered in namespace ${namespaceId}`);
      await db
        .deleteFrom('visibility_search_attributes')
        .where('namespace_id', '=', namespaceId)
        .where('name', 'in', [...new Set(names)])
        .execute();
    });
  }

  async get(namespaceId: string): Promise<CustomSearchAttributes> {
    requireId(namespaceId, 'namespaceId');
    const registered = await this.runner.run((db) => this.read(withVisibilityTables(db), namespaceId));
    return Object.fromEntries(registered);
  }

  private async read(db: ReturnType<typeof withVisibilityTables>, namespaceId: string): Promise<Map<string, SearchAttributeType>> {
    const rows = await db.selectFrom('visibility_search_attributes').select(['name', 'type']).where('namespace_id', '=', namespaceId).orderBy('name').execute();
    return new Map(rows.map((r) => [r.name, r.type as SearchAttributeType]));
  }
}
