import { describe, expect, it } from 'vitest';
import type { PersistenceStores } from '@hourglass/core';
import { describeTarget } from '../src/cell.js';
import { collectCases } from '../src/collect-cases.js';
import { openMemoryStores } from '../src/reference/index.js';
import { CORE_SUITES, VISIBILITY_QUERY_SUITES, VISIBILITY_SUITES } from '../src/suites/index.js';
import type { Target } from '../src/target.js';
import { MUTANTS } from './support/mutants.js';

const reference: Target = {
  name: 'reference-memory (suite self-test)',
  family: 'reference',
  provider: 'embedded',
  capabilities: { coreStores: true, visibility: true },
  open: async () => {
    const stores = openMemoryStores();
    return { stores, visibility: stores.visibility, serverVersion: 'in-memory', teardown: () => stores.close() };
  },
};

// A correct reading of the contracts passes every case: the suite asks nothing impossible.
describeTarget({ target: reference }, { core: CORE_SUITES, visibility: VISIBILITY_SUITES });

describe('suite self-test: broken stores are caught', () => {
  const cases = collectCases(reference, [...CORE_SUITES, ...VISIBILITY_SUITES]);

  it('every case has a unique name and the suite is large enough', () => {
    expect(cases.core.size).toBeGreaterThanOrEqual(150);
    expect(cases.visibility.size).toBeGreaterThanOrEqual(20);
    expect(collectCases(reference, VISIBILITY_QUERY_SUITES).visibility.size).toBeGreaterThanOrEqual(80);
  });

  for (const mutant of MUTANTS) {
    for (const name of mutant.caughtBy) {
      it(`${mutant.name} fails "${name}"`, async () => {
        const body = cases.core.get(name);
        const visibilityBody = cases.visibility.get(name);
        expect(body ?? visibilityBody, `no case named "${name}"`).toBeDefined();
        const stores: PersistenceStores = mutant.open();
        const run = body !== undefined ? body(stores) : visibilityBody!(stores.visibility!);
        await expect(run).rejects.toThrow();
      });
    }
  }
});
