import { describe, expect, it } from 'vitest';
import { judgeCandidate } from './guard';
import { latencyBucketBoundMs, latencyBucketOf, latencyTopBoundMs } from './latency-histogram';
import { emptyCounts, recordRun } from './rollout-counts';
import { defaultGuard, type SideCounts } from './rollout-types';

/** Candidate counts of `runs` runs of `ms` each, the first `errors` of them failed. */
const candidate = (runs: number, errors: number, ms = 1, slow: { count: number; ms: number } = { count: 0, ms: 0 }) => {
  const counts = emptyCounts();
  for (let i = 0; i < runs; i += 1)
    recordRun(counts, 'candidate', { durationMs: i < slow.count ? slow.ms : ms, error: i < errors });
  return counts.candidate;
};

describe('judgeCandidate', () => {
  it('judges nothing before minSamples runs, however bad they are', () => {
    expect(judgeCandidate(defaultGuard, candidate(49, 49, 5000), 300)).toEqual({ rollBack: false });
    expect(judgeCandidate(defaultGuard, candidate(0, 0), 300)).toEqual({ rollBack: false });
  });

  it('rolls back on an error rate above the limit and says by how much', () => {
    expect(judgeCandidate(defaultGuard, candidate(50, 6), 300)).toEqual({
      rollBack: true,
      limit: 'error-rate',
      reason: 'error rate 0.12 (6 of 50 runs) above 0.05',
    });
    // Exactly at the limit is within it.
    expect(judgeCandidate(defaultGuard, candidate(100, 5), 300)).toEqual({ rollBack: false });
  });

  it('never shows a rate that reads as equal to the limit', () => {
    const verdict = judgeCandidate(defaultGuard, candidate(10_000, 501), 300);
    expect(verdict).toMatchObject({ rollBack: true, reason: 'error rate 0.0501 (501 of 10000 runs) above 0.05' });
  });

  it('rolls back on a p99 above the guard’s limit, else above the hook’s deadline', () => {
    const slow = candidate(50, 0, 1, { count: 1, ms: 812 });
    const shown = Math.round(latencyBucketBoundMs(latencyBucketOf(812)));
    expect(judgeCandidate({ ...defaultGuard, maxP99Ms: 300 }, slow, 5000)).toEqual({
      rollBack: true,
      limit: 'p99',
      reason: `p99 ${shown} ms above 300 ms over 50 runs`,
    });
    expect(judgeCandidate(defaultGuard, slow, 300)).toMatchObject({ rollBack: true, limit: 'p99' });
    expect(judgeCandidate(defaultGuard, slow, 5000)).toEqual({ rollBack: false });
    expect(judgeCandidate({ ...defaultGuard, maxP99Ms: 5000 }, slow, 300)).toEqual({ rollBack: false });
  });

  it('judges the error rate first', () => {
    const both = candidate(50, 10, 1, { count: 10, ms: 5000 });
    expect(judgeCandidate({ ...defaultGuard, maxP99Ms: 100 }, both, 100)).toMatchObject({ limit: 'error-rate' });
  });

  it('names a p99 beyond the histogram without printing Infinity', () => {
    const verdict = judgeCandidate({ ...defaultGuard, minSamples: 1 }, candidate(1, 0, 2 * latencyTopBoundMs), 600_000);
    expect(verdict).toEqual({
      rollBack: true,
      limit: 'p99',
      reason: `p99 beyond ${latencyTopBoundMs} ms above 600000 ms over 1 run`,
    });
  });

  it('does not judge counts that are not numbers', () => {
    const broken: SideCounts = { n: Number.NaN, errors: 5, buckets: [] };
    expect(judgeCandidate({ ...defaultGuard, minSamples: 1 }, broken, 1)).toEqual({ rollBack: false });
  });
});
