import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueries, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { errorMessage } from '../app/studio-error';
import { pagesCovering, settleDelay, type SettleTiming } from './page-window';

// A long list read a page at a time, each page one query of the cache under the list's key
// (`[...listKey, 'page', n]`), so pages are fetched once, shared, dropped by the cache when unused
// and refreshed by invalidating the list's key. The pages the drawn rows need are asked for once
// the range settles (page-window.ts); rows of pages already cached show at once. Unlike an infinite
// query, any page can be asked first: a jump to row 90,000 does not load the 900 pages before it.

/** What a page answer must say: how many rows match in all. */
export interface PageAnswer {
  total: number;
}

export interface PagedQueryOptions<P extends PageAnswer, T> {
  /** The list's key, filter included; its pages live under it. */
  listKey: QueryKey;
  /** One page of the contract's answer (unwrapped: a failure throws). */
  fetchPage(offset: number, limit: number): Promise<P>;
  /** The rows of a page answer. */
  rowsOf(page: P): readonly T[];
  pageSize: number;
  settle?: SettleTiming;
  /** How long a fetched page is shown without asking again when it is drawn anew. */
  staleTime?: number;
  /** false while the list cannot be asked yet (nothing is fetched; the total stays unknown). */
  enabled?: boolean;
}

export interface PagedRows<P, T> {
  /** Rows matching the query; null until a page has answered. */
  total: number | null;
  /** Why the last fetch failed, if it did. */
  error: string | null;
  /** A page is on its way, or the drawn range waits to be fetched. */
  loading: boolean;
  /** The row at `index`, or undefined while its page is not loaded. */
  rowAt(index: number): T | undefined;
  /** A page's whole answer, when cached (e.g. the counts that come with the first page). */
  pageAt(page: number): P | undefined;
  /** The list draws rows [start, end). */
  setRange(start: number, end: number): void;
}

export function pageKey(listKey: QueryKey, page: number, pageSize: number): QueryKey {
  return [...listKey, 'page', page, pageSize];
}

export function usePagedQuery<P extends PageAnswer, T>(options: PagedQueryOptions<P, T>): PagedRows<P, T> {
  const { listKey, fetchPage, rowsOf, pageSize, settle, staleTime = 30_000, enabled = true } = options;
  const client = useQueryClient();
  const keyText = JSON.stringify(listKey);
  const initial = { key: keyText, start: 0, end: 1 };
  // Only the settled range is React state: while the list scrolls, drawing cached rows needs no
  // render of the list's owner, and a fetch waits until the range stays (page-window.ts).
  const [settled, setSettled] = useState(initial);
  const settledRef = useRef(settled);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const waitingSince = useRef<number | null>(null);
  const fetched = settled.key === keyText ? settled : initial;

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  const setRange = useCallback(
    (start: number, end: number) => {
      const key = JSON.parse(keyText) as QueryKey;
      const cached = (page: number) => client.getQueryData<P>(pageKey(key, page, pageSize));
      const total = cached(0)?.total ?? null;
      const base = settledRef.current.key === keyText ? settledRef.current : { start: 0, end: 1 };
      const asked = new Set([0, ...pagesCovering(base.start, base.end, pageSize, total)]);
      const missing = pagesCovering(start, end, pageSize, total).filter(
        (page) => !asked.has(page) && cached(page) === undefined,
      );
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      if (missing.length === 0) {
        waitingSince.current = null;
        return;
      }
      const now = Date.now();
      waitingSince.current ??= now;
      timer.current = setTimeout(
        () => {
          timer.current = null;
          waitingSince.current = null;
          settledRef.current = { key: keyText, start, end };
          setSettled(settledRef.current);
        },
        settleDelay(now, waitingSince.current, settle),
      );
    },
    [client, keyText, pageSize, settle],
  );

  // The first page is always observed: it tells the total while a far range is still on its way.
  const knownTotal = client.getQueryData<P>(pageKey(listKey, 0, pageSize))?.total ?? null;
  const wanted = useMemo(() => {
    const pages = pagesCovering(fetched.start, fetched.end, pageSize, knownTotal);
    return pages.includes(0) ? pages : [0, ...pages];
  }, [fetched.start, fetched.end, pageSize, knownTotal]);

  const results = useQueries({
    queries: wanted.map((page) => ({
      queryKey: pageKey(listKey, page, pageSize),
      queryFn: () => fetchPage(page * pageSize, pageSize),
      staleTime,
      enabled,
    })),
  });

  const answered = results.find((result, index) => result.data !== undefined && wanted[index] !== 0)?.data;
  const total = answered?.total ?? results[0]?.data?.total ?? null;
  const failed = results.find((result) => result.error !== null)?.error ?? null;
  const pending = results.some((result) => result.isFetching);

  const pageAt = (page: number): P | undefined => {
    const index = wanted.indexOf(page);
    return (index >= 0 ? results[index]?.data : undefined) ?? client.getQueryData<P>(pageKey(listKey, page, pageSize));
  };
  return {
    total,
    error: errorMessage(failed),
    loading: pending || (enabled && total === null && failed === null),
    rowAt: (index) => {
      const page = pageAt(Math.floor(index / pageSize));
      return page ? rowsOf(page)[index % pageSize] : undefined;
    },
    pageAt,
    setRange,
  };
}
