import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomeChangeKinds as differenceKinds } from '../../shared/engine';
import { emptyCounts, mergeCounts, recordDifference, recordRun } from './rollout-counts';
import type { RolloutCounts } from './rollout-types';

// Instances write their own counts and any instance adds them up, in whatever order it reads
// them: the sum must not depend on the grouping or the order, and must equal counting everything
// on one instance.

type Step =
  | { kind: 'run'; side: 'active' | 'candidate'; durationMs: number; error: boolean }
  | { kind: 'difference'; kinds: (typeof differenceKinds)[number][] }
  | { kind: 'skipped' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('run' as const),
    side: fc.constantFrom('active' as const, 'candidate' as const),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    error: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('difference' as const), kinds: fc.subarray([...differenceKinds]) }),
  fc.record({ kind: fc.constant('skipped' as const) }),
);

const apply = (counts: RolloutCounts, steps: readonly Step[]) => {
  for (const s of steps) {
    if (s.kind === 'run') recordRun(counts, s.side, s);
    else if (s.kind === 'difference') recordDifference(counts, s.kinds);
    else counts.shadowSkipped += 1;
  }
  return counts;
};
const countsOf = (steps: readonly Step[]) => apply(emptyCounts(), steps);
const instance = fc.array(step, { maxLength: 40 }).map(countsOf);

describe('mergeCounts', () => {
  it('is commutative and associative, and empty counts add nothing', () => {
    fc.assert(
      fc.property(instance, instance, instance, (a, b, c) => {
        expect(mergeCounts([a, b])).toEqual(mergeCounts([b, a]));
        expect(mergeCounts([mergeCounts([a, b]), c])).toEqual(mergeCounts([a, mergeCounts([b, c])]));
        expect(mergeCounts([a, b, c])).toEqual(mergeCounts([c, a, b]));
        expect(mergeCounts([a, emptyCounts()])).toEqual(mergeCounts([a]));
      }),
      { numRuns: 200 },
    );
  });

  it('equals counting every run on one instance', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 30 }), { maxLength: 5 }), (perInstance) => {
        expect(mergeCounts(perInstance.map(countsOf))).toEqual(countsOf(perInstance.flat()));
      }),
      { numRuns: 200 },
    );
  });
});
