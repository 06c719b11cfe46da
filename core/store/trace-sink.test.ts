import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Trace } from '../../shared/engine';
import { makeTrace } from './testing/trace-fixtures';
import { TraceBatcher } from './trace-sink';

afterEach(() => vi.useRealTimers());

function recorder(fail = false) {
  const batches: Trace[][] = [];
  return {
    batches,
    writeMany(traces: readonly Trace[]): number {
      if (fail) throw new Error('disk full');
      batches.push([...traces]);
      return traces.reduce((n, t) => n + t.spans.length, 0);
    },
  };
}

describe('TraceBatcher', () => {
  it('writes a batch once it holds maxSpans spans', () => {
    const store = recorder();
    const sink = new TraceBatcher(store, { maxSpans: 8 });
    sink.write(makeTrace());
    expect(store.batches).toHaveLength(0);
    expect(sink.pendingSpans).toBe(4);
    sink.write(makeTrace());
    expect(store.batches.map((b) => b.length)).toEqual([2]);
    expect(sink.pendingSpans).toBe(0);
    sink.close();
  });

  it('writes a partial batch after maxDelayMs, and on flush', () => {
    vi.useFakeTimers();
    const store = recorder();
    const sink = new TraceBatcher(store, { maxSpans: 1000, maxDelayMs: 100 });
    sink.write(makeTrace());
    vi.advanceTimersByTime(99);
    expect(store.batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(store.batches).toHaveLength(1);
    sink.write(makeTrace());
    expect(sink.flush()).toBe(4);
    expect(sink.flush()).toBe(0);
    expect(store.batches).toHaveLength(2);
  });

  it('reports a failed timed write and drops that batch instead of growing', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const sink = new TraceBatcher(recorder(true), { maxDelayMs: 10, onError: (e) => errors.push(e) });
    sink.write(makeTrace());
    vi.advanceTimersByTime(10);
    expect(errors).toHaveLength(1);
    expect(sink.pendingSpans).toBe(0);
    sink.write(makeTrace());
    expect(() => sink.close()).toThrow(/disk full/);
  });

  it('by default reports a dropped batch as a process warning, without throwing from the timer', () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const sink = new TraceBatcher(recorder(true), { maxDelayMs: 10 });
      sink.write(makeTrace());
      vi.advanceTimersByTime(10);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/traces was not saved: disk full/));
    } finally {
      warn.mockRestore();
    }
  });

  it('writes the links beside each trace without changing the trace, and tells its owner when closed', () => {
    const store = recorder();
    const closed: string[] = [];
    const sink = new TraceBatcher(store, { onClose: () => closed.push('closed') });
    const trace = makeTrace();
    sink.write(trace, { eventId: 'evt-1', runId: 7 });
    sink.write(makeTrace());
    sink.close();
    sink.close();
    expect(store.batches[0]![0]).toEqual({ ...trace, eventId: 'evt-1', runId: 7 });
    expect(store.batches[0]![1]).not.toHaveProperty('eventId');
    expect(trace).not.toHaveProperty('eventId');
    expect(closed).toEqual(['closed']);
  });
});
