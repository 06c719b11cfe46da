import { modeOf, type HookId } from '../hooks/definitions';
import { formatJsonPath, isPlainObject, jsonEqual, type JsonPath } from './merge';
import type { JsonObject, JsonValue, PipelineResult, ScriptError } from './types';

// What a script's return value means for its hook, and how a replayed outcome compares with the
// one a runtime recorded (docs/formats.md, "The replay line").
//
// A recorded `outcome` uses the field names of the replay line: `allow`, `reason`, `code` for
// blocking hooks, `data` for enrichment, `results` for async, and optionally `error` (an object
// with `code`, or null). Only the fields that were recorded are compared, so a runtime that
// captures less than everything produces no false mismatches. A deny's `reason`/`code` are
// compared only when both sides denied: an allow has no reason.

export type BlockingVerdict =
  { kind: 'allow' } | { kind: 'deny'; reason?: string; code?: string } | { kind: 'invalid'; message: string };

/** nil, true and { allow = true } allow; { allow = false, reason?, code? } denies; the rest is invalid. */
export function interpretBlockingValue(value: JsonValue | undefined): BlockingVerdict {
  if (value === undefined || value === null || value === true) return { kind: 'allow' };
  if (!isPlainObject(value) || typeof value.allow !== 'boolean') {
    return {
      kind: 'invalid',
      message: `a blocking script must return nil, true or { allow = … }, not ${describeValue(value)}`,
    };
  }
  if (value.allow) return { kind: 'allow' };
  const { reason, code } = value;
  if (reason !== undefined && typeof reason !== 'string')
    return { kind: 'invalid', message: 'reason must be a string' };
  if (code !== undefined && typeof code !== 'string') return { kind: 'invalid', message: 'code must be a string' };
  const verdict: BlockingVerdict = { kind: 'deny' };
  if (reason !== undefined) verdict.reason = reason;
  if (code !== undefined) verdict.code = code;
  return verdict;
}

export type EnrichmentValue = { kind: 'merge'; value: JsonObject } | { kind: 'invalid'; message: string };

/**
 * A table merges. nil adds nothing (a script that enriches only sometimes should not fail the
 * rest of the time), and so does an empty list, because an empty Lua table cannot say whether it
 * was meant as a list or a map. Anything else is INVALID_RESULT.
 */
export function interpretEnrichmentValue(value: JsonValue | undefined): EnrichmentValue {
  if (isPlainObject(value)) return { kind: 'merge', value };
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0))
    return { kind: 'merge', value: {} };
  return {
    kind: 'invalid',
    message: `an enrichment script must return a table of fields, not ${describeValue(value)}`,
  };
}

function describeValue(value: JsonValue): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a table without a boolean `allow`';
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

// ---- Replay comparison

export type MismatchDifference =
  | { field: 'allow' | 'reason' | 'code' | 'error'; recorded: JsonValue; replayed: JsonValue }
  | { field: 'data' | 'results'; paths: string[] };

export interface Mismatch {
  /** One line for people: `allow: recorded false, replayed true`. */
  summary: string;
  differences: MismatchDifference[];
}

const maxPaths = 50;

/** null when the replayed result agrees with what was recorded, or nothing comparable was recorded. */
export function compareOutcome(result: PipelineResult, recorded: unknown): Mismatch | null {
  if (!isPlainObject(recorded)) return null;
  const differences: MismatchDifference[] = [];
  const scalar = (field: 'allow' | 'reason' | 'code' | 'error', was: JsonValue, now: JsonValue) => {
    if (!jsonEqual(was, now)) differences.push({ field, recorded: was, replayed: now });
  };

  if (result.mode === 'blocking' && typeof recorded.allow === 'boolean') {
    scalar('allow', recorded.allow, result.allow ?? true);
    if (recorded.allow === false && result.allow === false) {
      if (typeof recorded.reason === 'string') scalar('reason', recorded.reason, result.reason ?? null);
      if (typeof recorded.code === 'string') scalar('code', recorded.code, result.code ?? null);
    }
  }
  if (result.mode === 'enrichment' && isPlainObject(recorded.data)) {
    const paths = changedPaths(recorded.data, result.data ?? {});
    if (paths.length > 0) differences.push({ field: 'data', paths });
  }
  if (result.mode === 'async' && isPlainObject(recorded.results)) {
    const paths = changedPaths(recorded.results, result.results);
    if (paths.length > 0) differences.push({ field: 'results', paths });
  }
  if ('error' in recorded) {
    const was = recorded.error;
    const recordedCode =
      isPlainObject(was) && typeof was.code === 'string' ? was.code : typeof was === 'string' ? was : null;
    scalar('error', recordedCode, result.error?.code ?? null);
  }
  if (differences.length === 0) return null;
  return { summary: differences.map(describeDifference).join('; '), differences };
}

