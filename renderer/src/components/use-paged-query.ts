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
  const [range, setRangeState] = useState({ key: keyText, start: 0, end: 1 });
  const [settled, setSettled] = useState(range);
  const waitingSince = useRef<number | null>(null);
  const current = range.key === keyText ? range : { key: keyText, start: 0, end: 1 };
  const fetched = settled.key === keyText ? settled : current;

  const setRange = useCallback(
    (start: number, end: number) =>
      setRangeState((previous) =>
        previous.key === keyText && previous.start === start && previous.end === end
          ? previous
          : { key: keyText, start, end },
      ),
    [keyText],
  );

  // The first page is always observed: it tells the total while a far range is still on its way.
  const cachedTotal = (page: number) => client.getQueryData<P>(pageKey(listKey, page, pageSize))?.total ?? null;
  const knownTotal = cachedTotal(0);
  const wanted = useMemo(() => {
    const pages = pagesCovering(fetched.start, fetched.end, pageSize, knownTotal);
    return pages.includes(0) ? pages : [0, ...pages];
  }, [fetched.start, fetched.end, pageSize, knownTotal]);

  // A moving range waits before it is fetched; cached pages need no wait and no fetch.
  useEffect(() => {
    const missing = pagesCovering(current.start, current.end, pageSize, knownTotal).filter(
      (page) => client.getQueryData(pageKey(listKey, page, pageSize)) === undefined,
    );
    if (missing.length === 0 || missing.every((page) => wanted.includes(page))) {
      waitingSince.current = null;
      return;
    }
    const now = Date.now();
    waitingSince.current ??= now;
    const timer = setTimeout(
      () => {
        waitingSince.current = null;
        setSettled(current);
      },
      settleDelay(now, waitingSince.current, settle),
    );
    return () => clearTimeout(timer);
    // `current` is named by its fields: a new object of the same range is no move.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current.key, current.start, current.end, wanted, knownTotal]);

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
