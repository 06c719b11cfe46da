// A rollout's latencies as a histogram that instances can add up (docs/runtime.md, "Rollouts"):
// each instance counts its runs per bucket and writes the counts to the storage now and then;
// counts of the same bucket add up exactly, so p50 and p99 over every instance come from the
// merged buckets and never from an average of averages.
//
// Bucket i counts the runs of at most `latencyBucketBoundMs(i)` and more than the bound before it.
// The bounds grow by about 5% from 0.05 ms and are rounded up to 0.01 ms (the precision the
// percentiles are reported with), so the first ones, where 5% is less than 0.01 ms, step by
// 0.01 ms. The last finite bound is the first at or above 10 minutes, the largest p99 limit a
// guard may set (shared/contract/rollout-request.ts), so that a limit is always judged on finite
// bounds; the overflow bucket after it counts anything longer.
//
// The bounds are part of what instances share: a stored histogram written by one version is read
// by another, so changing them (and the count) changes what every stored histogram means.

const firstBoundMs = 0.05;
const growth = 1.05;
const lastBoundAtLeastMs = 600_000;

const finiteBounds: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let i = 0; bounds.length === 0 || bounds[bounds.length - 1]! < lastBoundAtLeastMs; i += 1) {
    // The small epsilon keeps a raw bound that is a whole hundredth (0.05 × 100 is
    // 5.000000000000001 in binary) from rounding up to the next one.
    const bound = Math.ceil(firstBoundMs * growth ** i * 100 - 1e-9) / 100;
    if (bound > (bounds[bounds.length - 1] ?? 0)) bounds.push(bound);
  }
  return bounds;
})();

/** Finite buckets and the overflow bucket. */
export const latencyBucketCount: number = finiteBounds.length + 1;

const overflowIndex = latencyBucketCount - 1;

/** The bucket a duration falls in: the first whose bound it does not exceed. NaN and negatives → 0. */
export function latencyBucketOf(ms: number): number {
  if (!(ms > finiteBounds[0]!)) return 0;
  if (ms > finiteBounds[overflowIndex - 1]!) return overflowIndex;
  let low = 1;
  let high = overflowIndex - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ms <= finiteBounds[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The upper bound of bucket `index` in ms; Infinity for the overflow bucket (and past it). */
export function latencyBucketBoundMs(index: number): number {
  if (index < 0 || !Number.isFinite(index)) return index < 0 ? 0 : Infinity;
  return index >= overflowIndex ? Infinity : finiteBounds[Math.floor(index)]!;
}

/** The largest finite bound: a percentile in the overflow bucket is at least this. */
export const latencyTopBoundMs: number = finiteBounds[overflowIndex - 1]!;

/**
 * Brings `buckets` to `latencyBucketCount` entries (missing ones are 0; counts past the end, from
 * a histogram with more buckets, go to the overflow bucket; anything that is not a count becomes
 * 0), then counts one run of `ms`.
 */
export function addToBuckets(buckets: number[], ms: number): void {
  normaliseBuckets(buckets);
  buckets[latencyBucketOf(ms)]! += 1;
}

/** The histogram's length and counts made sound in place (see addToBuckets). */
export function normaliseBuckets(buckets: number[]): void {
  for (let i = 0; i < buckets.length; i += 1) if (!isCount(buckets[i])) buckets[i] = 0;
  if (buckets.length > latencyBucketCount) {
    let extra = 0;
    for (let i = latencyBucketCount; i < buckets.length; i += 1) extra += buckets[i]!;
    buckets.length = latencyBucketCount;
    buckets[overflowIndex]! += extra;
  }
  while (buckets.length < latencyBucketCount) buckets.push(0);
}

/**
 * The nearest-rank percentile `q` (0 < q ≤ 1) of the counted runs, as the upper bound of the
 * bucket it falls in: never below the true percentile and less than one bucket above it. 0 when
 * nothing was counted; Infinity when it falls in the overflow bucket.
 */
export function percentileMs(buckets: readonly number[], q: number): number {
  let total = 0;
  for (const count of buckets) if (isCount(count)) total += count;
  if (total === 0) return 0;
  const rank = Math.min(total, Math.max(1, Math.ceil((Number.isNaN(q) ? 1 : q) * total)));
  let seen = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    const count = buckets[i];
    if (isCount(count)) seen += count;
    if (seen >= rank) return latencyBucketBoundMs(i);
  }
  return Infinity;
}

function isCount(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
