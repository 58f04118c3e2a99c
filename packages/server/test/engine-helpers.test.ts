import { describe, expect, test } from 'vitest';
import { largestPayloadBytes } from '../src/grpc/payload-limit.js';
import { retryDelay } from '../src/history/retry.js';
import { toSearchAttributeValue } from '../src/history/search-attributes.js';
import { parseDynamicConfig, parseSearchAttributeFlags } from '../src/dev-config.js';
import { silentLogger } from '../src/util/logger.js';

const encoder = new TextEncoder();
const payload = (value: unknown, type?: string) => ({
  metadata: { encoding: encoder.encode('json/plain'), ...(type ? { type: encoder.encode(type) } : {}) },
  data: encoder.encode(JSON.stringify(value)),
});

describe('largestPayloadBytes', () => {
  test('finds payloads nested anywhere in a request', () => {
    const request = {
      commands: [{ completeWorkflowExecutionCommandAttributes: { result: { payloads: [{ data: new Uint8Array(10) }, { data: new Uint8Array(300) }] } } }],
      searchAttributes: { indexedFields: { A: { metadata: {}, data: new Uint8Array(50) } } },
    };
    expect(largestPayloadBytes(request)).toBe(300);
    expect(largestPayloadBytes({ namespace: 'x' })).toBe(0);
  });
});

describe('retryDelay', () => {
  const policy = { initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { seconds: 5 }, maximumAttempts: 4, nonRetryableErrorTypes: ['Fatal'] };
  test('grows exponentially up to the maximum interval', () => {
    expect(retryDelay(policy, 1, { message: 'x' }, 0, undefined, false)).toBe(1000);
    expect(retryDelay(policy, 2, { message: 'x' }, 0, undefined, false)).toBe(2000);
    expect(retryDelay(policy, 3, { message: 'x' }, 0, undefined, false)).toBe(4000);
    expect(retryDelay({ ...policy, maximumAttempts: 0 }, 10, { message: 'x' }, 0, undefined, false)).toBe(5000);
  });
  test('stops at the attempt limit, for non-retryable failures and at the deadline', () => {
    expect(retryDelay(policy, 4, { message: 'x' }, 0, undefined, false)).toEqual({ retryState: 4 });
    expect(retryDelay(policy, 1, { message: 'x', applicationFailureInfo: { type: 'Fatal' } }, 0, undefined, false)).toEqual({ retryState: 2 });
    expect(retryDelay(policy, 1, { message: 'x', applicationFailureInfo: { nonRetryable: true } }, 0, undefined, false)).toEqual({ retryState: 2 });
    expect(retryDelay(policy, 1, { message: 'x' }, 0, 500, false)).toEqual({ retryState: 3 });
  });
  test('honours a next retry delay chosen by the activity', () => {
    expect(retryDelay(policy, 1, { message: 'x', applicationFailureInfo: { nextRetryDelay: { seconds: 3 } } }, 0, undefined, false)).toBe(3000);
  });
});

describe('search attribute values', () => {
  test('use the payload type, else the registered type, and reject mismatches', () => {
    expect(toSearchAttributeValue(payload(['a']), 'Keyword')).toEqual({ type: 'Keyword', value: 'a' });
    expect(toSearchAttributeValue(payload(['a', 'b'], 'KeywordList'), undefined)).toEqual({ type: 'KeywordList', value: ['a', 'b'] });
    expect(toSearchAttributeValue(payload(7), 'Int')).toEqual({ type: 'Int', value: 7 });
    expect(toSearchAttributeValue(payload(7.5), 'Int')).toBeUndefined();
    expect(toSearchAttributeValue(payload('2026-01-02T03:04:05.000006Z', 'Datetime'), undefined)).toEqual({ type: 'Datetime', value: 1767323045000006 });
    expect(toSearchAttributeValue(payload('x'), undefined)).toBeUndefined();
  });
});

describe('dev server flags', () => {
  test('dynamic config: known keys apply, unknown keys are ignored, bad values are errors', () => {
    expect(parseDynamicConfig(['limit.blobSize.error=1024', 'matching.longPollExpirationInterval="2s"', 'frontend.whatever=true'], silentLogger)).toEqual({
      maxPayloadBytes: 1024,
      longPollTimeoutMs: 2000,
    });
    expect(() => parseDynamicConfig(['limit.blobSize.error="big"'], silentLogger)).toThrow(/invalid value/);
    expect(() => parseDynamicConfig(['no-equals-sign'], silentLogger)).toThrow(/KEY=JSON_VALUE/);
  });
  test('search attribute flags need NAME=TYPE with a known type', () => {
    expect(parseSearchAttributeFlags(['OrderId=Keyword', 'Amount=Double'])).toEqual({ OrderId: 'Keyword', Amount: 'Double' });
    expect(() => parseSearchAttributeFlags(['OrderId=Blob'])).toThrow(/NAME=TYPE/);
  });
});
