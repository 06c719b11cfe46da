import { isHookId, type HookId } from '../hooks/definitions';
import { validateEvent } from '../hooks/validate-event';
import { isPlainObject } from './merge';
import type { JsonObject, JsonValue } from './types';
import { checkValueShape, eventBounds, type ValueShapeBounds } from './value-bounds';

/** A recorded outcome holds script results (each within the engine's bounds) under two levels of its own. */
const outcomeBounds: ValueShapeBounds = {
  maxDepth: eventBounds.maxDepth + 2,
  maxBytes: 8 * eventBounds.maxBytes,
  maxNodes: 4 * eventBounds.maxNodes,
};

// Recorded auth events (docs/formats.md): NDJSON, or a JSON array of the same objects. Import must
// not lose good events because of a bad one, so each problem is reported with its 1-based line and
// only that event is skipped. In an array, an element's line is the line where it starts, and the
// elements are cut apart before parsing so that one malformed element does not hide the others.
// Decided here: blank lines are ignored; a trailing comma in an array is tolerated (hand-edited
// files); the first event with a given id is kept and later ones are skipped and counted, as are
// ids the caller already has (the workspace library) when passed as `knownIds`.

export interface RecordedEvent {
  id: string;
  hook: HookId;
  /** The payload exactly as recorded, unknown fields included. */
  event: JsonObject;
  at?: string;
  /** What the runtime decided or returned when it captured the event (see outcome.ts). */
  outcome?: JsonValue;
  source?: string;
}

export interface RecordedEventProblem {
  /** 1-based line in the text. */
  line: number;
  message: string;
}

export interface RecordedEvents {
  events: RecordedEvent[];
  problems: RecordedEventProblem[];
  /** Events skipped because their id was seen before (in this text or in `knownIds`). */
  duplicates: number;
  duplicateLines: number[];
}

