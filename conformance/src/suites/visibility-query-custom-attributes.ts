import { expect } from 'vitest';
import { AlreadyExistsError, InvalidPersistenceRequestError, NotFoundError, VisibilityQueryError, parseVisibilityQuery } from '@hourglass/core';
import type { CustomSearchAttributes, SearchAttributeType, VisibilityStore } from '@hourglass/core';
import type { Cell } from '../cell.js';
import { invoke, rejectsWith, uid } from '../fixtures.js';
import { QUERY_NOW, listLabels, seed } from './visibility-query-fixtures.js';
import type { SeededNamespace } from './visibility-query-fixtures.js';

interface SearchAttributeCatalogue {
  add(namespaceId: string, attributes: CustomSearchAttributes): Promise<void>;
  remove(namespaceId: string, names: readonly string[]): Promise<void>;
  get(namespaceId: string): Promise<CustomSearchAttributes>;
}

/** The optional registration methods; a store without them fails these cases rather than skipping them. */
function catalogueOf(v: VisibilityStore): SearchAttributeCatalogue {
  const { addSearchAttributes, removeSearchAttributes, getSearchAttributes } = v;
  if (addSearchAttributes === undefined || removeSearchAttributes === undefined || getSearchAttributes === undefined) {
    throw new Error('store does not implement custom search attributes (VisibilityStore.addSearchAttributes, removeSearchAttributes, getSearchAttributes)');
  }
  return {
    add: (namespaceId, attributes) => invoke(() => addSearchAttributes.call(v, namespaceId, attributes)),
    remove: (namespaceId, names) => invoke(() => removeSearchAttributes.call(v, namespaceId, names)),
    get: (namespaceId) => invoke(() => getSearchAttributes.call(v, namespaceId)),
  };
}

/** Parses against the catalogue the store holds for the namespace, as a frontend does. */
async function parseRegistered(catalogue: SearchAttributeCatalogue, namespaceId: string, text: string) {
  const customAttributes = new Map<string, SearchAttributeType>(Object.entries(await catalogue.get(namespaceId)));
  return parseVisibilityQuery(text, { customAttributes, now: QUERY_NOW });
}

async function listRegistered(v: VisibilityStore, catalogue: SearchAttributeCatalogue, world: SeededNamespace, text: string): Promise<string[]> {
  return (await listLabels(v, world, { query: await parseRegistered(catalogue, world.namespaceId, text) })).sort();
}

