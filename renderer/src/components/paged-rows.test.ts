import { describe, expect, it } from 'vitest';
import type { Result } from '@shared/contract';
import { PagedRows, pagesCovering, type Page } from './paged-rows';

/** A fetcher over `count` numbered rows whose answers are released by hand. */
function fakeSource(count: number) {
  const calls: { offset: number; limit: number; resolve(): void }[] = [];
  const fetchPage = (offset: number, limit: number) =>
    new Promise<Result<Page<number>>>((resolve) => {
      calls.push({
        offset,
        limit,
        resolve: () => {
          const items = Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => offset + i);
          resolve({ ok: true, value: { items, total: count } });
        },
      });
    });
  const settle = async () => {
    while (calls.length) {
      calls.shift()?.resolve();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { calls, fetchPage, settle };
}

describe('pagesCovering', () => {
  it('lists the pages that hold a range', () => {
    expect(pagesCovering(0, 10, 100)).toEqual([0]);
    expect(pagesCovering(95, 205, 100)).toEqual([0, 1, 2]);
    expect(pagesCovering(200, 200, 100)).toEqual([]);
  });
});

describe('PagedRows', () => {
  it('fetches the first page before the total is known, then the pages scrolled to', async () => {
    const source = fakeSource(1000);
    const rows = new PagedRows(source.fetchPage, 100);
    rows.load();
    expect(source.calls.map((c) => c.offset)).toEqual([0]);
    expect(rows.getSnapshot().loading).toBe(true);
    await source.settle();
    expect(rows.getSnapshot().total).toBe(1000);
    expect(rows.getSnapshot().rowAt(42)).toBe(42);
    expect(rows.getSnapshot().rowAt(420)).toBeUndefined();

    rows.setRange(380, 430);
    expect(source.calls.map((c) => c.offset)).toEqual([300, 400]);
    rows.setRange(385, 435); // already in flight: not asked twice
    expect(source.calls).toHaveLength(2);
    await source.settle();
    expect(rows.getSnapshot().rowAt(420)).toBe(420);
    expect(rows.getSnapshot().loading).toBe(false);
  });

  it('never fetches past the end, and an empty result asks nothing more', async () => {
    const source = fakeSource(0);
    const rows = new PagedRows(source.fetchPage, 50);
    rows.setRange(0, 40);
    await source.settle();
    expect(rows.getSnapshot().total).toBe(0);
    rows.setRange(0, 40);
    expect(source.calls).toHaveLength(0);
  });

  it('asks again on refresh when the list was empty', async () => {
    let count = 0;
    const rows = new PagedRows<number>(async (offset, limit) => ({
      ok: true,
      value: {
        items: Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => offset + i),
        total: count,
      },
    }));
    rows.setRange(0, 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rows.getSnapshot().total).toBe(0);
    count = 3;
    rows.refresh();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rows.getSnapshot().total).toBe(3);
    expect(rows.getSnapshot().rowAt(2)).toBe(2);
  });

  it('notifies subscribers with a new snapshot on each change', async () => {
    const source = fakeSource(10);
    const rows = new PagedRows(source.fetchPage, 5);
    const seen: unknown[] = [];
    rows.subscribe(() => seen.push(rows.getSnapshot()));
    rows.load();
    await source.settle();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('drops answers that arrive after a refresh, and keeps the shown rows until the new ones come', async () => {
    const source = fakeSource(300);
    const rows = new PagedRows(source.fetchPage, 100);
    rows.setRange(0, 150);
    await source.settle();
    rows.setRange(250, 300);
    const stale = source.calls.shift(); // page 2, asked before the refresh
    rows.refresh();
    expect(rows.getSnapshot().rowAt(0)).toBeUndefined(); // page 0 is no longer visible: forgotten
    stale?.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rows.getSnapshot().rowAt(250)).toBeUndefined();
    await source.settle();
    expect(rows.getSnapshot().rowAt(250)).toBe(250);
  });

  it('reports a failed page and fetches it again on refresh', async () => {
    let fail = true;
    const rows = new PagedRows<number>(
      async (offset, limit) =>
        fail
          ? { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'The store is closed.' } }
          : { ok: true, value: { items: Array.from({ length: limit }, (_, i) => offset + i), total: 20 } },
      10,
    );
    rows.load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rows.getSnapshot().error).toBe('The store is closed.');
    fail = false;
    rows.refresh();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rows.getSnapshot().error).toBeNull();
    expect(rows.getSnapshot().rowAt(3)).toBe(3);
  });

  it('gives every row of a range, fetching the missing pages', async () => {
    const rows = new PagedRows<number>(
      async (offset, limit) => ({
        ok: true,
        value: { items: Array.from({ length: Math.min(limit, 250 - offset) }, (_, i) => offset + i), total: 250 },
      }),
      100,
    );
    expect(await rows.rowsBetween(95, 205)).toEqual(Array.from({ length: 110 }, (_, i) => 95 + i));
  });

  it('takes no answer once disposed', async () => {
    const source = fakeSource(10);
    const rows = new PagedRows(source.fetchPage, 5);
    rows.load();
    rows.dispose();
    await source.settle();
    expect(rows.getSnapshot().total).toBeNull();
  });
});
