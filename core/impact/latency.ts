import type { LatencyPercentiles } from './impact-types';

// Latency of an impact run's two sides: nearest-rank percentiles (the smallest duration with at
// least p of all durations at or below it), as the replay's run comparison computes them
// (core/replay/run-compare.ts), rounded to microseconds, the clock's real resolution.

/** The nearest-rank percentile `p` (0 < p ≤ 1) of `values`; 0 for no values. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index]!;
}

/** p50, p95 and p99 of durations in milliseconds, in any order; all 0 for none. */
export function latencyPercentiles(durationsMs: readonly number[]): LatencyPercentiles {
  const sorted = Float64Array.from(durationsMs).sort();
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    p50: round(nearestRank(sorted, 0.5)),
    p95: round(nearestRank(sorted, 0.95)),
    p99: round(nearestRank(sorted, 0.99)),
  };
}
