import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';

/** `ON CONFLICT (…) DO UPDATE SET c = excluded.c`, shared by PostgreSQL and SQLite. */
export function onConflictUpdate(keys: readonly string[], updates: readonly string[]): RawBuilder<unknown> {
  const target = sql.join(keys.map((k) => sql.ref(k)));
  if (updates.length === 0) return sql`on conflict (${target}) do nothing`;
  const assignments = sql.join(updates.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));
  return sql`on conflict (${target}) do update set ${assignments}`;
}

export function onConflictDoNothing(keys: readonly string[]): RawBuilder<unknown> {
  return sql`on conflict (${sql.join(keys.map((k) => sql.ref(k)))}) do nothing`;
}
