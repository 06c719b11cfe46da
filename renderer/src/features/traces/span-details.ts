import { nanosBetween } from './time';
import type { TraceSpan } from './types';

// What the details panel shows of a span, derived without React: attributes in a stable order
// (JSON values pretty-printed), the scripts' log lines, the span's output and its error.

export interface AttributeRow {
  key: string;
  /** As stored (a string, number or boolean), as text. */
  value: string;
  /** Pretty-printed JSON when the value is a JSON object or array. */
  json?: string;
}

export interface LogLine {
  level: string;
  message: string;
  /** Milliseconds from the span's start. */
  offsetMs: number;
}

export interface SpanEventRow {
  name: string;
  offsetMs: number;
  attributes: AttributeRow[];
}

export interface SpanError {
  code: string;
  message: string;
  line?: number;
  scriptId?: string;
}

export interface SpanOutput {
  label: string;
  /** JSON text (pretty) or plain text. */
  text: string;
}

export interface SpanDetails {
  name: string;
  kind: TraceSpan['kind'];
  durationMs: number;
  /** From the trace's start. */
  startOffsetMs: number;
  status: TraceSpan['status'];
  scriptId?: string;
  attributes: AttributeRow[];
  logs: LogLine[];
  /** Span events other than log lines (merge warnings). */
  events: SpanEventRow[];
  output?: SpanOutput;
  error?: SpanError;
}

/** The text pretty-printed when it is a JSON object or array; undefined otherwise. */
export function prettyJson(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return undefined;
  }
}

function attributeRows(attributes: TraceSpan['attributes']): AttributeRow[] {
  return Object.keys(attributes)
    .sort()
    .map((key) => {
      const value = String(attributes[key]);
      const json = typeof attributes[key] === 'string' ? prettyJson(value) : undefined;
      return json === undefined ? { key, value } : { key, value, json };
    });
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function spanDetails(span: TraceSpan, traceStart: bigint): SpanDetails {
  const spanStart = BigInt(/^\d+$/.test(span.startTimeUnixNano) ? span.startTimeUnixNano : '0');
  const a = span.attributes;
  const details: SpanDetails = {
    name: span.name,
    kind: span.kind,
    durationMs: Math.max(0, nanosBetween(spanStart, span.endTimeUnixNano)),
    startOffsetMs: nanosBetween(traceStart, span.startTimeUnixNano),
    status: span.status,
    attributes: attributeRows(a),
    logs: [],
    events: [],
  };
  const scriptId = str(a['script.id']);
  if (scriptId !== undefined) details.scriptId = scriptId;

  for (const event of span.events) {
    const offsetMs = nanosBetween(spanStart, event.timeUnixNano);
    const message = event.attributes['script.log.message'];
    if (event.name === 'log' && message !== undefined) {
      details.logs.push({
        level: String(event.attributes['script.log.level'] ?? 'info'),
        message: String(message),
        offsetMs,
      });
    } else {
      details.events.push({ name: event.name, offsetMs, attributes: attributeRows(event.attributes) });
    }
  }

  const result = str(a['script.result']);
  if (result !== undefined) details.output = { label: 'Result', text: prettyJson(result) ?? result };
  else if (span.kind === 'hook') {
    const decision = str(a['pipeline.decision']);
    if (decision !== undefined) {
      const reason = str(a['pipeline.reason']);
      const code = str(a['pipeline.code']);
      const by = str(a['pipeline.denied_by']);
      const text = [
        decision === 'deny' ? 'Denied' : 'Allowed',
        reason ? `: ${reason}` : '',
        // A failure's reason already names the code and the script (`script "x" failed (CODE)`).
        code && !reason?.includes(`(${code})`) ? ` (${code})` : '',
        by && !reason?.includes(`"${by}"`) ? ` by ${by}` : '',
      ].join('');
      details.output = { label: 'Decision', text };
    } else if (a['pipeline.ok'] !== undefined) {
      details.output = { label: 'Outcome', text: a['pipeline.ok'] === false ? 'Failed' : 'Completed' };
    }
  }

  const errorCode = str(a['script.error.code']) ?? str(a['script.fetch.error.code']) ?? str(a['pipeline.error.code']);
  if (errorCode !== undefined || span.status.code === 'ERROR') {
    const error: SpanError = {
      code: errorCode ?? 'ERROR',
      message:
        str(a['script.error.message']) ??
        str(a['script.fetch.error.message']) ??
        span.status.message ??
        'The span failed.',
    };
    const line = a['script.error.line'];
    if (typeof line === 'number' && Number.isInteger(line) && line > 0) error.line = line;
    const failedScript = scriptId ?? str(a['pipeline.error.script']);
    if (failedScript !== undefined) error.scriptId = failedScript;
    details.error = error;
  }
  return details;
}
