import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '@shared/contract';
import { TracePages, type TracePage } from './trace-pages';
import type { TraceSummary } from './types';

function summary(index: number, tag = ''): TraceSummary {
  return {
    traceId: `${tag}${index}`,
    hook: 'signup.before',
    status: 'ok',
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
    durationMs: 1,
    rootName: 'hook signup.before',
    spanCount: 3,
  };
}

/** A store of `total` traces whose answers are released by hand. */
function fakeStore(total: number, tag = '') {
  const calls: { offset: number; limit: number; resolve: () => void }[] = [];
  const fetchPage = (offset: number, limit: number) =>
    new Promise<Result<TracePage>>((resolve) => {
      calls.push({
        offset,
        limit,
        resolve: () =>
          resolve({
            ok: true,
            value: {
              total,
              traces: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) =>
                summary(offset + i, tag),
              ),
            },
          }),
      });
    });
  return { calls, fetchPage };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('TracePages', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('loads the first page at once and then pages on demand, by offset', async () => {
    const store = fakeStore(100_000);
    const pages = new TracePages(store.fetchPage, { pageSize: 100 });
    pages.reset();
    expect(store.calls.map((c) => c.offset)).toEqual([0]);
    expect(pages.loading).toBe(true);
    store.calls[0]!.resolve();
    await settle();
    expect(pages.total).toBe(100_000);
    expect(pages.row(99)?.traceId).toBe('99');
    expect(pages.row(100)).toBeUndefined();

    pages.showRange(5_020, 5_060);
    expect(store.calls).toHaveLength(1); // debounced
    await vi.advanceTimersByTimeAsync(100);
    expect(store.calls.map((c) => c.offset)).toEqual([0, 5_000]);
    store.calls[1]!.resolve();
    await settle();
    expect(pages.row(5_042)?.traceId).toBe('5042');
  });

  it('coalesces a scrollbar drag into the range where it stops', async () => {
    const store = fakeStore(100_000);
    const pages = new TracePages(store.fetchPage, { pageSize: 100, debounceMs: 90, maxWaitMs: 300 });
    pages.reset();
    store.calls[0]!.resolve();
    await settle();
    // 60 range changes, 4 ms apart (a fast drag from the top to the bottom).
    for (let step = 1; step <= 60; step += 1) {
      pages.showRange(step * 1_600, step * 1_600 + 40);
      await vi.advanceTimersByTimeAsync(4);
    }
    await vi.advanceTimersByTimeAsync(200);
    // The drag lasted 240 ms (< maxWait): only where it stopped is fetched.
    expect(store.calls.map((c) => c.offset)).toEqual([0, 96_000]);
  });

  it('still fetches every maxWait during a long slow scroll', async () => {
    const store = fakeStore(100_000);
    const pages = new TracePages(store.fetchPage, { pageSize: 100, debounceMs: 90, maxWaitMs: 300 });
    pages.reset();
    for (let step = 1; step <= 25; step += 1) {
      pages.showRange(step * 100, step * 100 + 40);
      await vi.advanceTimersByTimeAsync(40);
    }
    // 1 s of scrolling: a few fetches, not 25.
    expect(store.calls.length).toBeGreaterThanOrEqual(3);
    expect(store.calls.length).toBeLessThanOrEqual(5);
  });

  it('does not ask again for a page on its way or held', async () => {
    const store = fakeStore(1_000);
    const pages = new TracePages(store.fetchPage, { pageSize: 100 });
    pages.reset();
    pages.showRange(0, 50);
    await vi.advanceTimersByTimeAsync(500);
    expect(store.calls).toHaveLength(1);
    store.calls[0]!.resolve();
    await settle();
    pages.showRange(10, 60);
    await vi.advanceTimersByTimeAsync(500);
    expect(store.calls).toHaveLength(1);
    // Never past the end.
    pages.showRange(950, 1_100);
    await vi.advanceTimersByTimeAsync(500);
    expect(store.calls.map((c) => c.offset)).toEqual([0, 900]);
  });

  it('drops answers for an earlier filter', async () => {
    const before = fakeStore(500, 'old-');
    const after = fakeStore(3, 'new-');
    const pages = new TracePages(before.fetchPage);
    pages.reset();
    pages.reset(after.fetchPage);
    after.calls[0]!.resolve();
    await settle();
    before.calls[0]!.resolve();
    await settle();
    expect(pages.total).toBe(3);
    expect(pages.row(0)?.traceId).toBe('new-0');
  });

  it('keeps a bounded number of pages, never the visible ones', async () => {
    const store = fakeStore(100_000);
    const pages = new TracePages(store.fetchPage, { pageSize: 100, maxPages: 3 });
    pages.reset();
    store.calls[0]!.resolve();
    await settle();
    for (const start of [1_000, 2_000, 3_000, 4_000]) {
      pages.showRange(start, start + 40);
      await vi.advanceTimersByTimeAsync(100);
      store.calls[store.calls.length - 1]!.resolve();
      await settle();
    }
    expect(pages.row(4_000)).toBeDefined();
    expect(pages.row(0)).toBeUndefined();
    expect(pages.row(1_000)).toBeUndefined();
    expect(pages.row(3_000)).toBeDefined();
  });

  it('reports a failure and notifies subscribers', async () => {
    const pages = new TracePages(() =>
      Promise.resolve({ ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'The workspace is locked.' } }),
    );
    const listener = vi.fn();
    pages.subscribe(listener);
    const version = pages.getVersion();
    pages.reset();
    await settle();
    expect(pages.error).toBe('The workspace is locked.');
    expect(pages.loading).toBe(false);
    expect(pages.getVersion()).toBeGreaterThan(version);
    expect(listener).toHaveBeenCalled();
  });
});
