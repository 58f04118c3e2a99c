import { SchemaToolError } from './errors.js';

/**
 * Schema versions are dotted non-negative integers ("1.0", "1.10", "2"). They are compared
 * numerically component by component, so "1.10" is newer than "1.9"; missing trailing
 * components count as zero, so "1" equals "1.0".
 */
const VERSION_PATTERN = /^\d+(\.\d+)*$/;

export function isValidVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

export function parseVersion(text: string): number[] {
  const trimmed = text.startsWith('v') ? text.slice(1) : text;
  if (!isValidVersion(trimmed)) {
    throw new SchemaToolError(`invalid schema version "${text}": expected dotted numbers such as 1.0 or 1.12`);
  }
  return trimmed.split('.').map((part) => Number(part));
}

/** Strips an optional leading "v" and normalises "01.2" to "1.2". */
export function normalizeVersion(text: string): string {
  return parseVersion(text).join('.');
}

export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}
