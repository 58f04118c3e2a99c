import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, decodeJsonBlob, encodeJsonBlob, NotFoundError } from '@hourglass/core';
import type { NamespaceRecord, NamespaceStore } from '@hourglass/core';
import { alreadyExists, invalidArgument, notFound } from '../grpc/rpc-error.js';

/** What we keep in a namespace record's data blob. */
export interface NamespaceData {
  name: string;
  id: string;
  description: string;
  ownerEmail: string;
  data: Record<string, string>;
  /** Temporal's NamespaceState: 1 registered, 2 deprecated, 3 deleted. */
  state: number;
  retentionMs: number;
  /** Custom search attribute name → type name ("Keyword", "Int", ...). */
  searchAttributes: Record<string, string>;
}

export interface Namespace extends NamespaceData {
  readonly notificationVersion: number;
}

export const DEFAULT_RETENTION_MS = 24 * 3600 * 1000;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;

function fromRecord(record: NamespaceRecord): Namespace {
  return { ...decodeJsonBlob<NamespaceData>(record.data), notificationVersion: record.notificationVersion };
}

/** Namespace lookups by name or id, on the NamespaceStore; the store is the only truth. */
export class NamespaceRegistry {
  constructor(private readonly store: NamespaceStore) {}

  /** NOT_FOUND for unknown names, INVALID_ARGUMENT for an empty one. */
  async byName(name: string | null | undefined): Promise<Namespace> {
    if (!name) throw invalidArgument('namespace is required');
    try {
      return fromRecord(await this.store.getNamespace({ name }));
    } catch (err) {
      if (err instanceof NotFoundError) {
        throw notFound(`Namespace ${name} is not found.`, { typeName: 'temporal.api.errordetails.v1.NamespaceNotFoundFailure', value: { namespace: name } });
      }
      throw err;
    }
  }

  async byId(id: string): Promise<Namespace> {
    try {
      return fromRecord(await this.store.getNamespace({ id }));
    } catch (err) {
      if (err instanceof NotFoundError) throw notFound(`Namespace id ${id} is not found.`);
      throw err;
    }
  }

  async register(input: Partial<NamespaceData> & { name: string }): Promise<Namespace> {
    if (!NAME_PATTERN.test(input.name)) throw invalidArgument(`invalid namespace name '${input.name}'`);
    const data: NamespaceData = {
      name: input.name,
      id: input.id ?? randomUUID(),
      description: input.description ?? '',
      ownerEmail: input.ownerEmail ?? '',
      data: input.data ?? {},
      state: 1,
      retentionMs: input.retentionMs ?? DEFAULT_RETENTION_MS,
      searchAttributes: input.searchAttributes ?? {},
    };
    try {
      return fromRecord(await this.store.createNamespace({ id: data.id, name: data.name, data: encodeJsonBlob(data), isGlobal: false }));
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw alreadyExists(`Namespace ${input.name} already exists.`);
      throw err;
    }
  }

  /** Creates the namespace unless it exists (dev mode). */
  async ensure(name: string, retentionMs?: number): Promise<Namespace> {
    try {
      return await this.byName(name);
    } catch {
      try {
        return await this.register({ name, ...(retentionMs ? { retentionMs } : {}) });
      } catch (err) {
        if (err instanceof Error && /already exists/.test(err.message)) return this.byName(name);
        throw err;
      }
    }
  }

  /** Read-modify-write under the store's metadata-version compare-and-set, retried on races. */
  async update(name: string, change: (data: NamespaceData) => void): Promise<Namespace> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.byName(name);
      const { notificationVersion: _read, ...data } = current;
      change(data);
      const metadata = await this.store.getMetadata();
      try {
        return fromRecord(
          await this.store.updateNamespace({ id: data.id, data: encodeJsonBlob(data), isGlobal: false, notificationVersion: metadata.notificationVersion }),
        );
      } catch (err) {
        if (attempt >= 5 || !(err instanceof Error) || (err as { code?: string }).code !== 'CONDITION_FAILED') throw err;
      }
    }
  }

  async list(pageSize: number, nextPageToken?: Uint8Array): Promise<{ namespaces: Namespace[]; nextPageToken?: Uint8Array }> {
    const page = await this.store.listNamespaces({ pageSize: pageSize > 0 ? pageSize : 100, ...(nextPageToken?.byteLength ? { nextPageToken } : {}) });
    return { namespaces: page.items.map(fromRecord), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
  }
}
