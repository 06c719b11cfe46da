import { latencyTopBoundMs, percentileMs } from './latency-histogram';
import type { RolloutGuard, SideCounts } from './rollout-types';

// The guard of a rollout (docs/runtime.md, "Rollouts"): once the candidate has run `minSamples`
// times, too many errors (timeouts included) or a p99 above the limit roll it back on its own.
// The error rate is judged first: a candidate that fails fast has a good p99 for a bad reason.

export type GuardVerdict = { rollBack: false } | { rollBack: true; limit: 'error-rate' | 'p99'; reason: string };

/**
 * Whether the candidate's counts (merged over every instance) break the guard. `defaultMaxP99Ms`
 * is the limit when the guard sets none: the deadline of the hook the runs were for.
 */
export function judgeCandidate(guard: RolloutGuard, candidate: SideCounts, defaultMaxP99Ms: number): GuardVerdict {
  const { n, errors } = candidate;
  // `!(… >= …)` also keeps counts that are not numbers from being judged.
  if (!(n >= guard.minSamples) || !(n > 0)) return { rollBack: false };
  const rate = errors / n;
  if (rate > guard.maxErrorRate) {
    const shown = above(rate, guard.maxErrorRate, 2);
    return {
      rollBack: true,
      limit: 'error-rate',
      reason: `error rate ${shown} (${errors} of ${runs(n)}) above ${guard.maxErrorRate}`,
    };
  }
  const limitMs = guard.maxP99Ms ?? defaultMaxP99Ms;
  const p99 = percentileMs(candidate.buckets, 0.99);
  if (p99 > limitMs) {
    const shown = Number.isFinite(p99) ? `${above(p99, limitMs, 0)} ms` : `beyond ${latencyTopBoundMs} ms`;
    return { rollBack: true, limit: 'p99', reason: `p99 ${shown} above ${limitMs} ms over ${runs(n)}` };
  }
  return { rollBack: false };
}

/**
 * `value` with as few decimals as keep it above `limit` (from `digits` on), so that a reason never
 * reads "error rate 0.05 above 0.05" for a rate of 0.0501.
 */
function above(value: number, limit: number, digits: number): string {
  for (let d = digits; d <= 6; d += 1) {
    const rounded = Number(value.toFixed(d));
    if (rounded > limit) return String(rounded);
  }
  return String(value);
}

function runs(n: number): string {
  return n === 1 ? '1 run' : `${n} runs`;
}
