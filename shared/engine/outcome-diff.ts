import { isPlainObject, jsonEqual } from './merge';
import type { JsonObject, JsonValue } from './types';

// How two outcomes of one event differ: the studio's impact (core/impact/impact-kinds.ts, a
// baseline and a candidate bundle) and a runtime's shadow rollout (runtime/rollout/shadow-runs.ts,
// the active and the candidate bundle) both judge with this one function, so that they always name
// the same changes. The outcomes are in the recorded form (docs/formats.md): blocking
// `{ allow, reason?, code?, error? }`, enrichment `{ data, error? }`, async `{ results, error? }`,
// where `error` is `{ code }` (or null: none). Rules:
// - allow→deny / deny→allow when the decision differs (a missing `allow` is an allow, as in the
//   answer);
// - `reason` when both deny and the reason or the code differs (an allow has no reason);
// - `data` when enrichment data or async results differ as JSON;
// - error-new / error-fixed / error-changed by error code only: the same failure with another
//   message is the same failure.
// The kinds come in the order of outcomeChangeKinds (the decision first); impact orders them its
// own way (errors first). shared/engine/outcome-diff.property.test.ts checks the rules against a
// second derivation: compareOutcome (the replay's mismatch) run both ways.

export type OutcomeChangeKind =
  'allow→deny' | 'deny→allow' | 'reason' | 'data' | 'error-new' | 'error-fixed' | 'error-changed';

/** Every OutcomeChangeKind, in the order outcomeDifferences lists them. */
export const outcomeChangeKinds: readonly OutcomeChangeKind[] = [
  'allow→deny',
  'deny→allow',
  'reason',
  'data',
  'error-new',
  'error-fixed',
  'error-changed',
];

/** The kinds of difference between the two outcomes, in the order of outcomeChangeKinds; [] when they agree. */
export function outcomeDifferences(active: JsonObject, candidate: JsonObject): OutcomeChangeKind[] {
  const kinds: OutcomeChangeKind[] = [];
  if (isBlocking(active) || isBlocking(candidate)) {
    const before = active.allow !== false;
    const after = candidate.allow !== false;
    if (before !== after) kinds.push(before ? 'allow→deny' : 'deny→allow');
    else if (!before && (!sameField(active, candidate, 'reason') || !sameField(active, candidate, 'code')))
      kinds.push('reason');
  }
  if (!sameObject(active, candidate, 'data') || !sameObject(active, candidate, 'results')) kinds.push('data');
  const was = errorCode(active.error);
  const now = errorCode(candidate.error);
  if (was === null && now !== null) kinds.push('error-new');
  else if (was !== null && now === null) kinds.push('error-fixed');
  else if (was !== now) kinds.push('error-changed');
  return kinds;
}

function isBlocking(outcome: JsonObject): boolean {
  return typeof outcome.allow === 'boolean';
}

function own(outcome: JsonObject, field: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(outcome, field) ? outcome[field] : undefined;
}

function sameField(a: JsonObject, b: JsonObject, field: string): boolean {
  return jsonEqual(own(a, field) ?? null, own(b, field) ?? null);
}

/** Data and results compare only when a side has them; a side without them counts as `{}`. */
function sameObject(a: JsonObject, b: JsonObject, field: 'data' | 'results'): boolean {
  const x = own(a, field);
  const y = own(b, field);
  if (x === undefined && y === undefined) return true;
  return jsonEqual(x ?? {}, y ?? {});
}

/** An error's code: `{ code }` as recorded, or a bare code string as older recordings have it. */
function errorCode(error: JsonValue | undefined): string | null {
  if (isPlainObject(error) && typeof error.code === 'string') return error.code;
  return typeof error === 'string' ? error : null;
}
