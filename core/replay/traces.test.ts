import { describe, expect, it } from 'vitest';
import type { OtlpTraceData } from '../../shared/engine';
import { useAuthoringHarness } from '../authoring/testing/authoring-harness';
import { Workspace, type LinkedTrace } from '../store';
import { makeTrace } from '../store/testing/trace-fixtures';

const harness = useAuthoringHarness();
const base = Date.parse('2026-11-20T10:00:00.000Z');

/** 25 traces of run 1 (five per event), 5 of run 2, and 2 from outside any replay, a second apart. */
function storeTraces(dir: string): LinkedTrace[] {
  const traces: LinkedTrace[] = [
    ...Array.from({ length: 30 }, (_, i) => ({
      ...makeTrace({ startMs: base + i * 1000, status: i % 10 === 0 ? 'error' : 'ok', logs: [`log of ${i}`] }),
      eventId: `evt-${i % 5}`,
      runId: i < 25 ? 1 : 2,
    })),
    makeTrace({ startMs: base + 40_000, hook: 'token.enrich' }),
    makeTrace({ startMs: base + 41_000, hook: 'token.enrich', status: 'denied' }),
  ];
  const workspace = Workspace.open({ dir });
  try {
    workspace.traces.writeMany(traces);
  } finally {
    workspace.close();
  }
  return traces;
}

describe('traces.list', () => {
  it('pages the latest first at any offset, with the number of matches, filtered by event and run', async () => {
    const h = harness();
    expect(await h.call('traces.list', {})).toEqual({ traces: [], total: 0 });
    const traces = storeTraces(h.dir);
    const index = (page: { traces: { traceId: string }[] }) =>
      page.traces.map((summary) => traces.findIndex((t) => t.traceId === summary.traceId));

    const first = await h.call('traces.list', { limit: 3 });
    expect(first.total).toBe(32);
    expect(index(first)).toEqual([31, 30, 29]);
    expect(first.traces[2]).toMatchObject({ eventId: 'evt-4', runId: 2, hook: 'signup.before', spanCount: 4 });
    expect(first.traces[0]).not.toHaveProperty('eventId');
    expect(index(await h.call('traces.list', { offset: 30, limit: 5 }))).toEqual([1, 0]);

    const run1 = await h.call('traces.list', { runId: 1, offset: 20, limit: 10 });
    expect(run1.total).toBe(25);
    expect(index(run1)).toEqual([4, 3, 2, 1, 0]);
    const event2 = await h.call('traces.list', { eventId: 'evt-2' });
    expect(event2.total).toBe(6);
    expect(event2.traces.every((t) => t.eventId === 'evt-2')).toBe(true);
    expect((await h.call('traces.list', { eventId: 'evt-0', status: 'error' })).total).toBe(3);
    expect((await h.call('traces.list', { hook: 'token.enrich' })).total).toBe(2);
    expect((await h.call('traces.list', { text: 'log of 17' })).traces.map((t) => t.traceId)).toEqual([
      traces[17]!.traceId,
    ]);
    expect((await h.call('traces.list', { fromMs: base + 28_000, toMs: base + 40_000 })).total).toBe(2);
    expect((await h.fail('traces.list', { limit: 1001 })).code).toBe('INVALID_INPUT');
    expect(h.internalErrors).toEqual([]);
  });
});

describe('traces.get and traces.export', () => {
  it('gives one trace with its summary and spans, and NOT_FOUND for an unknown id', async () => {
    const h = harness();
    const traces = storeTraces(h.dir);
    const trace = traces[10]!;
    const got = await h.call('traces.get', { traceId: trace.traceId });
    expect(got.summary).toMatchObject({ traceId: trace.traceId, status: 'error', eventId: 'evt-0', runId: 1 });
    expect(got.spans).toEqual(trace.spans);
    expect(await h.fail('traces.get', { traceId: 'f'.repeat(32) })).toEqual({
      code: 'NOT_FOUND',
      message: `There is no trace ${'f'.repeat(32)}.`,
    });
    expect((await h.fail('traces.get', { traceId: 'nope' })).code).toBe('INVALID_INPUT');
  });

  it('exports the chosen traces as OTLP JSON with every span, naming the ids it does not have', async () => {
    const h = harness();
    const traces = storeTraces(h.dir);
    const chosen = [traces[0]!, traces[31]!];
    const file = await h.call('traces.export', { traceIds: chosen.map((t) => t.traceId) });
    expect(file.fileName).toMatch(/^traces-\d{4}-\d\d-\d\d\.otlp\.json$/);
    expect(file.mimeType).toBe('application/json');
    const otlp = JSON.parse(file.content) as OtlpTraceData;
    const spans = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans.map((span) => span.spanId)).toEqual(chosen.flatMap((t) => t.spans.map((span) => span.spanId)));
    expect(spans[0]).toMatchObject({ traceId: chosen[0]!.traceId, name: 'hook signup.before', kind: 1 });
    expect(otlp.resourceSpans[0]!.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'pipeline-studio' },
    });

    const missing = ['a'.repeat(32), 'b'.repeat(32)];
    const error = await h.fail('traces.export', { traceIds: [chosen[0]!.traceId, ...missing] });
    expect(error).toEqual({ code: 'NOT_FOUND', message: `There is no trace ${missing.join(', ')}.` });
  });
});
