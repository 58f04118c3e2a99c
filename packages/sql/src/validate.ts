import { InvalidPersistenceRequestError, requireBlob, requireNonEmpty, requireSafeInteger, taskCategoryById } from '@hourglass/core';
import type { TaskCategory } from '@hourglass/core';

/**
 * Column widths shared by every dialect's schema. Checking them here makes SQLite (which does
 * not enforce VARCHAR lengths) reject the same input as PostgreSQL and MySQL.
 */
export const MAX_ID_LENGTH = 64;
export const MAX_NAME_LENGTH = 255;

export function requireText(value: unknown, field: string, maxLength: number): asserts value is string {
  requireNonEmpty(value, field);
  if (value.length > maxLength && [...value].length > maxLength) {
    throw new InvalidPersistenceRequestError(`${field} is longer than ${maxLength} characters`);
  }
}

export function requireId(value: unknown, field: string): asserts value is string {
  requireText(value, field, MAX_ID_LENGTH);
}

export function requireName(value: unknown, field: string): asserts value is string {
  requireText(value, field, MAX_NAME_LENGTH);
}

export function optionalText(value: unknown, field: string, maxLength: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || [...value].length > maxLength) {
    throw new InvalidPersistenceRequestError(`${field} must be a string of at most ${maxLength} characters`);
  }
}

export function requireBoolean(value: unknown, field: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new InvalidPersistenceRequestError(`${field} must be a boolean`);
}

export function requireObject(value: unknown, field: string): asserts value is object {
  if (typeof value !== 'object' || value === null) throw new InvalidPersistenceRequestError(`${field} is required`);
}

export { requireBlob, requireSafeInteger };

/** The category must be one core knows, with a matching kind, since the kind picks the table. */
export function requireCategory(value: unknown, field = 'category'): asserts value is TaskCategory {
  const c = value as TaskCategory | undefined;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'number') {
    throw new InvalidPersistenceRequestError(`${field} must be a TaskCategory`);
  }
  const known = taskCategoryById(c.id);
  if (known === undefined || known.kind !== c.kind) {
    throw new InvalidPersistenceRequestError(`${field} ${String(c.id)}/${String(c.kind)} is not a known task category`);
  }
}
