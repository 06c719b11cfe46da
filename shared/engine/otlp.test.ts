import { describe, expect, it } from 'vitest';
import { errorText, toOtlpJson, unixNano, withoutCredentials } from './otlp';
import type { Trace, TraceSpan } from './types';

const traceId = '0af7651916cd43dd8448eb211c80319c';

function span(fields: Partial<TraceSpan> & Pick<TraceSpan, 'spanId' | 'kind' | 'name'>): TraceSpan {
  return {
    traceId,
    startTimeUnixNano: '1764000000000000000',
    endTimeUnixNano: '1764000000002500000',
    status: { code: 'OK' },
    attributes: {},
    events: [],
    ...fields,
  };
}

const trace: Trace = {
  traceId,
  hook: 'signup.before',
  spans: [
    span({
      spanId: 'b7ad6b7169203331',
      kind: 'hook',
      name: 'hook signup.before',
      attributes: { 'pipeline.hook': 'signup.before', 'pipeline.ok': false },
    }),
    span({
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'b7ad6b7169203331',
      kind: 'layer',
      name: 'layer 1',
      attributes: { 'pipeline.layer': 1 },
    }),
    span({
      spanId: '53995c3f42cd8ad8',
      parentSpanId: '00f067aa0ba902b7',
      kind: 'script',
      name: 'script a',
      status: { code: 'ERROR', message: 'TIMEOUT: slow' },
      attributes: { 'script.duration_ms': 2.5, 'script.instructions': 1234 },
      events: [{ name: 'log', timeUnixNano: '1764000000000500000', attributes: { 'script.log.message': 'hi' } }],
    }),
    span({
      spanId: '1a2b3c4d5e6f7081',
      parentSpanId: '53995c3f42cd8ad8',
      kind: 'fetch',
      name: 'fetch GET https://x.test/',
      status: { code: 'UNSET' },
    }),
  ],
};

describe('toOtlpJson', () => {
  it('produces one resource with service.name and one scope holding every span', () => {
    const otlp = toOtlpJson([trace, { ...trace, spans: trace.spans.slice(0, 1) }]);
    expect(otlp.resourceSpans).toHaveLength(1);
    const [resource] = otlp.resourceSpans;
    expect(resource?.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'pipeline-studio' } }]);
    expect(resource?.scopeSpans).toHaveLength(1);
    expect(resource?.scopeSpans[0]?.scope.name).toBe('pipeline-studio.engine');
    expect(resource?.scopeSpans[0]?.spans).toHaveLength(5);
  });

  it('encodes kinds and status codes as OTLP numbers and attributes as typed KeyValues', () => {
    const spans = toOtlpJson([trace]).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spans.map((s) => s.kind)).toEqual([1, 1, 1, 3]);
    expect(spans.map((s) => s.status.code)).toEqual([1, 1, 2, 0]);
    expect(spans[2]?.status.message).toBe('TIMEOUT: slow');
    expect(spans[0]?.parentSpanId).toBeUndefined();
    expect(spans[1]?.parentSpanId).toBe('b7ad6b7169203331');
    expect(spans[0]?.attributes).toEqual([
      { key: 'pipeline.span_kind', value: { stringValue: 'hook' } },
      { key: 'pipeline.hook', value: { stringValue: 'signup.before' } },
      { key: 'pipeline.ok', value: { boolValue: false } },
    ]);
    expect(spans[2]?.attributes).toContainEqual({ key: 'script.duration_ms', value: { doubleValue: 2.5 } });
    expect(spans[2]?.attributes).toContainEqual({ key: 'script.instructions', value: { intValue: '1234' } });
    expect(spans[2]?.events).toEqual([
      {
        timeUnixNano: '1764000000000500000',
        name: 'log',
        attributes: [{ key: 'script.log.message', value: { stringValue: 'hi' } }],
      },
    ]);
    expect(spans[0]).toMatchObject({
      traceId,
      spanId: 'b7ad6b7169203331',
      startTimeUnixNano: '1764000000000000000',
      name: 'hook signup.before',
    });
  });

  it('adds a service version when given', () => {
    const otlp = toOtlpJson([], { serviceVersion: '0.1.0' });
    expect(otlp.resourceSpans[0]?.resource.attributes).toContainEqual({
      key: 'service.version',
      value: { stringValue: '0.1.0' },
    });
    expect(otlp.resourceSpans[0]?.scopeSpans[0]?.spans).toEqual([]);
  });
});

describe('trace helpers', () => {
  it('converts fractional epoch milliseconds to unix nanoseconds exactly', () => {
    expect(unixNano(1_764_000_000_000)).toBe('1764000000000000000');
    expect(unixNano(1_764_000_000_123.5)).toBe('1764000000123500000');
    // The sub-nanosecond rest rounds up into the next millisecond.
    expect(unixNano(1_764_000_000_000 + 0.9999997)).toBe('1764000000001000000');
    expect(unixNano(Number.NaN)).toBe('0');
  });

  it('strips credentials, query and fragment from fetch URLs', () => {
    expect(withoutCredentials('https://u:p@api.test:8443/v1/x?key=s3cret#f')).toBe('https://api.test:8443/v1/x');
    expect(withoutCredentials('https://api.test/path')).toBe('https://api.test/path');
  });

  it('does not double an error code already at the start of the message', () => {
    expect(errorText({ code: 'FETCH_BLOCKED', message: 'FETCH_BLOCKED: 10.0.0.1' })).toBe('FETCH_BLOCKED: 10.0.0.1');
    expect(errorText({ code: 'TIMEOUT', message: 'slow' })).toBe('TIMEOUT: slow');
  });
});
