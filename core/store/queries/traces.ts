import type { HookId } from '../../../shared/hooks';
import type { SpanEvent, Trace, TraceSpan } from '../../../shared/engine';
import { StoreError } from '../errors';
import { parseStoredJson, writeTransaction, type QueryContext } from './context';

// Traces as OTLP has them, plus one summary row per trace for the list (see migration 007).
// Writes are batched: `writeMany` puts any number of traces in one transaction with prepared
// statements, which is what makes a replay of thousands of events cheap to record (one commit,
// one fsync). Unix-nanosecond times exceed 2^53, so they travel as BigInt to and from SQLite and
// as decimal strings in the API, as in OTLP JSON. A trace written by a replay also names the
// library event and the run (migration 009): those travel beside the Trace (LinkedTrace), which
// stays exactly what OTLP has.

export type TraceStatus = 'ok' | 'denied' | 'error';

export interface TraceSummary {
  traceId: string;
  hook: HookId;
  status: TraceStatus;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  /** The root span's name (`hook signup.before`). */
  rootName: string;
  /** The root span's error message, when the pipeline failed. */
  statusMessage?: string;
  spanCount: number;
  /** The library event a replay replayed. */
  eventId?: string;
  /** The replay run that wrote it. */
  runId?: number;
}

/** What a replay knows about a trace beside its spans. */
export interface TraceLinks {
  eventId?: string;
  runId?: number;
}

/** A trace as written: the OTLP-shaped trace, with the replay's links when it has them. */
export type LinkedTrace = Trace & TraceLinks;

export interface TraceFilter {
  hook?: HookId;
  status?: TraceStatus;
  /** Traces that started at or after this time (epoch ms). */
  fromMs?: number;
  /** Traces that started before this time (epoch ms). */
  toMs?: number;
  /** Text in the scripts' logs, error messages or deny reasons (case-insensitive substring). */
  text?: string;
  eventId?: string;
  runId?: number;
  /** Only traces that started strictly before this one (paging): a startTimeUnixNano. */
  before?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  /** Skips this many matches (the virtualized list asks for pages at any offset). */
  offset?: number;
}

interface SummaryRow {
  trace_id: string;
  hook: HookId;
  status: TraceStatus;
  start_unix_nano: bigint;
  end_unix_nano: bigint;
  root_name: string;
  status_message: string | null;
  span_count: bigint;
  event_id: string | null;
  run_id: bigint | null;
}
interface SpanRow {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: TraceSpan['kind'];
  start_unix_nano: bigint;
  end_unix_nano: bigint;
  status: TraceSpan['status']['code'];
  status_message: string | null;
  attributes: string;
  events: string;
}

/** ok, denied (a blocking hook said no) or error (a script failed), from the root span. */
export function traceStatus(root: TraceSpan): TraceStatus {
  if (root.attributes['pipeline.ok'] === false || root.status.code === 'ERROR') return 'error';
  if (root.attributes['pipeline.decision'] === 'deny') return 'denied';
  return 'ok';
}

/** What the text filter searches: log lines, error messages and deny reasons. */
export function searchableText(trace: Trace): string {
  const parts: string[] = [];
  for (const span of trace.spans) {
    if (span.status.message) parts.push(span.status.message);
    const reason = span.attributes['pipeline.reason'];
    if (typeof reason === 'string') parts.push(reason);
    for (const event of span.events) {
      const message = event.attributes['script.log.message'];
      if (typeof message === 'string') parts.push(message);
    }
  }
  return parts.join('\n');
}

const columns =
  'trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, status_message, span_count, event_id, run_id';

type Param = string | bigint | number;

