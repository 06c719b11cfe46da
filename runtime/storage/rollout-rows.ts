import type { Bundle } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type {
  DifferenceKind,
  NewRollout,
  RolloutCounts,
  RolloutGuard,
  RolloutMode,
  RolloutState,
  StickyKey,
  StoredDifference,
  StoredRollout,
} from '../rollout/rollout-types';

// The rollout tables' rows as both SQL storages (sqlite/, postgres/) read them, with the same
// column names, and their mapping to the storage interface's records. JSON values (the guard, the
// difference kinds, counts) are TEXT in both, so they read back the same way.

/** A rollout with its candidate's content, `r` being rollouts and `b` bundles. */
export const rolloutSelect =
  'SELECT r.*, b.content AS candidate_content FROM rollouts r JOIN bundles b ON b.hash = r.candidate_hash';

/** Newest by start; the candidate version (never reused, increasing) breaks ties. */
export const newestRolloutFirst = 'ORDER BY r.started_at DESC, r.candidate_version DESC';

export interface RolloutRow {
  id: string;
  mode: RolloutMode;
  percent: number;
  sticky_by: StickyKey;
  guard: string;
  state: RolloutState;
  reason: string | null;
  started_at: number;
  ended_at: number | null;
  author: string;
  message: string;
  base_version: number;
  base_hash: string;
  candidate_version: number;
  candidate_hash: string;
  /** The candidate bundle's JSON text exactly as sent (its hash stays valid). */
  candidate_content: string;
  revision: number;
}

export function toRollout(row: RolloutRow): StoredRollout {
  const rollout: StoredRollout = {
    id: row.id,
    mode: row.mode,
    percent: row.percent,
    stickyBy: row.sticky_by,
    guard: JSON.parse(row.guard) as RolloutGuard,
    state: row.state,
    startedAt: row.started_at,
    author: row.author,
    message: row.message,
    baseVersion: row.base_version,
    baseHash: row.base_hash,
    candidateVersion: row.candidate_version,
    candidateHash: row.candidate_hash,
    candidate: JSON.parse(row.candidate_content) as Bundle,
    revision: row.revision,
  };
  if (row.reason !== null) rollout.reason = row.reason;
  if (row.ended_at !== null) rollout.endedAt = row.ended_at;
  return rollout;
}

/** A rollout as `startRollout` stores it: running, revision 1, based on the active version. */
export function startedRollout(
  next: NewRollout,
  base: { version: number; hash: string },
  candidateVersion: number,
): StoredRollout {
  return {
    id: next.id,
    mode: next.mode,
    percent: next.percent,
    stickyBy: next.stickyBy,
    guard: next.guard,
    state: 'running',
    startedAt: next.startedAt,
    author: next.author,
    message: next.message,
    baseVersion: base.version,
    baseHash: base.hash,
    candidateVersion,
    candidateHash: next.candidateHash,
    candidate: next.candidate,
    revision: 1,
  };
}

/** The rollouts row's values in column order (`rolloutColumns`), the guard as JSON text. */
export const rolloutColumns =
  'id, mode, percent, sticky_by, guard, state, reason, started_at, ended_at, author, message, base_version, base_hash, candidate_version, candidate_hash, revision';

export function rolloutValues(rollout: StoredRollout): unknown[] {
  return [
    rollout.id,
    rollout.mode,
    rollout.percent,
    rollout.stickyBy,
    JSON.stringify(rollout.guard),
    rollout.state,
    rollout.reason ?? null,
    rollout.startedAt,
    rollout.endedAt ?? null,
    rollout.author,
    rollout.message,
    rollout.baseVersion,
    rollout.baseHash,
    rollout.candidateVersion,
    rollout.candidateHash,
    rollout.revision,
  ];
}

export interface DifferenceRow {
  id: string;
  rollout_id: string;
  at: number;
  hook: string;
  kinds: string;
  event: string;
  active_outcome: string;
  candidate_outcome: string;
  active_trace_id: string;
  candidate_trace_id: string;
}

export const differenceColumns =
  'id, rollout_id, at, hook, kinds, event, active_outcome, candidate_outcome, active_trace_id, candidate_trace_id';

export function differenceValues(difference: StoredDifference): unknown[] {
  return [
    difference.id,
    difference.rolloutId,
    difference.at,
    difference.hook,
    JSON.stringify(difference.kinds),
    difference.event,
    difference.activeOutcome,
    difference.candidateOutcome,
    difference.activeTraceId,
    difference.candidateTraceId,
  ];
}

export function toDifference(row: DifferenceRow): StoredDifference {
  return {
    id: row.id,
    rolloutId: row.rollout_id,
    at: row.at,
    hook: row.hook as HookId,
    kinds: JSON.parse(row.kinds) as DifferenceKind[],
    event: row.event,
    activeOutcome: row.active_outcome,
    candidateOutcome: row.candidate_outcome,
    activeTraceId: row.active_trace_id,
    candidateTraceId: row.candidate_trace_id,
  };
}

export function parseCounts(text: string): RolloutCounts {
  return JSON.parse(text) as RolloutCounts;
}

/** How the promoted candidate's history entry reads when the caller gave no message. */
export function promotedReason(author: string): string {
  return `promoted by ${author}`;
}
