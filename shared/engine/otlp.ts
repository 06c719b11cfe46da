import type {
  AttributeValue,
  IdSource,
  OnError,
  ScriptOutcome,
  ScriptUnit,
  SpanEvent,
  SpanKind,
  Trace,
  TraceSpan,
} from './types';

// Trace spans as the pipeline builds them, and their OTLP/JSON form (what an OpenTelemetry
// collector or Jaeger's OTLP receiver accepts): ids as lowercase hex, times as unix-nano decimal
// strings, enums as integers, 64-bit integers as decimal strings. Our own span kinds (hook, layer,
// script, fetch) are kept as the attribute `pipeline.span_kind`, since OTLP's kinds only say who
// is calling whom.
//
// Attribute names (OTel style: a namespace, dots, snake_case):
//   root span `hook <id>`: pipeline.hook, pipeline.mode, pipeline.plan_key, pipeline.layers,
//     pipeline.layers_run, pipeline.ok, pipeline.decision (allow|deny), pipeline.reason,
//     pipeline.code, pipeline.denied_by, pipeline.warnings (count), pipeline.error.code,
//     pipeline.error.script; events `pipeline.warning` {pipeline.warning.kind (merge_conflict|
//     dropped_key), pipeline.warning.message, pipeline.layer, pipeline.merge.path,
//     pipeline.merge.winner, pipeline.merge.overridden}
//   span `layer <n>`: pipeline.layer (1-based), pipeline.layer.scripts, pipeline.layer.failed
//   span `script <id>`: script.id, script.content_hash, script.layer, script.ok,
//     script.timeout_ms, script.on_error (blocking), script.decision (blocking), script.instructions,
//     script.memory_peak_bytes, script.duration_ms, script.result (JSON, first 4 KB),
//     script.error.code, script.error.message, script.error.line,
//     script.logs_dropped.entries/.bytes; events `log` {script.log.level, script.log.message}
//   span `fetch <METHOD> <url>`: script.id, script.fetch.method, script.fetch.url (without user
//     info, query or fragment), script.fetch.status, script.fetch.duration_ms,
//     script.fetch.error.code, script.fetch.error.message

export const SPAN_KIND_INTERNAL = 1;
export const SPAN_KIND_CLIENT = 3;
export const STATUS_CODE_UNSET = 0;
export const STATUS_CODE_OK = 1;
export const STATUS_CODE_ERROR = 2;

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: OtlpSpanEvent[];
  status: { code: number; message?: string };
}
export interface OtlpTraceData {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

export interface OtlpOptions {
  serviceName?: string;
  serviceVersion?: string;
}

export const otlpScopeName = 'pipeline-studio.engine';

/** All traces in one resource and one scope: they come from one studio, one engine. */
export function toOtlpJson(traces: readonly Trace[], options: OtlpOptions = {}): OtlpTraceData {
  const resource: OtlpKeyValue[] = [
    { key: 'service.name', value: { stringValue: options.serviceName ?? 'pipeline-studio' } },
  ];
  if (options.serviceVersion) resource.push({ key: 'service.version', value: { stringValue: options.serviceVersion } });
  const spans = traces.flatMap((trace) => trace.spans.map(toOtlpSpan));
  return {
    resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: otlpScopeName }, spans }] }],
  };
}

const statusCodes = { UNSET: STATUS_CODE_UNSET, OK: STATUS_CODE_OK, ERROR: STATUS_CODE_ERROR } as const;
const kinds: Record<SpanKind, number> = {
  hook: SPAN_KIND_INTERNAL,
  layer: SPAN_KIND_INTERNAL,
  script: SPAN_KIND_INTERNAL,
  fetch: SPAN_KIND_CLIENT,
};

function toOtlpSpan(span: TraceSpan): OtlpSpan {
  const status: OtlpSpan['status'] = { code: statusCodes[span.status.code] };
  if (span.status.message !== undefined) status.message = span.status.message;
  const otlp: OtlpSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: kinds[span.kind],
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes: toKeyValues({ 'pipeline.span_kind': span.kind, ...span.attributes }),
    events: span.events.map((event) => ({
      timeUnixNano: event.timeUnixNano,
      name: event.name,
      attributes: toKeyValues(event.attributes),
    })),
    status,
  };
  if (span.parentSpanId) otlp.parentSpanId = span.parentSpanId;
  return otlp;
}

export function toKeyValues(attributes: Record<string, AttributeValue>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

function toAnyValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Number.isSafeInteger(value)) return { intValue: String(value) };
  // JSON has no NaN or Infinity; as text they stay visible instead of breaking the document.
  if (!Number.isFinite(value)) return { stringValue: String(value) };
  return { doubleValue: value };
}

/**
 * Epoch milliseconds (fractional, as performance.timeOrigin + now() gives) as unix nanoseconds in
 * decimal. Done in two parts because the nanosecond count does not fit a double exactly.
 */
export function unixNano(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs <= 0) return '0';
  let whole = Math.floor(epochMs);
  let nanos = Math.round((epochMs - whole) * 1e6);
  if (nanos >= 1e6) {
    whole += 1;
    nanos -= 1e6;
  }
  return `${whole}${String(nanos).padStart(6, '0')}`;
}

// ---- Building spans (used by pipeline.ts)

const maxResultAttributeChars = 4096;

