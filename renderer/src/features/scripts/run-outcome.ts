import type { ChannelOutput } from '@shared/contract';
import { isPlainObject } from '@shared/engine/merge';
import { compareOutcome, type Mismatch } from '@shared/engine/outcome';
import type { JsonObject, JsonValue, PipelineResult, ScriptError } from '@shared/engine/types';
import { modeOf } from '@shared/hooks/definitions';

// What the editor's Run panel says about a run against a recorded event: the labels, and the
// comparison, which is the replay's own (compareOutcome) so that the editor and a replay can never
// judge the same run differently.

export type RunResult = ChannelOutput<'scripts.run'>;
export type RecordedEvent = ChannelOutput<'events.list'>['events'][number];

/** The recorded event a run used: its outcome is shown beside the draft's decision. */
export interface RunRecorded {
  id: string;
  outcome?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `evt-1 · 2026-11-20 10:00 UTC · prod-eu`: what tells recorded events apart. */
export function recordedLabel(event: RecordedEvent): string {
  const parts = [event.id];
  if (event.at) {
    const time = new Date(event.at);
    parts.push(Number.isNaN(time.getTime()) ? event.at : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  }
  if (event.source) parts.push(event.source);
  return parts.join(' · ') + (event.pinned ? ' (pinned)' : '');
}

/** "denied — disposable email (DISPOSABLE)", from a recorded outcome (engine/outcome.ts fields). */
export function outcomeText(outcome: unknown): string {
  if (outcome === undefined) return 'no outcome was recorded';
  if (isObject(outcome)) {
    if (isObject(outcome.error) && typeof outcome.error.code === 'string') return `error ${outcome.error.code}`;
    if (typeof outcome.allow === 'boolean') {
      if (outcome.allow) return 'allowed';
      const reason = typeof outcome.reason === 'string' ? ` — ${outcome.reason}` : '';
      const code = typeof outcome.code === 'string' ? ` (${outcome.code})` : '';
      return `denied${reason}${code}`;
    }
    if ('data' in outcome) return `data ${short(outcome.data)}`;
    if ('results' in outcome) return `results ${short(outcome.results)}`;
  }
  return short(outcome);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/**
 * The draft's run as the one-layer pipeline it ran as, for the replay's own comparison
 * (compareOutcome): the decision as the pipeline took it (the trace's root span says, so a failed
 * script denies as its default onError would in a replay), the data, and the error.
 */
export function draftPipelineResult(run: RunResult): PipelineResult {
  const mode = modeOf(run.hook);
  const root = run.trace?.spans.find((span) => span.kind === 'hook')?.attributes ?? {};
  const value = (run.ok ? run.result : null) as JsonValue;
  const result: PipelineResult = {
    hook: run.hook,
    mode,
    ok: run.ok,
    results: { draft: value },
    warnings: [],
    durationMs: run.durationMs,
    traceId: run.trace?.traceId ?? '',
    scripts: [],
  };
  if (run.error) result.error = { ...(run.error as ScriptError), scriptId: 'draft' };
  if (mode === 'blocking') {
    const denied = run.trace ? root['pipeline.decision'] === 'deny' : run.decision.kind !== 'allow';
    result.allow = !denied;
    const reason = root['pipeline.reason'] ?? run.decision.reason;
    const code = root['pipeline.code'] ?? run.decision.code;
    if (denied && typeof reason === 'string') result.reason = reason;
    if (denied && typeof code === 'string') result.code = code;
  }
  if (mode === 'enrichment') result.data = isPlainObject(value) ? (value as JsonObject) : {};
  return result;
}

/**
 * The recorded outcome against the draft's run; null when nothing comparable was recorded. A lone
 * script's `results` cannot be compared with a whole pipeline's (keyed by its scripts), so an
 * async hook compares its error only.
 */
export function compareWithRecorded(run: RunResult, outcome: unknown): { mismatch: Mismatch | null } | null {
  if (!isPlainObject(outcome)) return null;
  const mode = modeOf(run.hook);
  const recorded: Record<string, unknown> = { ...outcome };
  if (mode === 'async') delete recorded.results;
  const comparable =
    'error' in recorded ||
    (mode === 'blocking' && typeof recorded.allow === 'boolean') ||
    (mode === 'enrichment' && isPlainObject(recorded.data));
  return comparable ? { mismatch: compareOutcome(draftPipelineResult(run), recorded) } : null;
}
