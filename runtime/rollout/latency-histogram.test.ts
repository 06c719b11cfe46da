import { describe, expect, it } from 'vitest';
import {
  addToBuckets,
  latencyBucketBoundMs,
  latencyBucketCount,
  latencyBucketOf,
  latencyTopBoundMs,
  normaliseBuckets,
  percentileMs,
} from './latency-histogram';

const histogram = (...durations: number[]) => {
  const buckets: number[] = [];
  for (const ms of durations) addToBuckets(buckets, ms);
  return buckets;
};

describe('the latency buckets', () => {
  it('keep the bounds every instance shares', () => {
    // Pinned: stored histograms are merged across instances and versions by index, so a change of
    // the bounds or their count must be deliberate.
    expect(latencyBucketCount).toBe(324);
    expect([0, 1, 2, 5, 15, 16, 50, 100, 200].map(latencyBucketBoundMs)).toEqual([
      0.05, 0.06, 0.07, 0.1, 0.2, 0.21, 1.09, 12.4, 1630.39,
    ]);
    expect(latencyTopBoundMs).toBe(627169.88);
    expect(latencyBucketBoundMs(latencyBucketCount - 2)).toBe(latencyTopBoundMs);
    expect(latencyBucketBoundMs(latencyBucketCount - 1)).toBe(Infinity);
  });

  it('grow by at most about 5% (or 0.01 ms) from one to the next, and reach past 10 minutes', () => {
    for (let i = 1; i < latencyBucketCount - 1; i += 1) {
      const [low, high] = [latencyBucketBoundMs(i - 1), latencyBucketBoundMs(i)];
      expect(high).toBeGreaterThan(low);
      expect(high - low).toBeLessThanOrEqual(Math.max(0.01, low * 0.05) + 0.01);
    }
    expect(latencyTopBoundMs).toBeGreaterThanOrEqual(600_000);
  });

  it('put a duration in the first bucket whose bound it does not exceed', () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(0.05)).toBe(0);
    expect(latencyBucketOf(0.051)).toBe(1);
    expect(latencyBucketOf(12.4)).toBe(100);
    expect(latencyBucketOf(12.41)).toBe(101);
    expect(latencyBucketOf(latencyTopBoundMs)).toBe(latencyBucketCount - 2);
    expect(latencyBucketOf(latencyTopBoundMs + 0.01)).toBe(latencyBucketCount - 1);
    expect(latencyBucketOf(Infinity)).toBe(latencyBucketCount - 1);
  });

  it('count NaN and negative durations in the first bucket', () => {
    expect(latencyBucketOf(Number.NaN)).toBe(0);
    expect(latencyBucketOf(-5)).toBe(0);
    expect(latencyBucketOf(-Infinity)).toBe(0);
  });
});

describe('addToBuckets', () => {
  it('grows an empty or short histogram to the full length', () => {
    const buckets = [1];
    addToBuckets(buckets, 12.4);
    expect(buckets).toHaveLength(latencyBucketCount);
    expect(buckets[0]).toBe(1);
    expect(buckets[100]).toBe(1);
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('folds counts past the end into the overflow bucket and drops what is not a count', () => {
    const buckets = [Number.NaN, -3, 2, ...new Array<number>(latencyBucketCount - 3).fill(0), 4, 5];
    normaliseBuckets(buckets);
    expect(buckets).toHaveLength(latencyBucketCount);
    expect(buckets.slice(0, 3)).toEqual([0, 0, 2]);
    expect(buckets[latencyBucketCount - 1]).toBe(9);
  });
});

describe('percentileMs', () => {
  it('is 0 with nothing counted', () => {
    expect(percentileMs([], 0.99)).toBe(0);
    expect(percentileMs(new Array<number>(latencyBucketCount).fill(0), 0.5)).toBe(0);
  });

  it('answers the bound of the bucket the nearest rank falls in', () => {
    const buckets = histogram(...new Array<number>(98).fill(1), 300, 800);
    expect(percentileMs(buckets, 0.5)).toBe(latencyBucketBoundMs(latencyBucketOf(1)));
    expect(percentileMs(buckets, 0.98)).toBe(latencyBucketBoundMs(latencyBucketOf(1)));
    expect(percentileMs(buckets, 0.99)).toBe(latencyBucketBoundMs(latencyBucketOf(300)));
    expect(percentileMs(buckets, 1)).toBe(latencyBucketBoundMs(latencyBucketOf(800)));
    expect(percentileMs(buckets, 1)).toBeGreaterThanOrEqual(800);
  });

  it('is Infinity when the percentile is beyond the last finite bound', () => {
    expect(percentileMs(histogram(1, 2 * latencyTopBoundMs), 1)).toBe(Infinity);
  });

  it('ignores entries that are not counts', () => {
    const buckets = histogram(5);
    buckets[0] = Number.NaN;
    expect(percentileMs(buckets, 0.5)).toBe(latencyBucketBoundMs(latencyBucketOf(5)));
  });
});
