import { AlreadyExistsError, ConditionFailedError, NotFoundError, UnavailableError, requireBlob, requireNonEmpty, requireSafeInteger } from '@hourglass/core';
import type { CreateNamespaceRequest, GetNamespaceRequest, NamespaceRecord, NamespaceStore, Page, PageRequest, UpdateNamespaceRequest } from '@hourglass/core';
import { pageOf, readCursor } from '../paging.js';
import type { CqlSession, CqlStatement, Row } from '../session.js';
import { bytes, num, requiredBlob } from '../values.js';

const COLUMNS = 'name, id, data, data_encoding, is_global, notification_version';
/** Creates race other creates for the metadata version; each lost round re-reads it and tries again. */
const MAX_VERSION_ROUNDS = 100;

function record(row: Row): NamespaceRecord {
  return {
    id: row.get('id') as string,
    name: row.get('name') as string,
    data: requiredBlob(row, 'data', 'data_encoding'),
    isGlobal: row.get('is_global') === true,
    notificationVersion: num(row.get('notification_version')),
  };
}

/** The conditional bump of the metadata notification version; `current` undefined means it was never set. */
function bumpVersion(current: number | undefined): CqlStatement {
  const next = (current ?? 0) + 1;
  return current === undefined
    ? { query: 'UPDATE namespaces SET metadata_notification_version = ? WHERE namespaces_partition = 0 IF metadata_notification_version = null', params: [next] }
    : { query: 'UPDATE namespaces SET metadata_notification_version = ? WHERE namespaces_partition = 0 IF metadata_notification_version = ?', params: [next, current] };
}

export class CassandraNamespaceStore implements NamespaceStore {
  constructor(private readonly session: CqlSession) {}

  private async storedVersion(serial: boolean): Promise<number | undefined> {
    const rs = await this.session.execute('SELECT metadata_notification_version FROM namespaces WHERE namespaces_partition = 0 LIMIT 1', [], 'getMetadata', { serialRead: serial });
    const value = rs.first()?.get('metadata_notification_version') as unknown;
    return value === null || value === undefined ? undefined : num(value);
  }

  private async byName(name: string): Promise<NamespaceRecord | undefined> {
    const rs = await this.session.execute(`SELECT ${COLUMNS} FROM namespaces WHERE namespaces_partition = 0 AND name = ?`, [name], 'getNamespace');
    const row = rs.first();
    return row === null || row.get('id') === null ? undefined : record(row);
  }

  private async nameOfId(id: string): Promise<string | undefined> {
    const rs = await this.session.execute('SELECT name FROM namespaces_by_id WHERE id = ?', [id], 'getNamespace');
    return (rs.first()?.get('name') as string | null | undefined) ?? undefined;
  }

  async createNamespace(request: CreateNamespaceRequest): Promise<NamespaceRecord> {
    requireNonEmpty(request.id, 'id');
    requireNonEmpty(request.name, 'name');
    requireBlob(request.data, 'data');
    const claimed = await this.session.conditional('INSERT INTO namespaces_by_id (id, name) VALUES (?, ?) IF NOT EXISTS', [request.id, request.name], 'createNamespace');
    if (!claimed.applied) throw new AlreadyExistsError(`namespace id ${request.id} exists`);
    try {
      for (let round = 0; round < MAX_VERSION_ROUNDS; round++) {
        const version = await this.storedVersion(true);
        const written = version ?? 0;
        const result = await this.session.batch(
          [
            {
              query: 'INSERT INTO namespaces (namespaces_partition, name, id, data, data_encoding, is_global, notification_version) VALUES (0, ?, ?, ?, ?, ?, ?) IF NOT EXISTS',
              params: [request.name, request.id, bytes(request.data.data), request.data.encoding, request.isGlobal, written],
            },
            bumpVersion(version),
          ],
          'createNamespace',
        );
        if (result.applied) return { id: request.id, name: request.name, data: request.data, isGlobal: request.isGlobal, notificationVersion: written };
        if (result.rows.some((row) => row.get('name') === request.name && row.get('id') !== null)) {
          throw new AlreadyExistsError(`namespace ${request.name} exists`);
        }
      }
      throw new UnavailableError(`createNamespace: the metadata notification version kept changing for ${MAX_VERSION_ROUNDS} rounds`);
    } catch (err) {
      // A timeout may have written the namespace, so the id claim is only given back on a definite loss.
      if (!(err instanceof AlreadyExistsError || (err instanceof UnavailableError && err.cause === undefined))) throw err;
      await this.session.conditional('DELETE FROM namespaces_by_id WHERE id = ? IF name = ?', [request.id, request.name], 'createNamespace').catch(() => undefined);
      throw err;
    }
  }

