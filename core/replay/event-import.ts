import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parseRecordedEvents, type RecordedEvent, type RecordedEventProblem } from '../../shared/engine';
import type { CoreEvents } from '../events/event-bus';
import type { Workspace } from '../store';

// The one import path of recorded events into the library: events.import (a file's text) and
// events.pull (what a runtime captured) both come through here. Decided here:
// - NDJSON is read and stored in chunks of 2,000 lines, a JSON array is cut apart and parsed at
//   once (its elements may span any number of lines) and stored in chunks of 2,000 events; the
//   event loop gets a turn between chunks, so a 30 MB import never holds the core for seconds;
// - with an `importId`, `import.progress` (shared/contract/events.ts) is pushed after each chunk
//   and once at the end (`done`, or `failed` before the error is answered);
// - duplicates are ids the library already had, later repeats within the text, and ids another
//   process imported meanwhile; the first 1000 bad lines are listed, problemCount counts them all.

export const importChunkLines = 2000;
const maxListedProblems = 1000;

export interface EventImportDeps {
  workspace(): Workspace;
  events: CoreEvents;
}

export interface EventImportOptions {
  /** Names the pushed `import.progress` events; none are pushed without it. */
  importId?: string | undefined;
  fileName?: string | undefined;
  tags?: string[] | undefined;
  pinned?: boolean | undefined;
  /** Overrides each event's source (a pull: the environment the events came from). */
  source?: string | undefined;
}

export interface EventImportReport {
  imported: number;
  duplicates: number;
  problems: RecordedEventProblem[];
  problemCount: number;
}

/** One piece of the text, parsed: its problems' lines are the text's, not the chunk's. */
interface ParsedChunk {
  events: RecordedEvent[];
  problems: RecordedEventProblem[];
  duplicates: number;
  /** Lines (or array items) read once this chunk is stored. */
  read: number;
}

export async function importRecordedEvents(
  deps: EventImportDeps,
  text: string,
  options: EventImportOptions = {},
): Promise<EventImportReport> {
  const known = deps.workspace().events.ids();
  const { chunks, total } = chunksOf(text, known);
  const report: EventImportReport = { imported: 0, duplicates: 0, problems: [], problemCount: 0 };
  const store: { tags?: string[]; pinned?: boolean } = {};
  if (options.tags !== undefined) store.tags = options.tags;
  if (options.pinned !== undefined) store.pinned = options.pinned;
  let read = 0;
  const push = (status: 'running' | 'done' | 'failed') => {
    if (options.importId === undefined) return;
    deps.events.emit('import.progress', {
      importId: options.importId,
      ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
      status,
      read,
      total,
      imported: report.imported,
      duplicates: report.duplicates,
      problems: report.problemCount,
    });
  };
  try {
    for (const chunk of chunks) {
      if (options.source !== undefined) for (const event of chunk.events) event.source = options.source;
      // Asked again for each chunk: a core that closed meanwhile answers UNAVAILABLE. Another
      // process (the CLI) may have imported some of them since ids() was read.
      const stored = deps.workspace().events.import(chunk.events, store);
      report.imported += stored.imported;
      report.duplicates += chunk.duplicates + stored.duplicates;
      report.problemCount += chunk.problems.length;
      const room = maxListedProblems - report.problems.length;
      if (room > 0) report.problems.push(...chunk.problems.slice(0, room));
      read = chunk.read;
      push('running');
      await yieldToEventLoop();
    }
  } catch (error) {
    push('failed');
    throw error;
  }
  read = total;
  push('done');
  return report;
}

/**
 * The text's chunks, parsed one at a time as they are asked for. `known` grows with each chunk's
 * events, so a repeat in a later chunk is a duplicate as it is within one.
 */
function chunksOf(text: string, known: Set<string>): { chunks: Iterable<ParsedChunk>; total: number } {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (/^\s*\[/.test(body)) {
    const parsed = parseRecordedEvents(body, { knownIds: known });
    const total = parsed.events.length + parsed.duplicates + parsed.problems.length;
    return { chunks: arrayChunks(parsed, total), total };
  }
  const lines = body.split(/\r?\n/);
  return { chunks: lineChunks(lines, known), total: lines.length };
}

function* arrayChunks(
  parsed: { events: RecordedEvent[]; problems: RecordedEventProblem[]; duplicates: number },
  total: number,
): Iterable<ParsedChunk> {
  const skipped = parsed.duplicates + parsed.problems.length;
  for (let start = 0; start === 0 || start < parsed.events.length; start += importChunkLines) {
    const events = parsed.events.slice(start, start + importChunkLines);
    const first = start === 0;
    yield {
      events,
      problems: first ? parsed.problems : [],
      duplicates: first ? parsed.duplicates : 0,
      read: Math.min(total, skipped + start + events.length),
    };
  }
}

function* lineChunks(lines: string[], known: Set<string>): Iterable<ParsedChunk> {
  let start = 0;
  while (start < lines.length) {
    let end = Math.min(lines.length, start + importChunkLines);
    // A chunk that began with `[` would be read as a JSON array: keep such a line (and the blank
    // lines before it) in the chunk before, where it is the bad line it is in NDJSON.
    while (end < lines.length && /^\s*(\[|$)/.test(lines[end] ?? '')) end += 1;
    const parsed = parseRecordedEvents(lines.slice(start, end).join('\n'), { knownIds: known });
    for (const event of parsed.events) known.add(event.id);
    yield {
      events: parsed.events,
      problems: parsed.problems.map((problem) => ({ ...problem, line: problem.line + start })),
      duplicates: parsed.duplicates,
      read: end,
    };
    start = end;
  }
}
