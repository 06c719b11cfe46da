import { describe, expect, it } from 'vitest';
import { latencyBucketBoundMs, latencyBucketCount, latencyBucketOf, latencyTopBoundMs } from './latency-histogram';
import { emptyCounts, mergeCounts, recordDifference, recordRun, statsJson } from './rollout-counts';

describe('rollout counts', () => {
  it('start at zero with a full-length histogram per side', () => {
    const counts = emptyCounts();
    expect(counts.active).toEqual({ n: 0, errors: 0, buckets: new Array<number>(latencyBucketCount).fill(0) });
    expect(counts.candidate.buckets).not.toBe(counts.active.buckets);
    expect(counts.differences).toEqual({ n: 0, allowToDeny: 0, denyToAllow: 0, reasonChanged: 0, dataChanged: 0 });
    expect(counts.shadowSkipped).toBe(0);
  });

  it('count runs, errors and latency per side', () => {
    const counts = emptyCounts();
    recordRun(counts, 'candidate', { durationMs: 12.4, error: false });
    recordRun(counts, 'candidate', { durationMs: 3, error: true });
    recordRun(counts, 'active', { durationMs: 1, error: false });
    expect(counts.candidate.n).toBe(2);
    expect(counts.candidate.errors).toBe(1);
    expect(counts.candidate.buckets[latencyBucketOf(12.4)]).toBe(1);
    expect(counts.candidate.buckets[latencyBucketOf(3)]).toBe(1);
    expect(counts.active).toMatchObject({ n: 1, errors: 0 });
  });

  it('count an event with differences once, and each kind it shows once', () => {
    const counts = emptyCounts();
    recordDifference(counts, []);
    expect(counts.differences.n).toBe(0);
    recordDifference(counts, ['allow→deny', 'error-new']);
    recordDifference(counts, ['reason', 'data', 'data']);
    recordDifference(counts, ['deny→allow', 'error-fixed']);
    recordDifference(counts, ['error-changed']);
    expect(counts.differences).toEqual({ n: 4, allowToDeny: 1, denyToAllow: 1, reasonChanged: 1, dataChanged: 1 });
  });

  it('add up every instance’s counts without changing them', () => {
    const one = emptyCounts();
    const two = emptyCounts();
    recordRun(one, 'candidate', { durationMs: 2, error: true });
    recordRun(two, 'candidate', { durationMs: 2, error: false });
    recordRun(two, 'active', { durationMs: 9, error: false });
    recordDifference(one, ['allow→deny']);
    two.shadowSkipped = 3;
    const merged = mergeCounts([one, two]);
    expect(merged.candidate.n).toBe(2);
    expect(merged.candidate.errors).toBe(1);
    expect(merged.candidate.buckets[latencyBucketOf(2)]).toBe(2);
    expect(merged.active.buckets[latencyBucketOf(9)]).toBe(1);
    expect(merged.differences.allowToDeny).toBe(1);
    expect(merged.shadowSkipped).toBe(3);
    expect(one.candidate.n).toBe(1);
    expect(mergeCounts([])).toEqual(emptyCounts());
  });

  it('merge stored counts of another length or with fields that are not counts', () => {
    const stored = emptyCounts();
    stored.candidate = { n: 2, errors: Number.NaN, buckets: [1, 1] };
    stored.shadowSkipped = -4;
    const merged = mergeCounts([stored, emptyCounts()]);
    expect(merged.candidate.n).toBe(2);
    expect(merged.candidate.errors).toBe(0);
    expect(merged.candidate.buckets).toHaveLength(latencyBucketCount);
    expect(merged.candidate.buckets.slice(0, 3)).toEqual([1, 1, 0]);
    expect(merged.shadowSkipped).toBe(0);
  });
});

describe('statsJson', () => {
  it('gives each side’s runs, errors, p50 and p99 in ms, and the differences', () => {
    const counts = emptyCounts();
    for (let i = 0; i < 98; i += 1) recordRun(counts, 'candidate', { durationMs: 1, error: false });
    recordRun(counts, 'candidate', { durationMs: 300, error: true });
    recordRun(counts, 'candidate', { durationMs: 800, error: true });
    recordDifference(counts, ['data']);
    const stats = statsJson(counts);
    expect(stats.candidate).toEqual({
      n: 100,
      errors: 2,
      p50Ms: latencyBucketBoundMs(latencyBucketOf(1)),
      p99Ms: latencyBucketBoundMs(latencyBucketOf(300)),
    });
    expect(stats.active).toEqual({ n: 0, errors: 0, p50Ms: 0, p99Ms: 0 });
    expect(stats.differences).toEqual({ n: 1, allowToDeny: 0, denyToAllow: 0, reasonChanged: 0, dataChanged: 1 });
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });

  it('reports a percentile beyond the histogram as its largest bound, since JSON has no Infinity', () => {
    const counts = emptyCounts();
    recordRun(counts, 'active', { durationMs: 10 * latencyTopBoundMs, error: false });
    expect(statsJson(counts).active.p99Ms).toBe(latencyTopBoundMs);
  });
});
