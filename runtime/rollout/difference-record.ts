import type { JsonObject } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { CapturePreparer } from '../capture/capture-prep';
import { newEventId } from '../ids';
import type { SecretMasker } from '../secrets/secret-masker';
import type { DifferenceKind, StoredDifference } from './rollout-types';

// A shadow run's difference as it is stored: the event and both outcomes go through the capture's
// own preparation (masking of secret values, then the redaction policy, on the capture thread),
// exactly as a captured event would, so a difference never keeps more of a user than capture does.

export interface DifferenceInput {
  rolloutId: string;
  hook: HookId;
  at: number;
  kinds: DifferenceKind[];
  event: JsonObject;
  active: { outcome: JsonObject; traceId: string; masker: SecretMasker };
  candidate: { outcome: JsonObject; traceId: string; masker: SecretMasker };
}

/** Undefined when the preparation failed (the difference is counted, not kept). */
export async function prepareDifference(
  preparer: CapturePreparer,
  input: DifferenceInput,
): Promise<StoredDifference | undefined> {
  const id = newEventId(input.at);
  const emptyTrace = (traceId: string) => ({ traceId, hook: input.hook, spans: [] });
  // Two items: the event with the active outcome (its masker), and the candidate's outcome with
  // the candidate's masker (each bundle declares its own secrets). Their traces are not kept.
  const prepared = await preparer.prepare([
    {
      hook: input.hook,
      trace: emptyTrace(input.active.traceId),
      event: { id, at: input.at, payload: input.event, outcome: input.active.outcome },
      masker: input.active.masker,
    },
    {
      hook: input.hook,
      trace: emptyTrace(input.candidate.traceId),
      event: { id: `${id}_c`, at: input.at, payload: {}, outcome: input.candidate.outcome },
      masker: input.candidate.masker,
    },
  ]);
  const active = prepared.events.find((row) => row.id === id);
  const candidate = prepared.events.find((row) => row.id === `${id}_c`);
  if (!active || !candidate) return undefined;
  const activeLine = JSON.parse(active.line) as { event: unknown; outcome: unknown };
  const candidateLine = JSON.parse(candidate.line) as { outcome: unknown };
  return {
    id,
    rolloutId: input.rolloutId,
    at: input.at,
    hook: input.hook,
    kinds: input.kinds,
    event: JSON.stringify(activeLine.event),
    activeOutcome: JSON.stringify(activeLine.outcome ?? null),
    candidateOutcome: JSON.stringify(candidateLine.outcome ?? null),
    activeTraceId: input.active.traceId,
    candidateTraceId: input.candidate.traceId,
  };
}
