import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { PagedRows, type FetchPage, type PagedRowsSnapshot } from './paged-rows';

/**
 * The rows of one query, paged (see paged-rows.ts). A new `fetchPage` (memoize it on the query)
 * starts a new list; pass `store.setRange` to VirtualRows' `onRangeChange`.
 */
export function usePagedRows<T>(
  fetchPage: FetchPage<T>,
  pageSize = 100,
): { store: PagedRows<T>; rows: PagedRowsSnapshot<T> } {
  const store = useMemo(() => new PagedRows(fetchPage, pageSize), [fetchPage, pageSize]);
  useEffect(() => {
    store.load();
    return () => store.dispose();
  }, [store]);
  const rows = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, rows };
}
