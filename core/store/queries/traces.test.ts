import { afterEach, describe, expect, it } from 'vitest';
import { makeTrace } from '../testing/trace-fixtures';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';
import { searchableText, traceStatus } from './traces';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

const base = Date.parse('2026-11-20T10:00:00.000Z');

describe('traces', () => {
  it('round-trip exactly, spans in their order, nanosecond times as decimal strings', () => {
    workspace = openTestWorkspace(tempDir());
    const trace = makeTrace({ status: 'error', logs: ['checking mailinator.com'], startMs: base + 0.123456 });
    expect(workspace.traces.write(trace)).toBe(4);
    expect(workspace.traces.get(trace.traceId)).toEqual(trace);
    expect(workspace.traces.summary(trace.traceId)).toMatchObject({
      hook: 'signup.before',
      status: 'error',
      rootName: 'hook signup.before',
      statusMessage: expect.stringContaining('RUNTIME_ERROR'),
      spanCount: 4,
      startTimeUnixNano: trace.spans[0]!.startTimeUnixNano,
      durationMs: 4.25,
    });
    expect(workspace.traces.get('missing')).toBeUndefined();
  });

  it('writes a batch in one transaction and skips a trace it already has', () => {
    workspace = openTestWorkspace(tempDir());
    const traces = Array.from({ length: 50 }, () => makeTrace());
    expect(workspace.traces.writeMany(traces)).toBe(200);
    expect(workspace.traces.writeMany([traces[0]!])).toBe(0);
    expect(workspace.traces.count()).toBe(50);
    // One bad trace rolls the whole batch back.
    const bad = makeTrace();
    bad.spans[1]!.startTimeUnixNano = 'soon';
    expect(() => workspace.traces.writeMany([makeTrace(), bad])).toThrow(/not a time in unix nanoseconds/);
    expect(workspace.traces.count()).toBe(50);
  });

  it('classifies traces as ok, denied or error from the root span', () => {
    for (const status of ['ok', 'denied', 'error'] as const) {
      expect(traceStatus(makeTrace({ status }).spans[0]!)).toBe(status);
    }
    expect(searchableText(makeTrace({ status: 'denied', logs: ['hello'] }))).toMatch(
      /disposable email domain[\s\S]*hello/,
    );
  });

  it('lists the latest first, filtered by hook, status, time range and text in logs', () => {
    workspace = openTestWorkspace(tempDir());
    const at = (minutes: number) => base + minutes * 60_000;
    workspace.traces.writeMany([
      makeTrace({ startMs: at(1), hook: 'signup.before', status: 'ok', logs: ['domain example.com is fine'] }),
      makeTrace({ startMs: at(2), hook: 'signup.before', status: 'denied', logs: ['Blocked MAILINATOR.com'] }),
      makeTrace({ startMs: at(3), hook: 'token.enrich', status: 'ok', logs: ['added roles: admin'] }),
      makeTrace({ startMs: at(4), hook: 'signup.before', status: 'error', logs: ['calling ipqs'] }),
      makeTrace({ startMs: at(5), hook: 'signin.before', status: 'ok', logs: ['a "quoted" word'] }),
    ]);
    const minutes = (filter: Parameters<Workspace['traces']['list']>[0]) =>
      workspace.traces.list(filter).map((t) => (Number(BigInt(t.startTimeUnixNano) / 1_000_000n) - base) / 60_000);

    expect(minutes({})).toEqual([5, 4, 3, 2, 1]);
    expect(minutes({ limit: 2 })).toEqual([5, 4]);
    expect(minutes({ hook: 'signup.before' })).toEqual([4, 2, 1]);
    expect(minutes({ status: 'denied' })).toEqual([2]);
    expect(minutes({ hook: 'signup.before', status: 'ok' })).toEqual([1]);
    expect(minutes({ fromMs: at(2), toMs: at(4) })).toEqual([3, 2]);
    expect(minutes({ text: 'mailinator' })).toEqual([2]);
    expect(minutes({ text: 'ROLES' })).toEqual([3]);
    // The error message of the root span and deny reasons are searchable too.
    expect(minutes({ text: 'RUNTIME_ERROR' })).toEqual([4]);
    expect(minutes({ text: 'disposable email' })).toEqual([2]);
    expect(minutes({ text: '"quoted"' })).toEqual([5]);
    // Shorter than a trigram: scanned instead of matched, same result.
    expect(minutes({ text: 'ip' })).toEqual([4]);
    expect(minutes({ text: 'nothing like this' })).toEqual([]);
    const page = workspace.traces.list({ limit: 2 });
    expect(minutes({ before: page[1]!.startTimeUnixNano, limit: 2 })).toEqual([3, 2]);
  });

  it('deletes traces with their spans and search text', () => {
    workspace = openTestWorkspace(tempDir());
    const trace = makeTrace({ logs: ['needle in a haystack'] });
    workspace.traces.write(trace);
    expect(workspace.traces.totalBytes()).toBeGreaterThan(0);
    expect(workspace.traces.delete([trace.traceId, 'missing'])).toBe(1);
    expect(workspace.traces.get(trace.traceId)).toBeUndefined();
    expect(workspace.traces.list({ text: 'needle' })).toEqual([]);
    expect(workspace.traces.totalBytes()).toBe(0);
  });

  it('keeps the event and run a replay wrote a trace for, filters by them, and pages by offset with a count', () => {
    workspace = openTestWorkspace(tempDir());
    const traces = Array.from({ length: 30 }, (_, i) => ({
      ...makeTrace({ startMs: base + i * 1000, status: i % 3 === 0 ? 'denied' : 'ok' }),
      eventId: `evt-${i % 5}`,
      runId: i < 20 ? 1 : 2,
    }));
    workspace.traces.writeMany([...traces, makeTrace({ startMs: base + 100_000 })]);
    const stored = workspace.traces.get(traces[0]!.traceId)!;
    // What get() gives back is the OTLP-shaped trace alone.
    expect(Object.keys(stored).sort()).toEqual(['hook', 'spans', 'traceId']);
    expect(workspace.traces.summary(traces[0]!.traceId)).toMatchObject({ eventId: 'evt-0', runId: 1 });
    expect(workspace.traces.list({ limit: 1 })[0]).not.toHaveProperty('eventId');

    const index = (summary: { traceId: string }) => traces.findIndex((t) => t.traceId === summary.traceId);
    expect(workspace.traces.list({ runId: 2 }).map(index)).toEqual([29, 28, 27, 26, 25, 24, 23, 22, 21, 20]);
    expect(workspace.traces.list({ eventId: 'evt-3', runId: 1 }).map(index)).toEqual([18, 13, 8, 3]);
    expect(workspace.traces.list({ runId: 1, offset: 15, limit: 3 }).map(index)).toEqual([4, 3, 2]);
    expect(workspace.traces.list({ runId: 1, offset: 40 })).toEqual([]);
    expect(workspace.traces.count()).toBe(31);
    expect(workspace.traces.count({ runId: 1 })).toBe(20);
    expect(workspace.traces.count({ eventId: 'evt-0', status: 'denied' })).toBe(2);
    expect(workspace.traces.count({ runId: 3 })).toBe(0);
    const page = (offset: number) => workspace.traces.list({ offset, limit: 10 }).map((t) => t.traceId);
    expect(new Set([...page(0), ...page(10), ...page(20), ...page(30)]).size).toBe(31);
  });
});
