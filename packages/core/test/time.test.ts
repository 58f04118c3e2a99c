import { describe, expect, it } from 'vitest';
import { toRfc3339Micros, parseRfc3339Micros } from '../src/time.js';

describe('RFC 3339 with microseconds', () => {
  it('keeps microseconds and truncates digits beyond them', () => {
    expect(parseRfc3339Micros('2024-02-29T12:34:56.123456Z')).toBe(Date.UTC(2024, 1, 29, 12, 34, 56) * 1000 + 123456);
    expect(parseRfc3339Micros('2024-02-29T12:34:56.1234569Z')).toBe(Date.UTC(2024, 1, 29, 12, 34, 56) * 1000 + 123456);
  });

  it('applies the zone offset', () => {
    expect(parseRfc3339Micros('2024-01-01T01:00:00+01:00')).toBe(Date.UTC(2024, 0, 1) * 1000);
    expect(parseRfc3339Micros('2023-12-31T23:30:00-00:30')).toBe(Date.UTC(2024, 0, 1) * 1000);
  });

  it('reads years 0-99 literally rather than as 1900-1999', () => {
    const micros = parseRfc3339Micros('0042-03-04T05:06:07Z');
    expect(micros).toBeDefined();
    expect(new Date(micros! / 1000).getUTCFullYear()).toBe(42);
  });

  it('rejects impossible dates and times', () => {
    for (const text of ['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60:00Z', '2024-01-01', 'yesterday']) {
      expect(parseRfc3339Micros(text), text).toBeUndefined();
    }
  });

  it('formats back to the same instant', () => {
    const micros = parseRfc3339Micros('2024-05-06T07:08:09.000123Z')!;
    expect(parseRfc3339Micros(toRfc3339Micros(micros))).toBe(micros);
  });
});
