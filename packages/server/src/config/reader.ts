import type { ConfigProblem } from './problems.js';

/**
 * Reads typed values out of parsed YAML while collecting problems instead of throwing, so a
 * config with several mistakes is reported in one go. A reader stands for one mapping in the
 * document; `child` descends into a nested mapping.
 */
export class ConfigReader {
  private constructor(
    readonly path: string,
    private readonly value: Readonly<Record<string, unknown>>,
    private readonly problems: ConfigProblem[],
  ) {}

  /** A reader over the document root, or undefined (with a problem) when the root is not a mapping. */
  static root(document: unknown, problems: ConfigProblem[]): ConfigReader | undefined {
    if (!isMapping(document)) {
      problems.push({ path: '', message: `the config must be a YAML mapping, got ${describe(document)}` });
      return undefined;
    }
    return new ConfigReader('', document, problems);
  }

  report(key: string | undefined, message: string): void {
    this.problems.push({ path: this.at(key), message });
  }

  /** Problems collected so far across the whole document; a section compares it before and after reading itself. */
  problemCount(): number {
    return this.problems.length;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  keys(): string[] {
    return Object.keys(this.value);
  }

  /** Reports every key that is not in `known`: a misspelt setting must not silently fall back to its default. */
  allowOnly(known: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!known.includes(key)) this.report(key, `unknown setting (expected one of: ${known.join(', ')})`);
    }
  }

  child(key: string, required = false): ConfigReader | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) {
      if (required) this.report(key, 'is required');
      return undefined;
    }
    if (!isMapping(value)) {
      this.report(key, `must be a mapping, got ${describe(value)}`);
      return undefined;
    }
    return new ConfigReader(this.at(key), value, this.problems);
  }

  string(key: string, required = false): string | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) {
      if (required) this.report(key, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.report(key, `must be a non-empty string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.report(key, `must be true or false, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  integer(key: string, min: number, max: number, required = false): number | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) {
      if (required) this.report(key, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.report(key, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  port(key: string, required = false): number | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) {
      if (required) this.report(key, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535) {
      this.report(key, `must be a port number, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.report(key, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
      return undefined;
    }
    return value as T;
  }

  /** A list of non-empty strings; a comma-separated string is accepted too, as Temporal's `hosts` is one. */
  stringList(key: string, required = false): string[] | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) {
      if (required) this.report(key, 'is required');
      return undefined;
    }
    const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
    if (!Array.isArray(items) || items.length === 0 || !items.every((item) => typeof item === 'string' && item.trim() !== '')) {
      this.report(key, `must be a non-empty list of strings, got ${describe(value)}`);
      return undefined;
    }
    return items as string[];
  }

  private at(key: string | undefined): string {
    if (key === undefined) return this.path;
    return this.path === '' ? key : `${this.path}.${key}`;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value looks in a message: strings quoted, so `"abc"` and `abc` are told apart from numbers. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const text = JSON.stringify(value);
    return text.length <= 60 ? text : `a list of ${value.length} items`;
  }
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