function whereOf(filter: Omit<TraceFilter, 'limit' | 'offset'>): { sql: string; params: Param[] } {
  const clauses: string[] = [];
  const params: Param[] = [];
  if (filter.hook !== undefined) {
    clauses.push('hook = ?');
    params.push(filter.hook);
  }
  if (filter.status !== undefined) {
    clauses.push('status = ?');
    params.push(filter.status);
  }
  if (filter.eventId !== undefined) {
    clauses.push('event_id = ?');
    params.push(filter.eventId);
  }
  if (filter.runId !== undefined) {
    clauses.push('run_id = ?');
    params.push(filter.runId);
  }
  if (filter.fromMs !== undefined) {
    clauses.push('start_unix_nano >= ?');
    params.push(msToNanos(filter.fromMs));
  }
  if (filter.toMs !== undefined) {
    clauses.push('start_unix_nano < ?');
    params.push(msToNanos(filter.toMs));
  }
  if (filter.before !== undefined) {
    clauses.push('start_unix_nano < ?');
    params.push(nanos(filter.before, 'the paging cursor'));
  }
  const text = filter.text?.trim();
  if (text) {
    // Trigram MATCH needs at least 3 characters; shorter searches scan the indexed text.
    if ([...text].length >= 3) {
      clauses.push('id IN (SELECT rowid FROM trace_search WHERE trace_search MATCH ?)');
      params.push(`"${text.replace(/"/g, '""')}"`);
    } else {
      clauses.push('id IN (SELECT rowid FROM trace_search WHERE instr(lower(text), lower(?)) > 0)');
      params.push(text);
    }
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function createTraceQueries({ db }: QueryContext) {
  const insertTrace = db.prepare(
    `INSERT INTO traces (trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, status_message, span_count,
                         size_bytes, event_id, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trace_id) DO NOTHING`,
  );
  const insertSpan = db.prepare(
    `INSERT INTO spans (trace_id, position, span_id, parent_span_id, name, kind, start_unix_nano, end_unix_nano,
                        status, status_message, attributes, events)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSearch = db.prepare('INSERT INTO trace_search (rowid, text) VALUES (?, ?)');
  const selectSummary = db
    .prepare<[string], SummaryRow>(`SELECT ${columns} FROM traces WHERE trace_id = ?`)
    .safeIntegers(true);
  const selectSpans = db
    .prepare<[string], SpanRow>('SELECT * FROM spans WHERE trace_id = ? ORDER BY position')
    .safeIntegers(true);

  /** Returns the number of spans written (0 for a trace already stored). */
  const writeOne = (trace: LinkedTrace): number => {
    const root = trace.spans.find((span) => span.parentSpanId === undefined) ?? trace.spans[0];
    if (!root) throw new StoreError('INVALID', `Trace ${trace.traceId} has no spans.`);
    const rows = trace.spans.map((span) => ({
      span,
      start: nanos(span.startTimeUnixNano, trace.traceId),
      end: nanos(span.endTimeUnixNano, trace.traceId),
      attributes: JSON.stringify(span.attributes),
      events: JSON.stringify(span.events),
    }));
    const size = rows.reduce(
      (sum, row) => sum + row.attributes.length + row.events.length + row.span.name.length + 64,
      0,
    );
    const rootRow = rows[trace.spans.indexOf(root)] ?? rows[0]!;
    const { changes, lastInsertRowid } = insertTrace.run(
      trace.traceId,
      trace.hook,
      traceStatus(root),
      rootRow.start,
      rootRow.end,
      root.name,
      root.status.message ?? null,
      rows.length,
      size,
      trace.eventId ?? null,
      trace.runId ?? null,
    );
    if (changes === 0) return 0;
    rows.forEach((row, position) => {
      const { span } = row;
      insertSpan.run(
        trace.traceId,
        position,
        span.spanId,
        span.parentSpanId ?? null,
        span.name,
        span.kind,
        row.start,
        row.end,
        span.status.code,
        span.status.message ?? null,
        row.attributes,
        row.events,
      );
    });
    const text = searchableText(trace);
    if (text !== '') insertSearch.run(lastInsertRowid, text);
    return rows.length;
  };

  return {
    write(trace: LinkedTrace): number {
      return writeTransaction(db, () => writeOne(trace));
    },

    /** All in one transaction; returns the number of spans written. */
    writeMany(traces: readonly LinkedTrace[]): number {
      if (traces.length === 0) return 0;
      return writeTransaction(db, () => traces.reduce((sum, trace) => sum + writeOne(trace), 0));
    },

    get(traceId: string): Trace | undefined {
      const summary = selectSummary.get(traceId);
      if (!summary) return undefined;
      const spans = selectSpans.all(traceId).map((row) => toSpan(traceId, row));
      return { traceId, hook: summary.hook, spans };
    },

    summary(traceId: string): TraceSummary | undefined {
      const row = selectSummary.get(traceId);
      return row ? toSummary(row) : undefined;
    },

    /** The latest traces first, filtered; `offset` skips matches through the index, without reading them. */
    list(filter: TraceFilter = {}): TraceSummary[] {
      const { sql, params } = whereOf(filter);
      const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
      const offset = Math.max(0, Math.floor(filter.offset ?? 0));
      return db
        .prepare<Param[], SummaryRow>(
          `SELECT ${columns} FROM traces ${sql} ORDER BY start_unix_nano DESC, id DESC LIMIT ? OFFSET ?`,
        )
        .safeIntegers(true)
        .all(...params, limit, offset)
        .map(toSummary);
    },

    /** How many traces match (all of them without a filter). */
    count(filter: Omit<TraceFilter, 'limit' | 'offset'> = {}): number {
      const { sql, params } = whereOf(filter);
      return db.prepare<Param[], { n: number }>(`SELECT count(*) AS n FROM traces ${sql}`).get(...params)?.n ?? 0;
    },

    /** The stored size of all traces as retention counts it (JSON text of spans), in bytes. */
    totalBytes(): number {
      return db.prepare<[], { n: number }>('SELECT coalesce(sum(size_bytes), 0) AS n FROM traces').get()?.n ?? 0;
    },

    delete(traceIds: readonly string[]): number {
      const remove = db.prepare('DELETE FROM traces WHERE trace_id = ?');
      return writeTransaction(db, () => traceIds.reduce((n, id) => n + remove.run(id).changes, 0));
    },
  };
}

export type TraceQueries = ReturnType<typeof createTraceQueries>;

const maxInt64 = 2n ** 63n - 1n;

function nanos(text: string, where: string): bigint {
  const value = /^\d{1,19}$/.test(text) ? BigInt(text) : -1n;
  if (value < 0n || value > maxInt64) {
    throw new StoreError('INVALID', `${where}: "${text}" is not a time in unix nanoseconds.`);
  }
  return value;
}

export function msToNanos(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}

function toSummary(row: SummaryRow): TraceSummary {
  const summary: TraceSummary = {
    traceId: row.trace_id,
    hook: row.hook,
    status: row.status,
    startTimeUnixNano: row.start_unix_nano.toString(),
    endTimeUnixNano: row.end_unix_nano.toString(),
    durationMs: Number(row.end_unix_nano - row.start_unix_nano) / 1e6,
    rootName: row.root_name,
    spanCount: Number(row.span_count),
  };
  if (row.status_message !== null) summary.statusMessage = row.status_message;
  if (row.event_id !== null) summary.eventId = row.event_id;
  if (row.run_id !== null) summary.runId = Number(row.run_id);
  return summary;
}

function toSpan(traceId: string, row: SpanRow): TraceSpan {
  const where = `trace ${traceId}`;
  const span: TraceSpan = {
    traceId,
    spanId: row.span_id,
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: row.start_unix_nano.toString(),
    endTimeUnixNano: row.end_unix_nano.toString(),
    status: row.status_message === null ? { code: row.status } : { code: row.status, message: row.status_message },
    attributes: parseStoredJson<TraceSpan['attributes']>(row.attributes, where),
    events: parseStoredJson<SpanEvent[]>(row.events, where),
  };
  if (row.parent_span_id !== null) span.parentSpanId = row.parent_span_id;
  return span;
}
