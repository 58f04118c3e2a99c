import { randomBytes } from 'node:crypto';

/** A database / keyspace / index name that no earlier run can have left behind. */
export function randomResourceName(prefix = 'hg_conf'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
