import {
  compareOutcome,
  jsonEqual,
  type JsonObject,
  type MismatchDifference,
  type PipelineResult,
  type ScriptOutcome,
} from '../../shared/engine';
import { impactChangeKinds, type ImpactChangeKind, type ImpactOutcome } from './impact-types';

// How one event's two runs differ, judged by the replay's own comparison (compareOutcome in
// shared/engine/outcome.ts), so that `impact` and `replay` never disagree on what "changed" means.
// Decided here:
// - compareOutcome compares a result with a recording and only the fields the recording has (a
//   deny without a reason cannot disagree on the reason); impact has no side that is "the truth",
//   so each run is compared with the other's outcome as if it were recorded, both ways, and the
//   differences of both are kept. Swapping baseline and candidate then swaps allow→deny with
//   deny→allow and error-new with error-fixed and changes nothing else;
// - error codes decide error-new / error-fixed / error-changed (a different message with the same
//   code is the same failure, as in replay's mismatch);
// - a deny's reason or code → `reason`; enrichment data or async results → `data`.

/** The fields compareOutcome reads from a recording, taken from a run's result. */
export function recordedOutcome(result: PipelineResult): JsonObject {
  const recorded: JsonObject = {};
  if (result.mode === 'blocking') {
    recorded.allow = result.allow ?? true;
    if (result.reason !== undefined) recorded.reason = result.reason;
    if (result.code !== undefined) recorded.code = result.code;
  }
  if (result.mode === 'enrichment') recorded.data = result.data ?? {};
  if (result.mode === 'async') recorded.results = result.results;
  recorded.error = result.error ? { code: result.error.code } : null;
  return recorded;
}

/** What a side decided, as printed by `impact --json` (the decision fields of a replay line). */
export function impactOutcome(result: PipelineResult): ImpactOutcome {
  const outcome: ImpactOutcome = {};
  if (result.mode === 'blocking') {
    outcome.allow = result.allow ?? true;
    if (result.reason !== undefined) outcome.reason = result.reason;
    if (result.code !== undefined) outcome.code = result.code;
  }
  if (result.mode === 'enrichment') outcome.data = result.data ?? {};
  if (result.mode === 'async') outcome.results = result.results;
  if (result.error) {
    const { code, message, scriptId } = result.error;
    outcome.error = scriptId === undefined ? { code, message } : { code, message, scriptId };
  }
  return outcome;
}

/** Every kind of change between the two runs, in the order of impactChangeKinds; [] when unchanged. */
export function classifyChange(baseline: PipelineResult, candidate: PipelineResult): ImpactChangeKind[] {
  const found = new Set<ImpactChangeKind>();
  const forward = compareOutcome(candidate, recordedOutcome(baseline));
  const backward = compareOutcome(baseline, recordedOutcome(candidate));
  for (const difference of forward?.differences ?? []) found.add(kindOf(difference, 'baseline-recorded'));
  for (const difference of backward?.differences ?? []) found.add(kindOf(difference, 'candidate-recorded'));
  return impactChangeKinds.filter((kind) => found.has(kind));
}

/** allow→deny ↔ deny→allow, error-new ↔ error-fixed: the kind seen from the other side. */
export function swappedKind(kind: ImpactChangeKind): ImpactChangeKind {
  const swaps: Partial<Record<ImpactChangeKind, ImpactChangeKind>> = {
    'allow→deny': 'deny→allow',
    'deny→allow': 'allow→deny',
    'error-new': 'error-fixed',
    'error-fixed': 'error-new',
  };
  return swaps[kind] ?? kind;
}

function kindOf(
  difference: MismatchDifference,
  recordedSide: 'baseline-recorded' | 'candidate-recorded',
): ImpactChangeKind {
  if ('paths' in difference) return 'data';
  if (difference.field === 'reason' || difference.field === 'code') return 'reason';
  const [before, after] =
    recordedSide === 'baseline-recorded'
      ? [difference.recorded, difference.replayed]
      : [difference.replayed, difference.recorded];
  if (difference.field === 'allow') return before === false ? 'deny→allow' : 'allow→deny';
  if (before === null) return 'error-new';
  if (after === null) return 'error-fixed';
  return 'error-changed';
}

/**
 * The candidate's scripts whose own result differs from the same script's in the baseline run, or
 * that ran only in the candidate, in the candidate's run order. Results are compared by success,
 * error code and returned value; logs and timings are not results.
 */
export function changedScripts(baseline: PipelineResult, candidate: PipelineResult): string[] {
  const before = new Map<string, ScriptOutcome>();
  for (const script of baseline.scripts) before.set(script.scriptId, script);
  const changed: string[] = [];
  for (const script of candidate.scripts) {
    const was = before.get(script.scriptId);
    if (!was || !sameScriptResult(was, script)) changed.push(script.scriptId);
  }
  return changed;
}

function sameScriptResult(a: ScriptOutcome, b: ScriptOutcome): boolean {
  return a.ok === b.ok && a.error?.code === b.error?.code && jsonEqual(a.value ?? null, b.value ?? null);
}
