import type { DifferenceCounts, RolloutCounts, SideCounts } from './rollout-types';

// The storage returns every instance's row for a rollout without saying whose is whose. This
// instance knows what it wrote last, so the other instances' share is the total minus that
// (rollout-controller.ts adds its own live counts, which are newer than its row).

export function othersCounts(total: RolloutCounts, mine: RolloutCounts | undefined): RolloutCounts {
  if (!mine) return cloneCounts(total);
  return {
    active: subtractSide(total.active, mine.active),
    candidate: subtractSide(total.candidate, mine.candidate),
    differences: {
      n: floor0(total.differences.n - mine.differences.n),
      allowToDeny: floor0(total.differences.allowToDeny - mine.differences.allowToDeny),
      denyToAllow: floor0(total.differences.denyToAllow - mine.differences.denyToAllow),
      reasonChanged: floor0(total.differences.reasonChanged - mine.differences.reasonChanged),
      dataChanged: floor0(total.differences.dataChanged - mine.differences.dataChanged),
    },
    shadowSkipped: floor0(total.shadowSkipped - mine.shadowSkipped),
  };
}

export function cloneCounts(counts: RolloutCounts): RolloutCounts {
  const side = (s: SideCounts): SideCounts => ({ n: s.n, errors: s.errors, buckets: [...s.buckets] });
  const differences: DifferenceCounts = { ...counts.differences };
  return {
    active: side(counts.active),
    candidate: side(counts.candidate),
    differences,
    shadowSkipped: counts.shadowSkipped,
  };
}

function subtractSide(total: SideCounts, mine: SideCounts): SideCounts {
  return {
    n: floor0(total.n - mine.n),
    errors: floor0(total.errors - mine.errors),
    buckets: total.buckets.map((count, i) => floor0(count - (mine.buckets[i] ?? 0))),
  };
}

/** A row rewritten between our write and our read can make a difference negative for a moment. */
function floor0(value: number): number {
  return value > 0 ? value : 0;
}