function describeDifference(difference: MismatchDifference): string {
  if ('paths' in difference) return `${difference.field} differs at ${difference.paths.join(', ')}`;
  return `${difference.field}: recorded ${JSON.stringify(difference.recorded)}, replayed ${JSON.stringify(difference.replayed)}`;
}

/** Paths added, removed or changed between two objects; lists and scalars compare whole. */
export function changedPaths(before: JsonObject, after: JsonObject): string[] {
  const paths: string[] = [];
  let more = 0;
  const walk = (a: JsonObject, b: JsonObject, path: JsonPath) => {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) {
      const x = Object.prototype.hasOwnProperty.call(a, key) ? a[key] : undefined;
      const y = Object.prototype.hasOwnProperty.call(b, key) ? b[key] : undefined;
      if (isPlainObject(x) && isPlainObject(y)) walk(x, y, [...path, key]);
      else if (!jsonEqual(x, y)) {
        if (paths.length < maxPaths) paths.push(formatJsonPath([...path, key]));
        else more += 1;
      }
    }
  };
  walk(before, after, []);
  if (more > 0) paths.push(`…and ${more} more`);
  return paths;
}

// ---- The replay line of docs/formats.md

export interface ReplayLine {
  id: string;
  hook: HookId;
  ok: boolean;
  allow?: boolean;
  reason?: string;
  /** A deny's machine-readable code, when the script gave one or a failed script's onError denied. */
  code?: string;
  data?: JsonObject;
  results?: Record<string, JsonValue>;
  error?: ScriptError & { scriptId?: string };
  durationMs: number;
  traceId: string;
  mismatch: Mismatch | null;
}

export function toReplayLine(id: string, result: PipelineResult, mismatch: Mismatch | null): ReplayLine {
  // Built in the key order of docs/formats.md: what was decided first, then timing, trace and
  // mismatch.
  const line: Omit<ReplayLine, 'durationMs' | 'traceId' | 'mismatch'> = { id, hook: result.hook, ok: result.ok };
  if (result.mode === 'blocking') {
    line.allow = result.allow ?? true;
    if (result.reason !== undefined) line.reason = result.reason;
    if (result.code !== undefined) line.code = result.code;
  }
  if (result.mode === 'enrichment') line.data = result.data ?? {};
  if (result.mode === 'async') line.results = result.results;
  if (result.error) line.error = result.error;
  // Microseconds are the clock's real resolution; more digits only make the output noisy.
  const durationMs = Math.round(result.durationMs * 1000) / 1000;
  return { ...line, durationMs, traceId: result.traceId, mismatch };
}

/**
 * Where an event counts in a run's summary. Each event counts once: a failed event is an error
 * whatever its onError decided (so a fail-closed deny is not also a deny), and enrichment and
 * async hooks, which neither allow nor deny, have buckets of their own.
 */
export type OutcomeBucket = 'allowed' | 'denied' | 'errors' | 'enriched' | 'accepted';

export function outcomeBucket(line: Pick<ReplayLine, 'hook' | 'ok' | 'allow'>): OutcomeBucket {
  if (!line.ok) return 'errors';
  const mode = modeOf(line.hook);
  if (mode === 'enrichment') return 'enriched';
  if (mode === 'async') return 'accepted';
  return line.allow === false ? 'denied' : 'allowed';
}

/** A run's counts: `events` is the sum of the five buckets; `mismatches` is counted across them. */
export interface OutcomeCounts extends Record<OutcomeBucket, number> {
  events: number;
  mismatches: number;
}

export function emptyOutcomeCounts(): OutcomeCounts {
  return { events: 0, allowed: 0, denied: 0, errors: 0, enriched: 0, accepted: 0, mismatches: 0 };
}

/** Adds `times` events of the same outcome (the store counts its results grouped that way). */
export function countOutcome(
  counts: OutcomeCounts,
  line: Pick<ReplayLine, 'hook' | 'ok' | 'allow'> & { mismatch: unknown },
  times = 1,
): void {
  counts.events += times;
  counts[outcomeBucket(line)] += times;
  if (line.mismatch) counts.mismatches += times;
}

export interface ReplaySummary extends OutcomeCounts {
  eventsPerSecond: number;
}

/** The last line of `replay --json`: `{ summary: … }`. `elapsedMs` is the wall time of the whole replay. */
export function summarizeReplay(lines: readonly ReplayLine[], elapsedMs: number): ReplaySummary {
  const rate = elapsedMs > 0 ? (lines.length * 1000) / elapsedMs : 0;
  const counts = emptyOutcomeCounts();
  for (const line of lines) countOutcome(counts, line);
  return { ...counts, eventsPerSecond: Math.round(rate * 10) / 10 };
}
