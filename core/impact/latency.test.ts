import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latencyPercentiles, nearestRank } from './latency';

describe('nearestRank', () => {
  it('takes the smallest value with at least p of the values at or below it', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(sorted, 0.5)).toBe(5);
    expect(nearestRank(sorted, 0.95)).toBe(10);
    expect(nearestRank(sorted, 0.1)).toBe(1);
    expect(nearestRank(sorted, 1)).toBe(10);
    expect(nearestRank([], 0.5)).toBe(0);
    expect(nearestRank([7], 0.99)).toBe(7);
  });

  it('is a value of the list with at least p of the list at or below it and less than p strictly below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const value = nearestRank(sorted, p);
          expect(sorted).toContain(value);
          expect(sorted.filter((v) => v <= value).length).toBeGreaterThanOrEqual(Math.ceil(p * sorted.length));
          expect(sorted.filter((v) => v < value).length).toBeLessThan(Math.ceil(p * sorted.length));
        },
      ),
    );
  });
});

describe('latencyPercentiles', () => {
  it('sorts numerically (not as text) and rounds to microseconds', () => {
    const durations = Array.from({ length: 100 }, (_, i) => (100 - i) * 1.00001);
    expect(latencyPercentiles(durations)).toEqual({ p50: 50.001, p95: 95.001, p99: 99.001 });
    expect(latencyPercentiles([10, 9, 100])).toEqual({ p50: 10, p95: 100, p99: 100 });
  });

  it('is all zeros without durations', () => {
    expect(latencyPercentiles([])).toEqual({ p50: 0, p95: 0, p99: 0 });
  });

  it('keeps p50 ≤ p95 ≤ p99 within the smallest and largest duration', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1 }), (values) => {
        const { p50, p95, p99 } = latencyPercentiles(values);
        expect(p50).toBeLessThanOrEqual(p95);
        expect(p95).toBeLessThanOrEqual(p99);
        expect(p50).toBeGreaterThanOrEqual(Math.round(Math.min(...values) * 1000) / 1000);
        expect(p99).toBeLessThanOrEqual(Math.round(Math.max(...values) * 1000) / 1000);
      }),
    );
  });
});