export function parseRecordedEvents(text: string, options: { knownIds?: ReadonlySet<string> } = {}): RecordedEvents {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const chunks = /^\s*\[/.test(body) ? splitJsonArray(body) : splitLines(body);
  const parsed: RecordedEvents = { events: [], problems: [...chunks.problems], duplicates: 0, duplicateLines: [] };
  const seen = new Set(options.knownIds ?? []);
  for (const chunk of chunks.items) {
    let value: unknown;
    try {
      value = JSON.parse(chunk.text);
    } catch (error) {
      parsed.problems.push({
        line: chunk.line,
        message: `bad JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    const checked = checkRecordedEvent(value);
    if (!checked.ok) {
      parsed.problems.push({ line: chunk.line, message: checked.message });
    } else if (seen.has(checked.event.id)) {
      parsed.duplicates += 1;
      parsed.duplicateLines.push(chunk.line);
    } else {
      seen.add(checked.event.id);
      parsed.events.push(checked.event);
    }
  }
  parsed.problems.sort((a, b) => a.line - b.line);
  return parsed;
}

/** One recorded-event object: the envelope's fields, then the payload against its hook's schema. */
export function checkRecordedEvent(
  value: unknown,
): { ok: true; event: RecordedEvent } | { ok: false; message: string } {
  if (!isPlainObject(value)) return { ok: false, message: 'not a JSON object' };
  const problems: string[] = [];
  const { id, hook, event, at, outcome, source } = value;
  if (id === undefined) problems.push('missing id');
  else if (typeof id !== 'string' || id.length === 0) problems.push('id must be a non-empty string');
  if (hook === undefined) problems.push('missing hook');
  else if (typeof hook !== 'string') problems.push('hook must be a string');
  else if (!isHookId(hook)) problems.push(`unknown hook "${hook}"`);
  if (event === undefined) problems.push('missing event');
  else if (!isPlainObject(event)) problems.push('event must be a JSON object');
  if (at !== undefined && typeof at !== 'string') problems.push('at must be a string');
  if (source !== undefined && typeof source !== 'string') problems.push('source must be a string');
  if (
    problems.length > 0 ||
    typeof id !== 'string' ||
    typeof hook !== 'string' ||
    !isHookId(hook) ||
    !isPlainObject(event)
  ) {
    return { ok: false, message: problems.join('; ') };
  }
  // Bounded before anything walks them (validation, the studio's views, replays, exports).
  const eventShape = checkValueShape(event, eventBounds);
  if (!eventShape.ok) return { ok: false, message: `INVALID_EVENT: the event cannot be run: ${eventShape.message}` };
  if (outcome !== undefined) {
    const outcomeShape = checkValueShape(outcome, outcomeBounds);
    if (!outcomeShape.ok) return { ok: false, message: `the outcome cannot be kept: ${outcomeShape.message}` };
  }
  const validation = validateEvent(hook, event);
  if (!validation.ok) return { ok: false, message: validation.message };
  const recorded: RecordedEvent = { id, hook, event };
  if (typeof at === 'string') recorded.at = at;
  if (outcome !== undefined) recorded.outcome = outcome;
  if (typeof source === 'string') recorded.source = source;
  return { ok: true, event: recorded };
}

export type EventInput =
  | { ok: true; event: JsonObject; recorded?: { id?: string; outcome?: JsonValue } }
  | { ok: false; error: { code: 'INVALID_EVENT'; message: string } };

/**
 * `run --event` takes a bare payload or a recorded-event envelope (docs/cli.md, `run`). Every
 * payload has `request`, no envelope does, so that tells them apart; an envelope recorded for
 * another hook is refused rather than run against the wrong schema.
 */
export function readEventInput(input: unknown, hook: HookId): EventInput {
  const fail = (message: string): EventInput => ({ ok: false, error: { code: 'INVALID_EVENT', message } });
  if (!isPlainObject(input)) return fail('INVALID_EVENT: the event must be a JSON object');
  let payload: JsonObject = input;
  let recorded: { id?: string; outcome?: JsonValue } | undefined;
  if (!('request' in input) && isPlainObject(input.event)) {
    if (typeof input.hook === 'string' && input.hook !== hook) {
      return fail(`INVALID_EVENT: the event was recorded for hook "${input.hook}", not "${hook}"`);
    }
    payload = input.event;
    recorded = {};
    if (typeof input.id === 'string') recorded.id = input.id;
    if (input.outcome !== undefined) recorded.outcome = input.outcome;
  }
  const shape = checkValueShape(payload, eventBounds);
  if (!shape.ok) return fail(`INVALID_EVENT: the event cannot be run: ${shape.message}`);
  const validation = validateEvent(hook, payload);
  if (!validation.ok) return fail(validation.message);
  return recorded ? { ok: true, event: payload, recorded } : { ok: true, event: payload };
}

interface Chunks {
  items: { line: number; text: string }[];
  problems: RecordedEventProblem[];
}

function splitLines(text: string): Chunks {
  const items = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: i + 1, text: line }))
    .filter((item) => item.text.trim() !== '');
  return { items, problems: [] };
}

/** Cuts a top-level JSON array into its elements' texts, tracking strings and nesting. */
function splitJsonArray(text: string): Chunks {
  const chunks: Chunks = { items: [], problems: [] };
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let startLine = 0;
  let closed = false;
  let i = text.indexOf('[') + 1;
  for (let l = 0; l < i; l++) if (text[l] === '\n') line++;

  const finish = (end: number, isLast: boolean) => {
    if (start < 0) {
      // Nothing before `]` is an empty array or a tolerated trailing comma; before `,` it is a hole.
      if (!isLast) chunks.problems.push({ line, message: 'empty array element' });
      return;
    }
    chunks.items.push({ line: startLine, text: text.slice(start, end) });
    start = -1;
  };

  for (; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\n') line++;
    if (closed) {
      if (!/\s/.test(char)) {
        chunks.problems.push({ line, message: 'unexpected text after the closing "]"' });
        return chunks;
      }
      continue;
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (depth === 0 && (char === ',' || char === ']')) {
      finish(i, char === ']');
      if (char === ']') closed = true;
      continue;
    }
    if (start < 0 && !/\s/.test(char)) {
      start = i;
      startLine = line;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && depth > 0) depth--;
  }
  if (!closed) {
    finish(text.length, true);
    chunks.problems.push({ line, message: 'the JSON array is not closed with "]"' });
  }
  return chunks;
}
