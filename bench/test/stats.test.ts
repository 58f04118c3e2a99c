import { describe, expect, it } from 'vitest';
import { median, percentile, ratioOverRounds, summarizeRound } from '../src/stats.js';
import type { RoundSample } from '../src/stats.js';
import { parseOptions, UsageError } from '../src/options.js';

// The arithmetic every reported figure goes through, on inputs small enough to check by hand.

describe('stats', () => {
  it('percentile is nearest-rank on sorted input', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(sorted, 0.5)).toBe(5);
    expect(percentile(sorted, 0.99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(new Float64Array(), 0.5)).toBeNaN();
  });

  it('median averages the middle pair of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes a round into ops/s and latency percentiles', () => {
    const round = summarizeRound(Float64Array.from([30, 10, 20, 40]), 0.1);
    expect(round).toEqual({ ops: 4, elapsedMs: 0.1, opsPerSec: 40_000, p50Us: 20, p99Us: 40 });
  });

  it('takes ratios round by round, then the median and range over rounds', () => {
    const sample = (elapsedMs: number, p50Us: number): RoundSample => ({ ops: 10, elapsedMs, opsPerSec: 10 / (elapsedMs / 1000), p50Us, p99Us: p50Us });
    const store = [sample(2, 20), sample(9, 30), sample(3, 30)];
    const raw = [sample(1, 10), sample(3, 10), sample(1, 10)];
    expect(ratioOverRounds(store, raw, 'mean')).toEqual({ median: 3, min: 2, max: 3 });
    expect(ratioOverRounds(store, raw, 'p50')).toEqual({ median: 3, min: 2, max: 3 });
  });
});

describe('options', () => {
  it('defaults to both storage modes and accepts --flag value and --flag=value', () => {
    expect(parseOptions([])).toMatchObject({ output: 'table', modes: ['file', 'memory'] });
    expect(parseOptions(['--ops', '5', '--rounds=2', '--mode', 'memory', '--output', 'json'])).toEqual({ ops: 5, rounds: 2, output: 'json', modes: ['memory'], dbs: ['sqlite', 'postgres', 'mariadb', 'cassandra'], dbsChosen: false });
    expect(parseOptions(['--help'])).toBe('help');
  });

  it('refuses what it does not understand', () => {
    expect(() => parseOptions(['--ops', '0'])).toThrow(UsageError);
    expect(() => parseOptions(['--mode', 'disk'])).toThrow(UsageError);
    expect(() => parseOptions(['--fast'])).toThrow(UsageError);
  });
});
