import { changedPaths, isPlainObject, type JsonObject, type ReplayLine } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';

// Two runs side by side, joined by event id, in memory: a 10,000-event run is ~10,000 parsed lines
// per side and one map lookup each, a few tens of milliseconds. Decided here:
// - an event's change is the first that applies of: error (ok on one side only, or both failed
//   with different codes), decision (allow differs, or both denied with a different reason or
//   code), data (enrichment data or async results differ, by changedPaths), else same; added and
//   removed are events of only the after or only the before run;
// - rows follow the after run's order, then the removed events in the before run's order;
// - `compared` counts the events in both runs (decision + data + error + same);
// - latency is over every result of each run (failures included), nearest-rank percentiles;
// - an event id repeated within one run (not made by the studio) counts once, its first result.

export type ChangeKind = 'decision' | 'data' | 'error' | 'same' | 'added' | 'removed';

export interface ComparedRow {
  eventId: string;
  hook: HookId;
  change: ChangeKind;
  summary: string;
  before: ReplayLine | null;
  after: ReplayLine | null;
  durationDeltaMs: number | null;
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface RunComparison {
  counts: Record<ChangeKind, number> & { compared: number };
  latency: { before: Latency; after: Latency };
  rows: ComparedRow[];
}

export function compareRuns(before: readonly ReplayLine[], after: readonly ReplayLine[]): RunComparison {
  const beforeById = firstById(before);
  const afterById = firstById(after);
  const rows: ComparedRow[] = [];
  for (const line of afterById.values()) {
    const was = beforeById.get(line.id);
    rows.push(was ? compareLines(was, line) : onlyOne('added', line));
  }
  for (const line of beforeById.values()) {
    if (!afterById.has(line.id)) rows.push(onlyOne('removed', line));
  }
  const counts = { compared: 0, decision: 0, data: 0, error: 0, same: 0, added: 0, removed: 0 };
  for (const row of rows) counts[row.change] += 1;
  counts.compared = counts.decision + counts.data + counts.error + counts.same;
  return { counts, latency: { before: latencyOf(before), after: latencyOf(after) }, rows };
}

function firstById(lines: readonly ReplayLine[]): Map<string, ReplayLine> {
  const map = new Map<string, ReplayLine>();
  for (const line of lines) if (!map.has(line.id)) map.set(line.id, line);
  return map;
}

function onlyOne(change: 'added' | 'removed', line: ReplayLine): ComparedRow {
  return {
    eventId: line.id,
    hook: line.hook,
    change,
    summary: change === 'added' ? 'only in the after run' : 'only in the before run',
    before: change === 'removed' ? line : null,
    after: change === 'added' ? line : null,
    durationDeltaMs: null,
  };
}

const show = (value: unknown): string => (value === undefined ? 'none' : JSON.stringify(value));

function compareLines(before: ReplayLine, after: ReplayLine): ComparedRow {
  const row = (change: ChangeKind, summary: string): ComparedRow => ({
    eventId: after.id,
    hook: after.hook,
    change,
    summary,
    before,
    after,
    durationDeltaMs: Math.round((after.durationMs - before.durationMs) * 1000) / 1000,
  });
  const errorOf = (line: ReplayLine) => (line.ok ? 'ok' : `error ${line.error?.code ?? 'unknown'}`);
  if (before.ok !== after.ok || (!before.ok && before.error?.code !== after.error?.code)) {
    return row('error', `${errorOf(before)} → ${errorOf(after)}`);
  }
  if (before.allow !== after.allow) return row('decision', `allow: ${show(before.allow)} → ${show(after.allow)}`);
  if (before.allow === false) {
    const parts: string[] = [];
    if (before.reason !== after.reason) parts.push(`reason: ${show(before.reason)} → ${show(after.reason)}`);
    if (before.code !== after.code) parts.push(`code: ${show(before.code)} → ${show(after.code)}`);
    if (parts.length > 0) return row('decision', parts.join('; '));
  }
  const differences: string[] = [];
  const dataPaths = pathsChanged(before.data, after.data);
  if (dataPaths.length > 0) differences.push(`data differs at ${dataPaths.join(', ')}`);
  const resultPaths = pathsChanged(before.results, after.results);
  if (resultPaths.length > 0) differences.push(`results differ at ${resultPaths.join(', ')}`);
  if (differences.length > 0) return row('data', differences.join('; '));
  return row('same', 'same outcome');
}

function objectOf(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}

/** Most events did not change: equal JSON text (V8's serializer is fast) skips the walk. */
function pathsChanged(before: JsonObject | undefined, after: JsonObject | undefined): string[] {
  if (before === after || JSON.stringify(before ?? {}) === JSON.stringify(after ?? {})) return [];
  return changedPaths(objectOf(before), objectOf(after));
}

export function latencyOf(lines: readonly ReplayLine[]): Latency {
  if (lines.length === 0) return { p50: 0, p95: 0, p99: 0, mean: 0 };
  const sorted = lines.map((line) => line.durationMs).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { p50: round(rank(0.5)), p95: round(rank(0.95)), p99: round(rank(0.99)), mean: round(mean) };
}
