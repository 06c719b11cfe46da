import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeCandidate } from './guard';
import { percentileMs } from './latency-histogram';
import { emptyCounts, recordRun } from './rollout-counts';
import type { RolloutGuard } from './rollout-types';

// The guard over generated runs and limits: it never judges below minSamples, and above it it
// rolls back exactly when a limit is passed, the error rate first.

const guard: fc.Arbitrary<RolloutGuard> = fc.record({
  maxErrorRate: fc.double({ min: 0, max: 1, noNaN: true }),
  maxP99Ms: fc.option(fc.double({ min: 0.01, max: 600_000, noNaN: true })),
  minSamples: fc.integer({ min: 1, max: 120 }),
});
const runs = fc.array(fc.record({ durationMs: fc.double({ min: 0, max: 10_000, noNaN: true }), error: fc.boolean() }), {
  maxLength: 150,
});
const deadline = fc.double({ min: 1, max: 60_000, noNaN: true });

describe('judgeCandidate', () => {
  it('never judges below minSamples and otherwise rolls back exactly when a limit is passed', () => {
    fc.assert(
      fc.property(guard, runs, deadline, (g, list, deadlineMs) => {
        const counts = emptyCounts();
        for (const run of list) recordRun(counts, 'candidate', run);
        const side = counts.candidate;
        const verdict = judgeCandidate(g, side, deadlineMs);
        if (side.n < g.minSamples) {
          expect(verdict).toEqual({ rollBack: false });
          return;
        }
        const errorRate = side.errors / side.n > g.maxErrorRate;
        const slow = percentileMs(side.buckets, 0.99) > (g.maxP99Ms ?? deadlineMs);
        if (errorRate) expect(verdict).toMatchObject({ rollBack: true, limit: 'error-rate' });
        else if (slow) expect(verdict).toMatchObject({ rollBack: true, limit: 'p99' });
        else expect(verdict).toEqual({ rollBack: false });
      }),
      { numRuns: 300 },
    );
  });
});
