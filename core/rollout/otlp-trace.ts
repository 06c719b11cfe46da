import { z } from 'zod';
import type { ChannelOutput } from '../../shared/contract';
import { hookIdSchema } from '../../shared/hooks/definitions';

// One of the runtime's traces (GET /v1/traces/{traceId}, OTLP/JSON as shared/engine/otlp.ts writes
// it) back in the trace view's form (the answer of traces.get), so that a tail row's or a rollout
// difference's trace opens in the same view as a replay's. The reverse of toOtlpJson: our span kind
// comes back from the `pipeline.span_kind` attribute, 64-bit integers from their decimal strings.
// The answer is the runtime's, so it is checked: ids in hex, times in decimal nanoseconds, and a
// root span that names a known hook; anything else is refused with what was wrong.

export type RuntimeTrace = ChannelOutput<'traces.get'>;
type Span = RuntimeTrace['spans'][number];
type Attributes = Span['attributes'];

const nanos = z.string().regex(/^\d{1,20}$/);
const anyValue = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.string().regex(/^-?\d{1,20}$/), z.number().int()]).optional(),
  doubleValue: z.number().optional(),
  boolValue: z.boolean().optional(),
});
const keyValues = z.array(z.object({ key: z.string().max(256), value: anyValue })).max(1000);
const otlpSpan = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: z.string().regex(/^[0-9a-f]{16}$/),
  parentSpanId: z
    .string()
    .regex(/^([0-9a-f]{16})?$/)
    .optional(),
  name: z.string().max(1000),
  kind: z.number().int().optional(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: keyValues.default([]),
  events: z
    .array(z.object({ timeUnixNano: nanos, name: z.string().max(1000), attributes: keyValues.default([]) }))
    .max(10_000)
    .default([]),
  status: z.object({ code: z.number().int().optional(), message: z.string().optional() }).default({}),
});
const otlpTraceData = z.object({
  resourceSpans: z
    .array(z.object({ scopeSpans: z.array(z.object({ spans: z.array(otlpSpan).max(10_000) })).default([]) }))
    .default([]),
});

const spanKinds = ['hook', 'layer', 'script', 'fetch'] as const;
const statusCodes = ['UNSET', 'OK', 'ERROR'] as const;

/** The trace `traceId` out of an OTLP/JSON document, or null when it holds no span of it. */
export function traceFromOtlp(document: unknown, traceId: string): RuntimeTrace | null {
  const parsed = otlpTraceData.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not an OTLP trace (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable'})`);
  }
  const spans = parsed.data.resourceSpans
    .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))
    .filter((span) => span.traceId === traceId)
    .map(toSpan);
  if (spans.length === 0) return null;
  const root = spans.find((span) => span.parentSpanId === undefined) ?? spans[0]!;
  const hook = hookIdSchema.safeParse(root.attributes['pipeline.hook'] ?? root.name.replace(/^hook /, ''));
  if (!hook.success) throw new Error(`the trace's root span "${root.name}" names no known hook`);
  const summary: RuntimeTrace['summary'] = {
    traceId,
    hook: hook.data,
    status: statusOf(root),
    startTimeUnixNano: root.startTimeUnixNano,
    endTimeUnixNano: root.endTimeUnixNano,
    durationMs: Number(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano)) / 1e6,
    rootName: root.name,
    spanCount: spans.length,
  };
  if (root.status.message !== undefined) summary.statusMessage = root.status.message;
  return { summary, spans: [root, ...spans.filter((span) => span !== root)] };
}

/** As the workspace's trace store judges a trace (core/store/queries/traces.ts, traceStatus). */
function statusOf(root: Span): RuntimeTrace['summary']['status'] {
  if (root.attributes['pipeline.ok'] === false || root.status.code === 'ERROR') return 'error';
  if (root.attributes['pipeline.decision'] === 'deny') return 'denied';
  return 'ok';
}

function toSpan(span: z.infer<typeof otlpSpan>): Span {
  const attributes = toAttributes(span.attributes);
  const declared = attributes['pipeline.span_kind'];
  delete attributes['pipeline.span_kind'];
  const kind = spanKinds.find((known) => known === declared) ?? kindFromName(span.name);
  const code = statusCodes[span.status.code ?? 0] ?? 'UNSET';
  const result: Span = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: span.status.message !== undefined ? { code, message: span.status.message } : { code },
    attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: event.timeUnixNano,
      attributes: toAttributes(event.attributes),
    })),
  };
  if (span.parentSpanId) result.parentSpanId = span.parentSpanId;
  return result;
}

function kindFromName(name: string): Span['kind'] {
  const first = name.split(' ', 1)[0];
  return spanKinds.find((known) => known === first) ?? 'script';
}

function toAttributes(pairs: z.infer<typeof keyValues>): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of pairs) {
    if (value.stringValue !== undefined) attributes[key] = value.stringValue;
    else if (value.boolValue !== undefined) attributes[key] = value.boolValue;
    else if (value.doubleValue !== undefined) attributes[key] = value.doubleValue;
    else if (value.intValue !== undefined) attributes[key] = Number(value.intValue);
  }
  return attributes;
}