  async getNamespace(request: GetNamespaceRequest): Promise<NamespaceRecord> {
    if (request.id !== undefined) {
      requireNonEmpty(request.id, 'id');
      const name = await this.nameOfId(request.id);
      const found = name === undefined ? undefined : await this.byName(name);
      if (found === undefined || found.id !== request.id) throw new NotFoundError(`namespace ${request.id} not found`);
      return found;
    }
    requireNonEmpty(request.name, 'name');
    const found = await this.byName(request.name);
    if (found === undefined) throw new NotFoundError(`namespace ${request.name} not found`);
    return found;
  }

  async updateNamespace(request: UpdateNamespaceRequest): Promise<NamespaceRecord> {
    requireNonEmpty(request.id, 'id');
    requireBlob(request.data, 'data');
    requireSafeInteger(request.notificationVersion, 'notificationVersion', 0);
    const existing = await this.getNamespace({ id: request.id });
    const result = await this.session.batch(
      [
        {
          query: 'UPDATE namespaces SET data = ?, data_encoding = ?, is_global = ?, notification_version = ? WHERE namespaces_partition = 0 AND name = ? IF id = ?',
          params: [bytes(request.data.data), request.data.encoding, request.isGlobal, request.notificationVersion, existing.name, request.id],
        },
        bumpVersion(request.notificationVersion),
      ],
      'updateNamespace',
    );
    if (!result.applied) {
      const row = result.rows.find((r) => r.get('name') === existing.name);
      if (row === undefined || row.get('id') !== request.id) throw new NotFoundError(`namespace ${request.id} not found`);
      const stored = row.get('metadata_notification_version') as unknown;
      throw new ConditionFailedError(`metadata is at version ${stored === null ? 0 : num(stored)}, not ${request.notificationVersion}`);
    }
    return { ...existing, data: request.data, isGlobal: request.isGlobal, notificationVersion: request.notificationVersion };
  }

  async listNamespaces(request: PageRequest): Promise<Page<NamespaceRecord>> {
    const cursor = readCursor<[string]>(request, ['string']);
    const fetched: NamespaceRecord[] = [];
    const query = `SELECT ${COLUMNS} FROM namespaces WHERE namespaces_partition = 0${cursor === undefined ? '' : ' AND name > ?'}`;
    for await (const row of this.session.rows(query, cursor === undefined ? [] : [cursor[0]], 'listNamespaces', Math.min(request.pageSize + 1, 1000))) {
      // A partition holding only the static version column yields one row without a namespace.
      if (row.get('id') === null) continue;
      fetched.push(record(row));
      if (fetched.length > request.pageSize) break;
    }
    return pageOf(fetched, request.pageSize, (n) => [n.name]);
  }

  async deleteNamespace(id: string): Promise<void> {
    requireNonEmpty(id, 'id');
    const name = await this.nameOfId(id);
    if (name === undefined) return;
    await this.session.conditional('DELETE FROM namespaces WHERE namespaces_partition = 0 AND name = ? IF id = ?', [name, id], 'deleteNamespace');
    await this.session.execute('DELETE FROM namespaces_by_id WHERE id = ?', [id], 'deleteNamespace');
  }

  async deleteNamespaceByName(name: string): Promise<void> {
    requireNonEmpty(name, 'name');
    const found = await this.byName(name);
    if (found === undefined) return;
    await this.session.conditional('DELETE FROM namespaces WHERE namespaces_partition = 0 AND name = ? IF id = ?', [name, found.id], 'deleteNamespaceByName');
    await this.session.conditional('DELETE FROM namespaces_by_id WHERE id = ? IF name = ?', [found.id, name], 'deleteNamespaceByName');
  }

  async getMetadata(): Promise<{ readonly notificationVersion: number }> {
    return { notificationVersion: (await this.storedVersion(false)) ?? 0 };
  }
}
