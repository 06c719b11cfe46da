import {
  jsonEqual,
  outcomeDifferences,
  type JsonObject,
  type PipelineResult,
  type ScriptOutcome,
} from '../../shared/engine';
import { impactChangeKinds, type ImpactChangeKind, type ImpactOutcome } from './impact-types';

// How one event's two runs differ: both runs' recorded outcomes judged by shared/engine's
// outcomeDifferences, the same function a runtime's shadow rollout judges with, so that `impact`
// and a rollout never disagree on what "changed" means (its rules are in
// shared/engine/outcome-diff.ts: error codes, not messages, decide the error kinds; a deny's
// reason or code is `reason`; enrichment data or async results are `data`). Swapping baseline and
// candidate swaps allow→deny with deny→allow and error-new with error-fixed and changes nothing else.

/** A run's result in the recorded-outcome form (docs/formats.md) the comparison reads. */
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
  const found = new Set<string>(outcomeDifferences(recordedOutcome(baseline), recordedOutcome(candidate)));
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
