import type { Bundle, JsonObject, JsonValue, RecordedEvent, SecretProvider, Trace } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { PipelineExecutor } from '../replay/replay-runner';

// The vocabulary of an impact run: every recorded event through a baseline bundle and a candidate
// bundle, and only the events whose outcome changed reported (docs/replay.md, "Impact"; the
// `impact --json` lines of docs/cli.md use these shapes as they are).

/** The kinds of docs/cli.md's `impact`, in the order an event's main change is picked from. */
export const impactChangeKinds = [
  'error-new',
  'error-fixed',
  'error-changed',
  'allow→deny',
  'deny→allow',
  'reason',
  'data',
] as const;
export type ImpactChangeKind = (typeof impactChangeKinds)[number];

/** What one side decided for an event: the decision fields of a replay line. */
export interface ImpactOutcome {
  /** Blocking hooks. */
  allow?: boolean;
  reason?: string;
  code?: string;
  /** Enrichment hooks: the merged data. */
  data?: JsonObject;
  /** Async hooks: every script's result. */
  results?: Record<string, JsonValue>;
  /** When the pipeline failed (or a script failed and its onError decided). */
  error?: { code: string; message: string; scriptId?: string };
}

/** One event whose outcome differs between the baseline and the candidate. */
export interface ImpactChange {
  id: string;
  hook: HookId;
  /** The main change: the first of `changes` in the order of impactChangeKinds. */
  change: ImpactChangeKind;
  /** Every kind that applies, in the order of impactChangeKinds (never empty). */
  changes: ImpactChangeKind[];
  baseline: ImpactOutcome;
  candidate: ImpactOutcome;
  /**
   * The candidate's scripts whose own result differs from the same script's in the baseline run
   * (value, failure or error code), or that ran only in the candidate: what the studio groups the
   * changed events by. A script the candidate stopped running (an earlier layer now denies) is not
   * listed; the script that now denies is.
   */
  scripts: string[];
  baselineTraceId: string;
  candidateTraceId: string;
}

/** Nearest-rank percentiles of the pipelines' durations, in milliseconds. */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface ImpactSummary {
  /** Events compared (after duplicates were dropped); fewer than given when cancelled. */
  events: number;
  unchanged: number;
  /** Changed events counted by their main change (`change`). */
  allowToDeny: number;
  denyToAllow: number;
  reasonChanged: number;
  dataChanged: number;
  newErrors: number;
  fixedErrors: number;
  changedErrors: number;
  latencyMs: { baseline: LatencyPercentiles; candidate: LatencyPercentiles };
  /** Events left out because an earlier event had the same id (the first one wins). */
  duplicates: number;
  /** Events given, duplicates removed: `events` equals it unless the run was cancelled. */
  total: number;
  cancelled: boolean;
  elapsedMs: number;
}

export interface ImpactSide {
  bundle: Bundle;
  /** The bundle's hash (canonical, as publish computes it): part of every plan's cache key. */
  hash: string;
}

export interface CompareBundlesOptions {
  /** The engine pool: both sides' runs go through this one pool, in flight together. */
  executor: PipelineExecutor;
  baseline: ImpactSide;
  candidate: ImpactSide;
  /** In input order; an id seen before is skipped (counted in `duplicates`). */
  events: readonly RecordedEvent[];
  /** Given with every run of both sides. */
  secrets?: SecretProvider;
  /** Events in flight at once (each runs its two sides together); default maxConcurrentRuns. */
  concurrency?: number;
  /** Stops starting events; the events in flight finish and are reported. */
  signal?: AbortSignal;
  /** Each changed event, in input order, with both runs' traces. */
  onChange?: (change: ImpactChange, traces: { baseline: Trace; candidate: Trace }) => void;
  /** After each compared event (in input order): events compared so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
}
