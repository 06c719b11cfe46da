import { addToBuckets, latencyTopBoundMs, normaliseBuckets, percentileMs } from './latency-histogram';
import type {
  DifferenceCounts,
  DifferenceKind,
  RolloutCounts,
  RolloutJson,
  SideCounts,
  SideStatsJson,
} from './rollout-types';

// A rollout's counts on one instance (runs, errors and latency of each side, differences seen in
// shadow mode), how the counts of every instance add up, and their wire form
// (docs/runtime.md, "Rollouts"). Counts read back from the storage are added up defensively: a
// field that is not a count adds nothing rather than turning every sum into NaN.

export function emptyCounts(): RolloutCounts {
  return {
    active: emptySide(),
    candidate: emptySide(),
    differences: { n: 0, allowToDeny: 0, denyToAllow: 0, reasonChanged: 0, dataChanged: 0 },
    shadowSkipped: 0,
  };
}

/** One finished run of a side; an error (a timeout included) counts as a run and as an error. */
export function recordRun(
  counts: RolloutCounts,
  side: 'active' | 'candidate',
  run: { durationMs: number; error: boolean },
): void {
  const target = counts[side];
  target.n += 1;
  if (run.error) target.errors += 1;
  addToBuckets(target.buckets, run.durationMs);
}

/** Which difference counter each kind adds to; the error kinds count in `n` only. */
const counterOf: Partial<Record<DifferenceKind, Exclude<keyof DifferenceCounts, 'n'>>> = {
  'allow→deny': 'allowToDeny',
  'deny→allow': 'denyToAllow',
  reason: 'reasonChanged',
  data: 'dataChanged',
};

/** One event the two sides decided differently: `n` once, and each kind's counter once. */
export function recordDifference(counts: RolloutCounts, kinds: readonly DifferenceKind[]): void {
  if (kinds.length === 0) return;
  counts.differences.n += 1;
  for (const kind of new Set(kinds)) {
    const counter = counterOf[kind];
    if (counter) counts.differences[counter] += 1;
  }
}

/** The sum of every instance's counts (the inputs are left as they are). */
export function mergeCounts(list: readonly RolloutCounts[]): RolloutCounts {
  const total = emptyCounts();
  for (const counts of list) {
    addSide(total.active, counts.active);
    addSide(total.candidate, counts.candidate);
    const differences = total.differences;
    differences.n += count(counts.differences?.n);
    differences.allowToDeny += count(counts.differences?.allowToDeny);
    differences.denyToAllow += count(counts.differences?.denyToAllow);
    differences.reasonChanged += count(counts.differences?.reasonChanged);
    differences.dataChanged += count(counts.differences?.dataChanged);
    total.shadowSkipped += count(counts.shadowSkipped);
  }
  return total;
}

/** The wire form of the counts: runs, errors and p50/p99 of each side (ms, to 0.01 ms). */
export function statsJson(counts: RolloutCounts): RolloutJson['stats'] {
  return {
    active: sideJson(counts.active),
    candidate: sideJson(counts.candidate),
    differences: { ...counts.differences },
    shadowSkipped: counts.shadowSkipped,
  };
}

function emptySide(): SideCounts {
  const side: SideCounts = { n: 0, errors: 0, buckets: [] };
  normaliseBuckets(side.buckets);
  return side;
}

function addSide(total: SideCounts, side: SideCounts | undefined): void {
  if (!side) return;
  total.n += count(side.n);
  total.errors += count(side.errors);
  const buckets = Array.isArray(side.buckets) ? [...side.buckets] : [];
  normaliseBuckets(buckets);
  for (let i = 0; i < buckets.length; i += 1) total.buckets[i]! += buckets[i]!;
}

function sideJson(side: SideCounts): SideStatsJson {
  return {
    n: side.n,
    errors: side.errors,
    p50Ms: reportedMs(side.buckets, 0.5),
    p99Ms: reportedMs(side.buckets, 0.99),
  };
}

/**
 * A percentile as JSON can carry it: the overflow bucket (runs beyond 10 minutes, which no hook's
 * deadline allows) is reported as the largest finite bound, since JSON has no Infinity.
 */
function reportedMs(buckets: readonly number[], q: number): number {
  const ms = percentileMs(buckets, q);
  return Math.round((Number.isFinite(ms) ? ms : latencyTopBoundMs) * 100) / 100;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
