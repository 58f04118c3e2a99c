import { AlreadyExistsError, ConditionFailedError, NotFoundError, requireBlob, requireNonEmpty, requireSafeInteger } from '@hourglass/core';
import type { CreateNamespaceRequest, GetNamespaceRequest, NamespaceRecord, NamespaceStore, Page, PageRequest, UpdateNamespaceRequest } from '@hourglass/core';
import { pageByKey } from './paging.js';

export class MemoryNamespaceStore implements NamespaceStore {
  private readonly byId = new Map<string, NamespaceRecord>();
  private notificationVersion = 0;

  async createNamespace(request: CreateNamespaceRequest): Promise<NamespaceRecord> {
    requireNonEmpty(request.id, 'id');
    requireNonEmpty(request.name, 'name');
    requireBlob(request.data, 'data');
    if (this.byId.has(request.id)) throw new AlreadyExistsError(`namespace id ${request.id} exists`);
    if ([...this.byId.values()].some((n) => n.name === request.name)) throw new AlreadyExistsError(`namespace ${request.name} exists`);
    const record: NamespaceRecord = { id: request.id, name: request.name, data: structuredClone(request.data), isGlobal: request.isGlobal, notificationVersion: this.notificationVersion };
    this.byId.set(record.id, record);
    this.notificationVersion++;
    return structuredClone(record);
  }

  async getNamespace(request: GetNamespaceRequest): Promise<NamespaceRecord> {
    let record: NamespaceRecord | undefined;
    if (request.id !== undefined) {
      requireNonEmpty(request.id, 'id');
      record = this.byId.get(request.id);
    } else {
      requireNonEmpty(request.name, 'name');
      record = [...this.byId.values()].find((n) => n.name === request.name);
    }
    if (record === undefined) throw new NotFoundError('namespace not found');
    return structuredClone(record);
  }

  async updateNamespace(request: UpdateNamespaceRequest): Promise<NamespaceRecord> {
    requireNonEmpty(request.id, 'id');
    requireBlob(request.data, 'data');
    requireSafeInteger(request.notificationVersion, 'notificationVersion', 0);
    const existing = this.byId.get(request.id);
    if (existing === undefined) throw new NotFoundError(`namespace ${request.id} not found`);
    if (request.notificationVersion !== this.notificationVersion) {
      throw new ConditionFailedError(`metadata is at version ${this.notificationVersion}, not ${request.notificationVersion}`);
    }
    const record: NamespaceRecord = { ...existing, data: structuredClone(request.data), isGlobal: request.isGlobal, notificationVersion: this.notificationVersion };
    this.byId.set(record.id, record);
    this.notificationVersion++;
    return structuredClone(record);
  }

  async listNamespaces(request: PageRequest): Promise<Page<NamespaceRecord>> {
    return structuredClone(pageByKey(this.byId.values(), (n) => [n.id], request));
  }

  async deleteNamespace(id: string): Promise<void> {
    requireNonEmpty(id, 'id');
    this.byId.delete(id);
  }

  async deleteNamespaceByName(name: string): Promise<void> {
    requireNonEmpty(name, 'name');
    for (const [id, n] of this.byId) if (n.name === name) this.byId.delete(id);
  }

  async getMetadata(): Promise<{ readonly notificationVersion: number }> {
    return { notificationVersion: this.notificationVersion };
  }
}
