import type { Bundle, OutcomeChangeKind } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';

// Rollouts (docs/runtime.md, "Rollouts"): a candidate bundle served beside the active one, to a
// sticky share of users (canary) or off the answer's path (shadow), watched by a guard that rolls
// it back on its own. These are the types the storage, the runtime and the HTTP layer share; the
// wire form (`RolloutJson`) is what GET /v1/rollouts/current answers.

export const rolloutModes = ['canary', 'shadow'] as const;
export type RolloutMode = (typeof rolloutModes)[number];

export const rolloutStates = ['running', 'promoted', 'aborted', 'rolled-back'] as const;
export type RolloutState = (typeof rolloutStates)[number];

/** The event fields a canary's share is decided by (the first present one, from `stickyBy` on). */
export const stickyKeys = ['user.id', 'user.email', 'request.ip'] as const;
export type StickyKey = (typeof stickyKeys)[number];

export interface RolloutGuard {
  /** Errors (timeouts included) over candidate runs above which it is rolled back. Default 0.05. */
  maxErrorRate: number;
  /** The candidate's p99 above which it is rolled back; null: the deadline of each run's hook. */
  maxP99Ms: number | null;
  /** Candidate runs before the guard judges. Default 50. */
  minSamples: number;
}

export const defaultGuard: RolloutGuard = { maxErrorRate: 0.05, maxP99Ms: null, minSamples: 50 };

/** A rollout as the storage keeps it. */
export interface StoredRollout {
  /** `ro_<random>`; also the seed of the canary's sticky hash. */
  id: string;
  mode: RolloutMode;
  /** 1–100. */
  percent: number;
  stickyBy: StickyKey;
  guard: RolloutGuard;
  state: RolloutState;
  /** Why it ended (the guard's limit, or who aborted/promoted). */
  reason?: string;
  startedAt: number;
  endedAt?: number;
  author: string;
  message: string;
  /** The active version when the rollout started (it stays active while the rollout runs). */
  baseVersion: number;
  baseHash: string;
  /**
   * The version number the candidate holds: reserved from the bundle versions' sequence when the
   * rollout starts, so that answers and traces name it, and the one its history entry gets when
   * promoted. A candidate that is aborted or rolled back leaves its number unused.
   */
  candidateVersion: number;
  candidateHash: string;
  candidate: Bundle;
  /** Increases on every change (percent, state): instances apply a rollout newer than theirs. */
  revision: number;
}

export interface NewRollout {
  id: string;
  mode: RolloutMode;
  percent: number;
  stickyBy: StickyKey;
  guard: RolloutGuard;
  startedAt: number;
  author: string;
  message: string;
  candidateHash: string;
  candidate: Bundle;
}

/**
 * Latency as a mergeable histogram: `buckets[i]` counts runs of at most `latencyBucketBoundMs(i)`
 * (runtime/rollout/latency-histogram.ts), so that instances' counts add up exactly.
 */
export interface SideCounts {
  n: number;
  errors: number;
  buckets: number[];
}

export interface DifferenceCounts {
  n: number;
  allowToDeny: number;
  denyToAllow: number;
  reasonChanged: number;
  dataChanged: number;
}

/** One instance's counts for one rollout, as it writes them to the storage now and then. */
export interface RolloutCounts {
  active: SideCounts;
  candidate: SideCounts;
  differences: DifferenceCounts;
  /** Shadow runs not started because the bounded shadow queue was full. */
  shadowSkipped: number;
}

/** How the two versions' outcomes of one event differ (shared/engine/outcome-diff.ts). */
export type DifferenceKind = OutcomeChangeKind;

/** An event the two versions decided differently (shadow mode), redacted like a captured event. */
export interface StoredDifference {
  /** `evt_…`, the captured-event id form. */
  id: string;
  rolloutId: string;
  at: number;
  hook: HookId;
  kinds: DifferenceKind[];
  /** The redacted event payload, as JSON text (as in a captured event line). */
  event: string;
  /** Both outcomes as JSON text, in the recorded-outcome form (docs/formats.md). */
  activeOutcome: string;
  candidateOutcome: string;
  activeTraceId: string;
  candidateTraceId: string;
}

// ---- the wire form (GET /v1/rollouts/current and friends)

export interface SideStatsJson {
  n: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RolloutJson {
  id: string;
  mode: RolloutMode;
  percent: number;
  stickyBy: StickyKey;
  guard: RolloutGuard;
  state: RolloutState;
  reason?: string;
  startedAt: string;
  endedAt?: string;
  author: string;
  message: string;
  baseVersion: number;
  baseHash: string;
  candidateVersion: number;
  candidateHash: string;
  stats: {
    active: SideStatsJson;
    candidate: SideStatsJson;
    differences: DifferenceCounts;
    shadowSkipped: number;
  };
}

export interface DifferenceJson {
  id: string;
  at: string;
  hook: HookId;
  kinds: DifferenceKind[];
  event: unknown;
  active: { version: number; outcome: unknown; traceId: string };
  candidate: { version: number; outcome: unknown; traceId: string };
}
