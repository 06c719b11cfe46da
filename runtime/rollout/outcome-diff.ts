import { isPlainObject, jsonEqual, type JsonObject, type JsonValue } from '../../shared/engine';
import type { DifferenceKind } from './rollout-types';

// How the active and the candidate outcome of one event differ (shadow mode, docs/runtime.md,
// "Rollouts"). The outcomes are the recorded form the runtime keeps for every invocation
// (runtime/invoke.ts): blocking `{ allow, reason?, code?, error? }`, enrichment `{ data, error? }`,
// async `{ results, error? }`, where `error` is `{ code }`.
//
// The rules are those of the studio's impact (core/impact/impact-kinds.ts), so that a shadow
// rollout and an impact run of the same two bundles name the same changes:
// - allow→deny / deny→allow when the decision differs (a missing `allow` is an allow, as in the
//   answer);
// - `reason` when both deny and the reason or the code differs (an allow has no reason);
// - `data` when enrichment data or async results differ as JSON;
// - error-new / error-fixed / error-changed by error code only: the same failure with another
//   message is the same failure.
// One difference from impact: the kinds come in the order of DifferenceKind (the decision first),
// while impact lists errors first; the set of kinds is the same
// (runtime/rollout/outcome-diff.property.test.ts checks it against the same comparison).

/** Every DifferenceKind, in the order outcomeDifferences lists them. */
export const differenceKinds: readonly DifferenceKind[] = [
  'allow→deny',
  'deny→allow',
  'reason',
  'data',
  'error-new',
  'error-fixed',
  'error-changed',
];

/** The kinds of difference between the two outcomes, in the order of differenceKinds; [] when they agree. */
export function outcomeDifferences(active: JsonObject, candidate: JsonObject): DifferenceKind[] {
  const kinds: DifferenceKind[] = [];
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
