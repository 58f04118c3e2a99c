import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the package's `schema/` directory. Both `src/` (tests) and `dist/` (built)
 * sit one level below the package root, so the same relative hop works for either.
 */
export function schemaRoot(): string {
  return fileURLToPath(new URL('../schema', import.meta.url));
}

export type StoreName = 'main' | 'visibility';

export const STORE_NAMES: readonly StoreName[] = ['main', 'visibility'];

/** Where the versioned directories of one database kind and store live by default. */
export function defaultVersionedDir(db: string, store: StoreName): string {
  return join(schemaRoot(), db, store, 'versioned');
}