export function visibilityQueryCustomAttributesSuite(cell: Cell): void {
  cell.visibilityTest('visibility custom attributes: added attributes are listed for their namespace only', async (v) => {
    const catalogue = catalogueOf(v);
    const [ns, other] = [uid(), uid()];
    await catalogue.add(ns, { Region: 'Keyword', Amount: 'Double' });
    await catalogue.add(ns, { Tags: 'KeywordList' });
    expect(await catalogue.get(ns)).toEqual({ Region: 'Keyword', Amount: 'Double', Tags: 'KeywordList' });
    expect(await catalogue.get(other)).toEqual({});
  });

  cell.visibilityTest('visibility custom attributes: all seven types can be registered', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    const all: CustomSearchAttributes = { K: 'Keyword', T: 'Text', I: 'Int', D: 'Double', B: 'Bool', W: 'Datetime', L: 'KeywordList' };
    await catalogue.add(ns, all);
    expect(await catalogue.get(ns)).toEqual(all);
  });

  cell.visibilityTest('visibility custom attributes: adding a name again with the same type changes nothing', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    await catalogue.add(ns, { Region: 'Keyword' });
    await catalogue.add(ns, { Region: 'Keyword' });
    expect(await catalogue.get(ns)).toEqual({ Region: 'Keyword' });
  });

  cell.visibilityTest('visibility custom attributes: a name registered with another type fails with AlreadyExists and the call adds nothing', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    await catalogue.add(ns, { Region: 'Keyword' });
    await rejectsWith(catalogue.add(ns, { Fresh: 'Bool', Region: 'Int' }), AlreadyExistsError);
    expect(await catalogue.get(ns)).toEqual({ Region: 'Keyword' });
  });

  cell.visibilityTest('visibility custom attributes: system attribute names are refused with InvalidPersistenceRequest', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    const system: Record<string, SearchAttributeType> = { WorkflowId: 'Keyword', ExecutionStatus: 'Keyword', StartTime: 'Datetime', BuildIds: 'KeywordList', HistoryLength: 'Int' };
    for (const [name, type] of Object.entries(system)) await rejectsWith(catalogue.add(ns, { [name]: type }), InvalidPersistenceRequestError);
    await rejectsWith(catalogue.add(ns, { Fine: 'Int', RunId: 'Keyword' }), InvalidPersistenceRequestError);
    expect(await catalogue.get(ns)).toEqual({});
  });

  cell.visibilityTest('visibility custom attributes: invalid names and types are refused with InvalidPersistenceRequest', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    for (const name of ['', '1st', '_leading', 'has space', "quote'd", 'semi;colon', 'dash-ed', 'Ünicode', 'A'.repeat(256)]) {
      await rejectsWith(catalogue.add(ns, { [name]: 'Keyword' }), InvalidPersistenceRequestError);
    }
    await rejectsWith(catalogue.add(ns, { Fine: 'Float' as SearchAttributeType }), InvalidPersistenceRequestError);
    expect(await catalogue.get(ns)).toEqual({});
    await catalogue.add(ns, { ['A'.repeat(255)]: 'Keyword', a_1: 'Int' });
    expect(await catalogue.get(ns)).toEqual({ ['A'.repeat(255)]: 'Keyword', a_1: 'Int' });
  });

  cell.visibilityTest('visibility custom attributes: removed attributes are no longer listed; other namespaces keep theirs', async (v) => {
    const catalogue = catalogueOf(v);
    const [ns, other] = [uid(), uid()];
    await catalogue.add(ns, { Region: 'Keyword', Amount: 'Double', Flag: 'Bool' });
    await catalogue.add(other, { Region: 'Keyword' });
    await catalogue.remove(ns, ['Region', 'Flag']);
    expect(await catalogue.get(ns)).toEqual({ Amount: 'Double' });
    expect(await catalogue.get(other)).toEqual({ Region: 'Keyword' });
  });

  cell.visibilityTest('visibility custom attributes: removing an unregistered name fails with NotFound and removes nothing', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    await catalogue.add(ns, { Region: 'Keyword', Amount: 'Double' });
    await rejectsWith(catalogue.remove(ns, ['Region', 'Missing']), NotFoundError);
    await rejectsWith(catalogue.remove(uid(), ['Region']), NotFoundError);
    expect(await catalogue.get(ns)).toEqual({ Region: 'Keyword', Amount: 'Double' });
  });

  cell.visibilityTest('visibility custom attributes: a removed name can be registered again with another type', async (v) => {
    const catalogue = catalogueOf(v);
    const ns = uid();
    await catalogue.add(ns, { Region: 'Keyword' });
    await catalogue.remove(ns, ['Region']);
    await catalogue.add(ns, { Region: 'Int' });
    expect(await catalogue.get(ns)).toEqual({ Region: 'Int' });
  });

  cell.visibilityTest('visibility custom attributes: one name may have different types in different namespaces', async (v) => {
    const catalogue = catalogueOf(v);
    const [ns, other] = [uid(), uid()];
    await catalogue.add(ns, { Region: 'Keyword' });
    await catalogue.add(other, { Region: 'Int' });
    expect(await catalogue.get(ns)).toEqual({ Region: 'Keyword' });
    expect(await catalogue.get(other)).toEqual({ Region: 'Int' });
  });

  cell.visibilityTest('visibility custom attributes: added, used in queries, then removed', async (v) => {
    const catalogue = catalogueOf(v);
    const world = await seed(v, {
      urgent: { searchAttributes: { Priority: { type: 'Int', value: 3 }, Team: { type: 'Keyword', value: 'core' } } },
      routine: { searchAttributes: { Priority: { type: 'Int', value: 1 }, Team: { type: 'Keyword', value: 'core' } } },
      elsewhere: { searchAttributes: { Priority: { type: 'Int', value: 5 }, Team: { type: 'Keyword', value: 'edge' } } },
      untagged: {},
    });
    const ns = world.namespaceId;
    await expect(parseRegistered(catalogue, ns, 'Priority >= 2')).rejects.toBeInstanceOf(VisibilityQueryError);

    await catalogue.add(ns, { Priority: 'Int', Team: 'Keyword' });
    expect(await listRegistered(v, catalogue, world, "Priority >= 2 AND Team = 'core'")).toEqual(['urgent']);
    expect(await listRegistered(v, catalogue, world, 'Priority IS NULL')).toEqual(['untagged']);

    await catalogue.remove(ns, ['Priority']);
    const refused = await parseRegistered(catalogue, ns, 'Priority >= 2').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(VisibilityQueryError);
    expect((refused as VisibilityQueryError).reason).toBe('unknown-attribute');
    expect(await listRegistered(v, catalogue, world, "Team = 'edge'")).toEqual(['elsewhere']);
    // Unregistering changes the catalogue, not the runs: their values stay.
    expect((await v.getWorkflowExecution(ns, world.records.get('urgent')!.runId)).searchAttributes.Priority).toEqual({ type: 'Int', value: 3 });
  });

  cell.visibilityTest('visibility custom attributes: registering with an empty namespace id fails with InvalidPersistenceRequest', async (v) => {
    const catalogue = catalogueOf(v);
    await rejectsWith(catalogue.add('', { Region: 'Keyword' }), InvalidPersistenceRequestError);
    await rejectsWith(catalogue.get(''), InvalidPersistenceRequestError);
    await rejectsWith(catalogue.remove('', ['Region']), InvalidPersistenceRequestError);
  });
}
