/** What one target measured for one workload in one round. */
export interface RoundSample {
  readonly ops: number;
  /** Wall time of the whole round of ops, in milliseconds. */
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  /** Per-op latencies, in microseconds. */
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Nearest-rank percentile of an ascending-sorted array (q in [0, 1]). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarizeRound(latenciesUs: Float64Array, elapsedMs: number): RoundSample {
  const sorted = Float64Array.from(latenciesUs).sort();
  return {
    ops: latenciesUs.length,
    elapsedMs,
    opsPerSec: latenciesUs.length / (elapsedMs / 1000),
    p50Us: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
  };
}

/** The median of each figure over the measured rounds: one noisy round cannot move it. */
export interface TargetSummary {
  readonly opsPerSec: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
}

export function summarizeRounds(rounds: readonly RoundSample[]): TargetSummary {
  return {
    opsPerSec: median(rounds.map((r) => r.opsPerSec)),
    p50Us: median(rounds.map((r) => r.p50Us)),
    p99Us: median(rounds.map((r) => r.p99Us)),
    meanUs: median(rounds.map((r) => (r.elapsedMs * 1000) / r.ops)),
  };
}

/** One figure of a round: its mean latency (what throughput sees) or its median latency (robust to stalls). */
export type RoundFigure = 'mean' | 'p50';

function figure(sample: RoundSample, which: RoundFigure): number {
  return which === 'mean' ? (sample.elapsedMs * 1000) / sample.ops : sample.p50Us;
}

/**
 * Per-round ratios subject/reference: both ran back to back in the same round, under the same
 * machine load, so the ratio is steadier than either figure alone.
 */
export function roundRatios(subject: readonly RoundSample[], reference: readonly RoundSample[], which: RoundFigure): number[] {
  return subject
    .map((s, i) => {
      const r = reference[i];
      return r === undefined ? Number.NaN : figure(s, which) / figure(r, which);
    })
    .filter((x) => Number.isFinite(x));
}

/** The median ratio, with the lowest and highest round beside it to show how much the rounds agreed. */
export interface Ratio {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function ratioOverRounds(subject: readonly RoundSample[], reference: readonly RoundSample[], which: RoundFigure): Ratio {
  const ratios = roundRatios(subject, reference, which);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/**
 * How many times longer subject took than reference: by mean latency (includes the stalls a
 * shared machine causes: preemption, GC) and by median latency (the typical op).
 */
export interface Slowdown {
  readonly byMean: Ratio;
  readonly byP50: Ratio;
}

export function slowdown(subject: readonly RoundSample[], reference: readonly RoundSample[]): Slowdown {
  return { byMean: ratioOverRounds(subject, reference, 'mean'), byP50: ratioOverRounds(subject, reference, 'p50') };
}
