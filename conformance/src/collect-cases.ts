import type { PersistenceStores, VisibilityStore } from '@hourglass/core';
import type { Cell, SuiteDefinition } from './cell.js';
import type { Target } from './target.js';

export interface CollectedCases {
  readonly core: ReadonlyMap<string, (stores: PersistenceStores) => Promise<void>>;
  readonly visibility: ReadonlyMap<string, (visibility: VisibilityStore) => Promise<void>>;
}

/**
 * Gathers the suites' test bodies by name without registering them with vitest, so the
 * self-test can run single cases against deliberately broken stores.
 */
export function collectCases(target: Target, suites: readonly SuiteDefinition[]): CollectedCases {
  const core = new Map<string, (stores: PersistenceStores) => Promise<void>>();
  const visibility = new Map<string, (visibility: VisibilityStore) => Promise<void>>();
  const add = <T>(map: Map<string, T>, name: string, body: T) => {
    if (map.has(name)) throw new Error(`two cases are named "${name}"`);
    map.set(name, body);
  };
  const cell: Cell = {
    target,
    test: (name, body) => add(core, name, body),
    visibilityTest: (name, body) => add(visibility, name, body),
  };
  for (const suite of suites) suite(cell);
  return { core, visibility };
}