export interface SpanInput {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** Epoch milliseconds, fractional. */
  startMs: number;
  endMs: number;
  /** Set when the span failed: its status becomes ERROR with this message. */
  error?: string | undefined;
  attributes: Record<string, AttributeValue>;
  events?: SpanEvent[];
}

export function makeSpan(input: SpanInput): TraceSpan {
  const span: TraceSpan = {
    traceId: input.traceId,
    spanId: input.spanId,
    name: input.name,
    kind: input.kind,
    startTimeUnixNano: unixNano(input.startMs),
    endTimeUnixNano: unixNano(Math.max(input.startMs, input.endMs)),
    status: input.error === undefined ? { code: 'OK' } : { code: 'ERROR', message: input.error },
    attributes: input.attributes,
    events: input.events ?? [],
  };
  if (input.parentSpanId !== undefined) span.parentSpanId = input.parentSpanId;
  return span;
}

export interface ScriptSpanInput {
  traceId: string;
  parentSpanId: string;
  ids: IdSource;
  script: ScriptUnit;
  outcome: ScriptOutcome;
  layerNumber: number;
  timeoutMs: number;
  /** Blocking hooks only. */
  onError?: OnError | undefined;
  decision?: 'allow' | 'deny' | undefined;
}

/** The span of one script run, its logs as events, and one child span per fetch. */
export function scriptSpans(input: ScriptSpanInput): TraceSpan[] {
  const { outcome, script, ids, traceId } = input;
  const spanId = ids.spanId();
  const attributes: Record<string, AttributeValue> = {
    'script.id': script.id,
    'script.content_hash': script.contentHash,
    'script.layer': input.layerNumber,
    'script.ok': outcome.ok,
    'script.timeout_ms': input.timeoutMs,
    'script.instructions': outcome.instructions,
    'script.memory_peak_bytes': outcome.memoryPeakBytes,
    'script.duration_ms': outcome.durationMs,
  };
  if (input.onError) attributes['script.on_error'] = input.onError;
  if (input.decision) attributes['script.decision'] = input.decision;
  if (outcome.value !== undefined)
    attributes['script.result'] = JSON.stringify(outcome.value).slice(0, maxResultAttributeChars);
  if (outcome.error) {
    attributes['script.error.code'] = outcome.error.code;
    attributes['script.error.message'] = outcome.error.message;
    if (outcome.error.line !== undefined) attributes['script.error.line'] = outcome.error.line;
  }
  if (outcome.logsDropped) {
    attributes['script.logs_dropped.entries'] = outcome.logsDropped.entries;
    attributes['script.logs_dropped.bytes'] = outcome.logsDropped.bytes;
  }
  const scriptSpan = makeSpan({
    traceId,
    spanId,
    parentSpanId: input.parentSpanId,
    name: `script ${script.id}`,
    kind: 'script',
    startMs: outcome.startedAt,
    endMs: outcome.startedAt + outcome.durationMs,
    error: outcome.error ? errorText(outcome.error) : undefined,
    attributes,
    events: outcome.logs.map((log) => ({
      name: 'log',
      timeUnixNano: unixNano(outcome.startedAt + log.t),
      attributes: { 'script.log.level': log.level, 'script.log.message': log.message },
    })),
  });
  const fetchSpans = outcome.fetches.map((fetch) => {
    const url = withoutCredentials(fetch.url);
    const fetchAttributes: Record<string, AttributeValue> = {
      'script.id': script.id,
      'script.fetch.method': fetch.method,
      'script.fetch.url': url,
      'script.fetch.duration_ms': fetch.durationMs,
    };
    if (fetch.status !== undefined) fetchAttributes['script.fetch.status'] = fetch.status;
    if (fetch.error) {
      fetchAttributes['script.fetch.error.code'] = fetch.error.code;
      fetchAttributes['script.fetch.error.message'] = fetch.error.message;
    }
    return makeSpan({
      traceId,
      spanId: ids.spanId(),
      parentSpanId: spanId,
      name: `fetch ${fetch.method} ${url}`,
      kind: 'fetch',
      startMs: fetch.startedAt,
      endMs: fetch.startedAt + fetch.durationMs,
      error: fetch.error ? errorText(fetch.error) : undefined,
      attributes: fetchAttributes,
    });
  });
  return [scriptSpan, ...fetchSpans];
}

/** `CODE: message`, without doubling the code of messages that already start with it (FETCH_BLOCKED: …). */
export function errorText(error: { code: string; message: string }): string {
  return error.message.startsWith(error.code) ? error.message : `${error.code}: ${error.message}`;
}

/**
 * Query strings and user info are where API keys usually travel, and traces must never hold a
 * secret's value. (A key inside the path cannot be recognised here; the runner, which knows the
 * values, is the place to redact those.)
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1').replace(/[?#][\s\S]*$/, '');
}

export function warningEvent(
  time: string,
  kind: 'merge_conflict' | 'dropped_key',
  message: string,
  layerNumber: number,
  extra: Record<string, string>,
): SpanEvent {
  return {
    name: 'pipeline.warning',
    timeUnixNano: time,
    attributes: {
      'pipeline.warning.kind': kind,
      'pipeline.warning.message': message,
      'pipeline.layer': layerNumber,
      ...extra,
    },
  };
}
