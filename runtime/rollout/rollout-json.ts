import type { RolloutCounts, RolloutJson, StoredDifference, StoredRollout, DifferenceJson } from './rollout-types';
import { statsJson } from './rollout-counts';

// The wire form of a rollout and of its differences (GET /v1/rollouts/current and
// GET /v1/rollouts/current/differences, docs/rollouts.md): times as ISO-8601, the candidate's
// bundle left out (it is large, and GET /v1/bundle serves it once promoted).

export function rolloutJson(rollout: StoredRollout, counts: RolloutCounts): RolloutJson {
  const json: RolloutJson = {
    id: rollout.id,
    mode: rollout.mode,
    percent: rollout.percent,
    stickyBy: rollout.stickyBy,
    guard: { ...rollout.guard },
    state: rollout.state,
    startedAt: new Date(rollout.startedAt).toISOString(),
    author: rollout.author,
    message: rollout.message,
    baseVersion: rollout.baseVersion,
    baseHash: rollout.baseHash,
    candidateVersion: rollout.candidateVersion,
    candidateHash: rollout.candidateHash,
    stats: statsJson(counts),
  };
  if (rollout.reason !== undefined) json.reason = rollout.reason;
  if (rollout.endedAt !== undefined) json.endedAt = new Date(rollout.endedAt).toISOString();
  return json;
}

export function differenceJson(difference: StoredDifference, rollout: StoredRollout): DifferenceJson {
  return {
    id: difference.id,
    at: new Date(difference.at).toISOString(),
    hook: difference.hook,
    kinds: [...difference.kinds],
    event: parseStored(difference.event),
    active: {
      version: rollout.baseVersion,
      outcome: parseStored(difference.activeOutcome),
      traceId: difference.activeTraceId,
    },
    candidate: {
      version: rollout.candidateVersion,
      outcome: parseStored(difference.candidateOutcome),
      traceId: difference.candidateTraceId,
    },
  };
}

/** Stored text this runtime wrote; a damaged row is shown as null rather than failing the list. */
function parseStored(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
