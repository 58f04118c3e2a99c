import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDurationMicros, nanosToMicros, parseDurationNanos } from '../../src/query/duration.js';

describe('parseDurationNanos', () => {
  it.each([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['0s', 0n],
    ['123', 123n],
    ['-123', -123n],
    ['9223372036854775807', 9223372036854775807n],
    ['1ns', 1n],
    ['1.9ns', 1n],
    ['1us', 1000n],
    ['1.5µs', 1500n],
    ['2ms', 2_000_000n],
    ['0.000000001s', 1n],
    ['1.0000000019s', 1_000_000_001n],
    ['1m', 60_000_000_000n],
    ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
    ['1s1s', 2_000_000_000n],
    ['-1.5h', -5_400_000_000_000n],
    ['+2m', 120_000_000_000n],
    ['1.5d', 129_600_000_000_000n],
    ['00:00:00', 0n],
    ['1:2:3', 3_723_000_000_000n],
    ['2562047:47:16', 9_223_372_036_000_000_000n],
  ])('%s', (text, nanos) => {
    expect(parseDurationNanos(text)).toBe(nanos);
  });

  it.each(['', ' ', '-', 's', '.s', '1x', '1S', '1h 2m', '1h-2m', '1e3s', '00:60:00', '00:00:60', '-1:00:00', '1:00', '9223372036854775808', '2562048h', 'abc'])('rejects %j', (text) => {
    expect(parseDurationNanos(text)).toBeUndefined();
  });

  it('reads a bare integer as nanoseconds rather than rejecting it', () => {
    expect(parseDurationNanos('1')).toBe(1n);
  });
});

describe('nanosToMicros', () => {
  it('truncates toward zero like Go', () => {
    expect(nanosToMicros(1999n)).toBe(1);
    expect(nanosToMicros(-1999n)).toBe(-1);
    expect(nanosToMicros(-999n)).toBe(0);
  });
});

describe('formatDurationMicros', () => {
  it.each([
    [0, '0s'],
    [1, '1us'],
    [999, '999us'],
    [1000, '1ms'],
    [1500, '1500us'],
    [999_000, '999ms'],
    [1_000_000, '1s'],
    [1_500_000, '1.5s'],
    [1_000_001, '1.000001s'],
    [60_000_000, '1m0s'],
    [90_000_000, '1m30s'],
    [3_600_000_000, '1h0m0s'],
    [3_723_500_000, '1h2m3.5s'],
    [-90_000_000, '-1m30s'],
    [-1000, '-1ms'],
  ])('%d µs is %s', (micros, text) => {
    expect(formatDurationMicros(micros)).toBe(text);
  });

  it('parses back to the same number of microseconds', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (micros) => {
        const nanos = parseDurationNanos(formatDurationMicros(micros));
        expect(nanos).toBeDefined();
        expect(nanosToMicros(nanos!)).toBe(micros === 0 ? 0 : micros);
      }),
      { numRuns: 1000 },
    );
  });
});
