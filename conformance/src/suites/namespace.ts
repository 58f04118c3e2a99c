import { expect } from 'vitest';
import { AlreadyExistsError, ConditionFailedError, NotFoundError } from '@hourglass/core';
import type { NamespaceRecord, PersistenceStores } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { expectBlob, readAllPages, rejectsWith, textBlob, uid } from '../fixtures.js';

export async function createTestNamespace(s: PersistenceStores, name = `ns-${uid()}`): Promise<NamespaceRecord> {
  return s.namespaces.createNamespace({ id: uid(), name, data: textBlob(`data of ${name}`), isGlobal: false });
}

function expectSameNamespace(actual: NamespaceRecord, expected: NamespaceRecord): void {
  expect({ id: actual.id, name: actual.name, isGlobal: actual.isGlobal, notificationVersion: actual.notificationVersion }).toEqual({
    id: expected.id,
    name: expected.name,
    isGlobal: expected.isGlobal,
    notificationVersion: expected.notificationVersion,
  });
  expectBlob(actual.data, expected.data, 'namespace data');
}

export function namespaceSuite(cell: Cell): void {
  cell.test('namespace: create returns the record and get by id and by name read it back', async (s) => {
    const request = { id: uid(), name: `ns-${uid()}`, data: textBlob('payload'), isGlobal: true };
    const created = await s.namespaces.createNamespace(request);
    expect({ id: created.id, name: created.name, isGlobal: created.isGlobal }).toEqual({ id: request.id, name: request.name, isGlobal: true });
    expectBlob(created.data, request.data);
    expectSameNamespace(await s.namespaces.getNamespace({ id: request.id }), created);
    expectSameNamespace(await s.namespaces.getNamespace({ name: request.name }), created);
  });

  cell.test('namespace: create bumps the metadata notification version by one', async (s) => {
    const before = (await s.namespaces.getMetadata()).notificationVersion;
    await createTestNamespace(s);
    expect((await s.namespaces.getMetadata()).notificationVersion).toBe(before + 1);
  });

  cell.test('namespace: a new namespace records the metadata version read at its write (Temporal semantics)', async (s) => {
    const before = (await s.namespaces.getMetadata()).notificationVersion;
    const created = await createTestNamespace(s);
    expect(created.notificationVersion).toBe(before);
  });

  cell.test('namespace: a duplicate name fails with AlreadyExists and keeps the first namespace', async (s) => {
    const first = await createTestNamespace(s);
    await rejectsWith(s.namespaces.createNamespace({ id: uid(), name: first.name, data: textBlob('second'), isGlobal: false }), AlreadyExistsError);
    expectSameNamespace(await s.namespaces.getNamespace({ name: first.name }), first);
  });

  cell.test('namespace: a duplicate id fails with AlreadyExists and keeps the first namespace', async (s) => {
    const first = await createTestNamespace(s);
    const otherName = `ns-${uid()}`;
    await rejectsWith(s.namespaces.createNamespace({ id: first.id, name: otherName, data: textBlob('second'), isGlobal: false }), AlreadyExistsError);
    expectSameNamespace(await s.namespaces.getNamespace({ id: first.id }), first);
    await rejectsWith(s.namespaces.getNamespace({ name: otherName }), NotFoundError);
  });

  cell.test('namespace: get of an unknown id fails with NotFound', async (s) => {
    await rejectsWith(s.namespaces.getNamespace({ id: uid() }), NotFoundError);
  });

  cell.test('namespace: get of an unknown name fails with NotFound', async (s) => {
    await rejectsWith(s.namespaces.getNamespace({ name: `ns-${uid()}` }), NotFoundError);
  });

  cell.test('namespace: update with the current metadata version replaces the data and bumps the version', async (s) => {
    const created = await createTestNamespace(s);
    const version = (await s.namespaces.getMetadata()).notificationVersion;
    const updated = await s.namespaces.updateNamespace({ id: created.id, data: textBlob('updated'), isGlobal: true, notificationVersion: version });
    expect((await s.namespaces.getMetadata()).notificationVersion).toBe(version + 1);
    const read = await s.namespaces.getNamespace({ id: created.id });
    expectSameNamespace(read, updated);
    expect(read.name).toBe(created.name);
    expect(read.isGlobal).toBe(true);
    expectBlob(read.data, textBlob('updated'));
  });

  cell.test('namespace: update with a stale notification version fails with ConditionFailed and changes nothing', async (s) => {
    const created = await createTestNamespace(s);
    const stale = (await s.namespaces.getMetadata()).notificationVersion;
    await createTestNamespace(s); // moves the metadata version on
    await rejectsWith(s.namespaces.updateNamespace({ id: created.id, data: textBlob('lost'), isGlobal: false, notificationVersion: stale }), ConditionFailedError);
    expectSameNamespace(await s.namespaces.getNamespace({ id: created.id }), created);
    expect((await s.namespaces.getMetadata()).notificationVersion).toBe(stale + 1);
  });

  cell.test('namespace: update of an unknown namespace fails with NotFound', async (s) => {
    const version = (await s.namespaces.getMetadata()).notificationVersion;
    await rejectsWith(s.namespaces.updateNamespace({ id: uid(), data: textBlob('x'), isGlobal: false, notificationVersion: version }), NotFoundError);
  });

  cell.test('namespace: list pages through every namespace exactly once', async (s) => {
    const created = await Promise.all([0, 1, 2, 3, 4].map(() => createTestNamespace(s)));
    const { items, pages } = await readAllPages((p) => s.namespaces.listNamespaces(p), 2);
    const ids = items.map((n) => n.id);
    expect(new Set(ids).size, 'a namespace was listed twice').toBe(ids.length);
    for (const c of created) {
      const listed = items.find((n) => n.id === c.id);
      expect(listed, `namespace ${c.name} missing from the list`).toBeDefined();
      expectSameNamespace(listed!, c);
    }
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  cell.test('namespace: delete by id removes it and is idempotent', async (s) => {
    const created = await createTestNamespace(s);
    await s.namespaces.deleteNamespace(created.id);
    await rejectsWith(s.namespaces.getNamespace({ id: created.id }), NotFoundError);
    await rejectsWith(s.namespaces.getNamespace({ name: created.name }), NotFoundError);
    await s.namespaces.deleteNamespace(created.id);
  });

  cell.test('namespace: delete by name removes it and is idempotent', async (s) => {
    const created = await createTestNamespace(s);
    const kept = await createTestNamespace(s);
    await s.namespaces.deleteNamespaceByName(created.name);
    await rejectsWith(s.namespaces.getNamespace({ id: created.id }), NotFoundError);
    await s.namespaces.deleteNamespaceByName(created.name);
    expectSameNamespace(await s.namespaces.getNamespace({ id: kept.id }), kept);
  });

  cell.test('namespace: a deleted name can be created again with a new id', async (s) => {
    const created = await createTestNamespace(s);
    await s.namespaces.deleteNamespace(created.id);
    const again = await s.namespaces.createNamespace({ id: uid(), name: created.name, data: textBlob('again'), isGlobal: false });
    expect((await s.namespaces.getNamespace({ name: created.name })).id).toBe(again.id);
  });

  cell.test('namespace: Unicode names round-trip and are distinct from look-alikes', async (s) => {
    const suffix = uid();
    const names = [`名前空間-${suffix}`, `ñámęspace-${suffix}`, `🦀-${suffix}`, `nàmespace-${suffix}`, `na\u0300mespace-${suffix}`];
    const created = [];
    for (const name of names) created.push(await createTestNamespace(s, name));
    for (const c of created) expect((await s.namespaces.getNamespace({ name: c.name })).id).toBe(c.id);
  });

  cell.test('namespace: names are case-sensitive', async (s) => {
    const base = `Ns-${uid()}`;
    const upper = await createTestNamespace(s, base.toUpperCase());
    const lower = await createTestNamespace(s, base.toLowerCase());
    expect((await s.namespaces.getNamespace({ name: upper.name })).id).toBe(upper.id);
    expect((await s.namespaces.getNamespace({ name: lower.name })).id).toBe(lower.id);
  });
}
