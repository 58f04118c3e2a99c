import { afterAll, beforeAll, describe, it } from 'vitest';
import type { PersistenceStores, VisibilityStore } from '@hourglass/core';
import type { CellMeta } from './cell-meta.js';
import type { SelectedTarget } from './matrix.js';
import { TargetUnavailableError } from './target.js';
import type { OpenedTarget, Target } from './target.js';

/** One target's slot in the suite: tests register through it and receive that target's stores. */
export interface Cell {
  readonly target: Target;
  test(name: string, body: (stores: PersistenceStores) => Promise<void>, timeoutMs?: number): void;
  visibilityTest(name: string, body: (visibility: VisibilityStore) => Promise<void>, timeoutMs?: number): void;
}

export type SuiteDefinition = (cell: Cell) => void;

type CellState =
  | { readonly kind: 'pending' }
  | { readonly kind: 'open'; readonly opened: OpenedTarget }
  | { readonly kind: 'not-run'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Opening may pull an image and boot a JVM; tests themselves keep the project's timeout. */
const OPEN_TIMEOUT_MS = 600_000;

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function metaOf(target: Target, state: CellState): CellMeta {
  switch (state.kind) {
    case 'open':
      return { target: target.name, serverVersion: state.opened.serverVersion };
    case 'not-run':
      return { target: target.name, notRunReason: state.reason };
    case 'failed':
      return { target: target.name, openError: describeError(state.error) };
    case 'pending':
      return { target: target.name, openError: 'the target was never opened (its beforeAll did not run)' };
  }
}

/**
 * Declares one `describe(target.name)` holding every suite the target's capabilities call
 * for. The target opens once in beforeAll; unavailable targets skip their tests with the
 * reason unless they are required, and a target that fails to open fails every test with the
 * open error.
 */
export function describeTarget(selected: SelectedTarget, suites: { readonly core: readonly SuiteDefinition[]; readonly visibility: readonly SuiteDefinition[] }): void {
  const { target } = selected;
  describe(target.name, () => {
    let state: CellState = { kind: 'pending' };

    beforeAll(async () => {
      if (selected.excludedReason !== undefined) {
        state = { kind: 'not-run', reason: selected.excludedReason };
        return;
      }
      try {
        state = { kind: 'open', opened: await target.open() };
      } catch (err) {
        const unavailable = err instanceof TargetUnavailableError;
        if (unavailable && selected.required !== true) state = { kind: 'not-run', reason: err.message };
        else if (unavailable) state = { kind: 'failed', error: new Error(`required target is unavailable: ${err.message}`, { cause: err }) };
        else state = { kind: 'failed', error: err };
      }
    }, OPEN_TIMEOUT_MS);

    afterAll(async () => {
      if (state.kind === 'open') await state.opened.teardown();
    }, OPEN_TIMEOUT_MS);

    function register<S>(name: string, pick: (opened: OpenedTarget) => S, body: (stores: S) => Promise<void>, timeoutMs?: number): void {
      it(
        name,
        async (context) => {
          context.task.meta.hourglassCell = metaOf(target, state);
          if (state.kind === 'not-run') context.skip(state.reason);
          if (state.kind === 'failed') throw new Error(`${target.name} failed to open: ${describeError(state.error)}`, { cause: state.error });
          if (state.kind !== 'open') throw new Error(`${target.name} was not opened`);
          await body(pick(state.opened));
        },
        timeoutMs,
      );
    }

    const cell: Cell = {
      target,
      test: (name, body, timeoutMs) =>
        register(
          name,
          (opened) => {
            if (opened.stores === undefined) throw new Error(`${target.name} declares core stores but opened none`);
            return opened.stores;
          },
          body,
          timeoutMs,
        ),
      visibilityTest: (name, body, timeoutMs) =>
        register(
          name,
          (opened) => {
            if (opened.visibility === undefined) throw new Error(`${target.name} declares visibility but its stores provide no visibility store`);
            return opened.visibility;
          },
          body,
          timeoutMs,
        ),
    };

    if (target.capabilities.coreStores) for (const suite of suites.core) suite(cell);
    if (target.capabilities.visibility) for (const suite of suites.visibility) suite(cell);
  });
}
