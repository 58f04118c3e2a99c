import { AlreadyExistsError, ConditionFailedError, InvalidPersistenceRequestError, NotFoundError, requireSafeInteger } from '@hourglass/core';
import type {
  CreateNamespaceRequest,
  GetNamespaceRequest,
  NamespaceRecord,
  NamespaceStore,
  Page,
  PageRequest,
  UpdateNamespaceRequest,
} from '@hourglass/core';
import type { Selectable } from 'kysely';
import { decodeCursor, fetchSize, keysetAfter, toPage } from '../paging.js';
import type { Db, SqlRunner } from '../runner.js';
import type { NamespacesTable } from '../tables.js';
import { requireBlob, requireBoolean, requireId, requireName, requireObject } from '../validate.js';
import { CorruptRowError, bindBytes, int, readBlob } from '../values.js';

/** The schema seeds exactly one metadata row, with this key. */
const METADATA_PARTITION = 0;

export class SqlNamespaceStore implements NamespaceStore {
  constructor(private readonly runner: SqlRunner) {}

  async createNamespace(request: CreateNamespaceRequest): Promise<NamespaceRecord> {
    requireObject(request, 'request');
    requireId(request.id, 'id');
    requireName(request.name, 'name');
    requireBlob(request.data, 'data');
    requireBoolean(request.isGlobal, 'isGlobal');
    const { id, name, data, isGlobal } = request;
    return this.runner.write(async (tx) => {
      const version = await this.lockMetadata(tx);
      const clash = await tx
        .selectFrom('namespaces')
        .select(['id', 'name'])
        .where((eb) => eb.or([eb('id', '=', id), eb('name', '=', name)]))
        .executeTakeFirst();
      if (clash) throw new AlreadyExistsError(clash.id === id ? `namespace id ${id} already exists` : `namespace name ${name} already exists`);
      try {
        await tx
          .insertInto('namespaces')
          .values({ id, name, data: bindBytes(data.data), data_encoding: data.encoding, is_global: isGlobal ? 1 : 0, notification_version: version })
          .execute();
      } catch (err) {
        if (this.runner.isDuplicateKey(err)) throw new AlreadyExistsError(`namespace ${name} (${id}) already exists`, { cause: err });
        throw err;
      }
      await this.bumpMetadata(tx, version);
      return { id, name, data, isGlobal, notificationVersion: version };
    });
  }

  async getNamespace(request: GetNamespaceRequest): Promise<NamespaceRecord> {
    requireObject(request, 'request');
    const byId = request.id !== undefined;
    if (byId === (request.name !== undefined)) throw new InvalidPersistenceRequestError('exactly one of id and name must be given');
    if (byId) requireId(request.id, 'id');
    else requireName(request.name, 'name');
    const row = await this.runner.run((db) => {
      const q = db.selectFrom('namespaces').selectAll();
      return (byId ? q.where('id', '=', request.id!) : q.where('name', '=', request.name!)).executeTakeFirst();
    });
    if (!row) throw new NotFoundError(byId ? `namespace id ${request.id} not found` : `namespace ${request.name} not found`);
    return toNamespace(row);
  }

  async updateNamespace(request: UpdateNamespaceRequest): Promise<NamespaceRecord> {
    requireObject(request, 'request');
    requireId(request.id, 'id');
    requireBlob(request.data, 'data');
    requireBoolean(request.isGlobal, 'isGlobal');
    requireSafeInteger(request.notificationVersion, 'notificationVersion', 0);
    const { id, data, isGlobal, notificationVersion } = request;
    return this.runner.write(async (tx) => {
      const version = await this.lockMetadata(tx);
      const existing = await this.runner.dialect
        .lockRows(tx.selectFrom('namespaces').select(['name']).where('id', '=', id), 'update')
        .executeTakeFirst();
      if (!existing) throw new NotFoundError(`namespace id ${id} not found`);
      if (version !== notificationVersion) {
        throw new ConditionFailedError(`metadata notification version is ${version}, not ${notificationVersion}`);
      }
      await tx
        .updateTable('namespaces')
        .set({ data: bindBytes(data.data), data_encoding: data.encoding, is_global: isGlobal ? 1 : 0, notification_version: version })
        .where('id', '=', id)
        .execute();
      await this.bumpMetadata(tx, version);
      return { id, name: existing.name, data, isGlobal, notificationVersion: version };
    });
  }

  async listNamespaces(request: PageRequest): Promise<Page<NamespaceRecord>> {
    requireObject(request, 'request');
    const limit = fetchSize(request);
    const cursor = decodeCursor(request.nextPageToken, ['string']);
    const rows = await this.runner.run((db) => {
      let q = db.selectFrom('namespaces').selectAll().orderBy('id').limit(limit);
      if (cursor) q = q.where(keysetAfter([{ column: 'id' }], cursor));
      return q.execute();
    });
    return toPage(rows, request.pageSize, toNamespace, (r) => [r.id]);
  }

  async deleteNamespace(id: string): Promise<void> {
    requireId(id, 'id');
    await this.runner.run((db) => db.deleteFrom('namespaces').where('id', '=', id).execute());
  }

  async deleteNamespaceByName(name: string): Promise<void> {
    requireName(name, 'name');
    await this.runner.run((db) => db.deleteFrom('namespaces').where('name', '=', name).execute());
  }

  async getMetadata(): Promise<{ readonly notificationVersion: number }> {
    const row = await this.runner.run((db) =>
      db.selectFrom('namespace_metadata').select('notification_version').where('partition_id', '=', METADATA_PARTITION).executeTakeFirst(),
    );
    if (!row) throw new CorruptRowError('namespace_metadata row is missing; the schema was not set up by schema-tool');
    return { notificationVersion: int(row.notification_version, 'notification_version') };
  }

  /** Locking the metadata row serialises namespace writes, so versions are handed out one at a time. */
  private async lockMetadata(tx: Db): Promise<number> {
    const row = await this.runner.dialect
      .lockRows(tx.selectFrom('namespace_metadata').select('notification_version').where('partition_id', '=', METADATA_PARTITION), 'update')
      .executeTakeFirst();
    if (!row) throw new CorruptRowError('namespace_metadata row is missing; the schema was not set up by schema-tool');
    return int(row.notification_version, 'notification_version');
  }

  private async bumpMetadata(tx: Db, version: number): Promise<void> {
    await tx
      .updateTable('namespace_metadata')
      .set({ notification_version: version + 1 })
      .where('partition_id', '=', METADATA_PARTITION)
      .where('notification_version', '=', version)
      .execute();
  }
}

function toNamespace(row: Selectable<NamespacesTable>): NamespaceRecord {
  return {
    id: row.id,
    name: row.name,
    data: readBlob(row.data, row.data_encoding, 'data'),
    isGlobal: int(row.is_global, 'is_global') !== 0,
    notificationVersion: int(row.notification_version, 'notification_version'),
  };
}
