import { invalidArgument } from './grpc/rpc-error.js';
import { isSearchAttributeType } from './history/search-attributes.js';
import type { Logger } from './util/logger.js';

/** Dynamic-config keys this server honours, and the server option each one sets. */
export interface DynamicSettings {
  maxPayloadBytes?: number;
  longPollTimeoutMs?: number;
  defaultWorkflowTaskTimeoutMs?: number;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value * 1000;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * scale;
}

const KNOWN: Record<string, (value: unknown, into: DynamicSettings) => boolean> = {
  'limit.blobSize.error': (v, into) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) return false;
    into.maxPayloadBytes = v;
    return true;
  },
  'matching.longPollExpirationInterval': (v, into) => {
    const ms = parseDurationMs(v);
    if (ms === undefined) return false;
    into.longPollTimeoutMs = ms;
    return true;
  },
  'history.defaultWorkflowTaskTimeout': (v, into) => {
    const ms = parseDurationMs(v);
    if (ms === undefined) return false;
    into.defaultWorkflowTaskTimeoutMs = ms;
    return true;
  },
};

/**
 * Applies `KEY=JSON_VALUE` pairs (the Temporal CLI's --dynamic-config-value). Keys this
 * server does not implement are reported and ignored; a known key with a bad value is an error.
 */
export function parseDynamicConfig(pairs: readonly string[], log: Logger): DynamicSettings {
  const settings: DynamicSettings = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--dynamic-config-value must be KEY=JSON_VALUE, got '${pair}'`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    const apply = KNOWN[key];
    if (!apply) {
      log.warn('ignoring dynamic config key this server does not implement', { key });
      continue;
    }
    if (!apply(value, settings)) throw new Error(`invalid value for dynamic config ${key}: ${raw}`);
  }
  return settings;
}

/** `NAME=TYPE` pairs of --search-attribute. */
export function parseSearchAttributeFlags(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const [name, type] = pair.split('=');
    if (!name || !type || !isSearchAttributeType(type)) {
      throw invalidArgument(`--search-attribute must be NAME=TYPE with TYPE one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList; got '${pair}'`);
    }
    out[name] = type;
  }
  return out;
}
