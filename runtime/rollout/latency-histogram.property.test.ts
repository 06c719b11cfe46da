import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToBuckets,
  latencyBucketBoundMs,
  latencyBucketOf,
  latencyTopBoundMs,
  percentileMs,
} from './latency-histogram';

// The histogram's percentile against the exact one over generated durations: it is never below
// the true nearest-rank percentile (a guard's limit is never passed unnoticed) and the true value
// lies in the bucket it names, so it is at most one bucket's width above.

const nearestRank = (durations: number[], q: number) => {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const duration = fc.oneof(
  fc.double({ min: 0, max: 5, noNaN: true }),
  fc.double({ min: 0, max: latencyTopBoundMs, noNaN: true }),
);
const quantile = fc.oneof(fc.constantFrom(0.5, 0.9, 0.99, 1), fc.double({ min: 0.001, max: 1, noNaN: true }));

describe('percentileMs', () => {
  it('is at least the true percentile and within the bucket it falls in', () => {
    fc.assert(
      fc.property(fc.array(duration, { minLength: 1, maxLength: 300 }), quantile, (durations, q) => {
        const buckets: number[] = [];
        for (const ms of durations) addToBuckets(buckets, ms);
        const truth = nearestRank(durations, q);
        const reported = percentileMs(buckets, q);
        const index = latencyBucketOf(truth);
        expect(reported).toBe(latencyBucketBoundMs(index));
        expect(reported).toBeGreaterThanOrEqual(truth);
        if (index > 0) expect(truth).toBeGreaterThan(latencyBucketBoundMs(index - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order the runs were counted in, nor on which instance counted them', () => {
    fc.assert(
      fc.property(
        fc.array(duration, { maxLength: 100 }),
        fc.array(duration, { maxLength: 100 }),
        quantile,
        (a, b, q) => {
          const one: number[] = [];
          for (const ms of [...a, ...b]) addToBuckets(one, ms);
          const [first, second]: number[][] = [[], []];
          for (const ms of b) addToBuckets(first!, ms);
          for (const ms of a) addToBuckets(second!, ms);
          const merged = Array.from(
            { length: Math.max(first!.length, second!.length) },
            (_, i) => (first![i] ?? 0) + (second![i] ?? 0),
          );
          expect(percentileMs(merged, q)).toBe(percentileMs(one, q));
        },
      ),
      { numRuns: 200 },
    );
  });
});
