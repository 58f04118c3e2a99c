import type { IndexDefinition, JsonObject } from './mapping.js';
import { isJsonObject } from './mapping.js';

/**
 * Compares a live index with the definition its recorded version expects and lists every
 * difference. Fields the dynamic templates created (custom search attributes) are expected
 * extras, as long as each has the type its template gives.
 */
export function compareIndex(expected: IndexDefinition, live: { readonly mappings: JsonObject; readonly settings: JsonObject }): string[] {
  const differences: string[] = [];
  compareSettings(expected.settings, live.settings, differences);
  const dynamic = (m: JsonObject) => (m['dynamic'] === undefined ? 'true' : String(m['dynamic']));
  if (dynamic(expected.mappings) !== dynamic(live.mappings)) {
    differences.push(`mapping "dynamic" is ${dynamic(live.mappings)}, expected ${dynamic(expected.mappings)}`);
  }
  const expectedTemplates = (expected.mappings['dynamic_templates'] ?? []) as unknown[];
  const liveTemplates = (live.mappings['dynamic_templates'] ?? []) as unknown[];
  if (canonical(expectedTemplates) !== canonical(liveTemplates)) {
    differences.push(`dynamic_templates differ: live ${JSON.stringify(liveTemplates)}, expected ${JSON.stringify(expectedTemplates)}`);
  }
  const templates = dynamicTemplateRules(expectedTemplates);
  compareProperties('', asObject(expected.mappings['properties']), asObject(live.mappings['properties']), templates, differences);
  return differences;
}

/** Replicas are an operator's choice on a live cluster; every other setting the schema names must match. */
const OPERATOR_SETTINGS = new Set(['number_of_replicas']);

function compareSettings(expected: JsonObject, live: JsonObject, differences: string[]): void {
  const flatExpected = flatten(isJsonObject(expected['index']) ? expected['index'] : expected);
  const flatLive = flatten(live);
  for (const [key, value] of Object.entries(flatExpected)) {
    if (OPERATOR_SETTINGS.has(key)) continue;
    const actual = flatLive[key];
    if (actual === undefined) differences.push(`index setting ${key} is not set, expected ${value}`);
    else if (actual !== value) differences.push(`index setting ${key} is ${actual}, expected ${value}`);
  }
}

/** `{sort: {field: [...]}}` and `{"sort.field": [...]}` both become `sort.field`; values compare as strings. */
function flatten(object: JsonObject, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(object)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isJsonObject(value)) flatten(value, name, out);
    else out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

interface TemplateRule {
  readonly pattern: RegExp;
  readonly type: string;
}

function dynamicTemplateRules(templates: readonly unknown[]): TemplateRule[] {
  const rules: TemplateRule[] = [];
  for (const entry of templates) {
    if (!isJsonObject(entry)) continue;
    for (const rule of Object.values(entry)) {
      if (!isJsonObject(rule) || typeof rule['path_match'] !== 'string' || !isJsonObject(rule['mapping'])) continue;
      const source = rule['path_match'].split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      rules.push({ pattern: new RegExp(`^${source}$`), type: String(rule['mapping']['type'] ?? 'object') });
    }
  }
  return rules;
}

function asObject(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/** Live mappings drop `"type": "object"` once an object has properties, so objects are told apart by shape. */
function fieldType(mapping: JsonObject): string {
  if (typeof mapping['type'] === 'string') return mapping['type'];
  return 'object';
}

function compareProperties(prefix: string, expected: JsonObject, live: JsonObject, templates: readonly TemplateRule[], differences: string[]): void {
  for (const [name, expectedValue] of Object.entries(expected)) {
    const path = `${prefix}${name}`;
    const expectedField = asObject(expectedValue);
    const liveValue = live[name];
    if (!isJsonObject(liveValue)) {
      differences.push(`field ${path} is missing (expected ${fieldType(expectedField)})`);
      continue;
    }
    const expectedType = fieldType(expectedField);
    const liveType = fieldType(liveValue);
    if (expectedType !== liveType) {
      differences.push(`field ${path} is ${liveType}, expected ${expectedType}`);
      continue;
    }
    for (const [parameter, value] of Object.entries(expectedField)) {
      if (parameter === 'type' || parameter === 'properties') continue;
      if (String(liveValue[parameter]) !== String(value)) {
        differences.push(`field ${path} has ${parameter}=${String(liveValue[parameter])}, expected ${String(value)}`);
      }
    }
    compareProperties(`${path}.`, asObject(expectedField['properties']), asObject(liveValue['properties']), templates, differences);
  }
  for (const [name, liveValue] of Object.entries(live)) {
    if (name in expected) continue;
    const path = `${prefix}${name}`;
    const liveType = fieldType(asObject(liveValue));
    const rule = templates.find((t) => t.pattern.test(path));
    if (rule === undefined) differences.push(`unexpected field ${path} (${liveType})`);
    else if (rule.type !== liveType) differences.push(`field ${path} is ${liveType}, but its dynamic template maps it to ${rule.type}`);
  }
}

/** JSON with object keys sorted, so key order from the server does not count as drift. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
