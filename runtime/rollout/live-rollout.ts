import type { ActivePlanSet } from '../active-set';
import { buildPlanSet } from '../active-set';
import type { RuntimeConfig } from '../config';
import { emptyCounts } from './rollout-counts';
import type { RolloutCounts, StoredRollout } from './rollout-types';

// What one instance holds of the rollout it follows: the stored rollout (its newest revision
// here), the candidate's plan set, and its own counts beside the other instances' last-read ones.

export interface LiveRollout {
  stored: StoredRollout;
  /** The candidate's plans, built once per rollout (not per revision, not per invocation). */
  readonly set: ActivePlanSet | undefined;
  /**
   * Invocations go to the candidate (canary) or shadow it only while this is true. Set to false
   * synchronously when the rollout ends here (the guard, an abort, a promote) or is seen ended.
   */
  routing: boolean;
  /** This instance's counts since it started following the rollout. */
  counts: RolloutCounts;
  /** Counts changed since they were last written. */
  dirty: boolean;
  /** What this instance wrote last (its row in the storage). */
  written: RolloutCounts | undefined;
  /** The other instances' counts, as last read. */
  others: RolloutCounts;
  /** The guard rolled it back here and the storage has not recorded it yet (retried). */
  rollBack?: { reason: string; at: number };
}

export function followRollout(stored: StoredRollout, config: RuntimeConfig): LiveRollout {
  const running = stored.state === 'running';
  return {
    stored,
    set: running ? candidateSet(stored, config) : undefined,
    routing: running,
    counts: emptyCounts(),
    dirty: false,
    written: undefined,
    others: emptyCounts(),
  };
}

/** The candidate as a plan set of its own: answers and traces name its reserved version. */
function candidateSet(stored: StoredRollout, config: RuntimeConfig): ActivePlanSet {
  return buildPlanSet(
    {
      version: stored.candidateVersion,
      hash: stored.candidateHash,
      bundle: stored.candidate,
      publishedAt: stored.startedAt,
      author: stored.author,
      message: stored.message,
      kind: 'rollout',
      rolloutId: stored.id,
    },
    config,
  );
}
