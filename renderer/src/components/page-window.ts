// The arithmetic of a long list fetched a page at a time as it scrolls (use-paged-query.ts): which
// pages cover the drawn rows, and how long to wait before asking for them. With 100,000 rows a drag
// of the scrollbar crosses hundreds of pages in a second, so a range is only fetched once the list
// has stayed there for a moment (or regularly during a long slow scroll). Pure, so tested as is.

/** The page numbers that cover rows [start, end), within `total` rows when it is known. */
export function pagesCovering(start: number, end: number, pageSize: number, total: number | null = null): number[] {
  const from = Math.floor(Math.max(0, start) / pageSize);
  let last = Math.floor((Math.max(start + 1, end) - 1) / pageSize);
  if (total !== null) last = Math.min(last, Math.max(0, Math.ceil(total / pageSize) - 1));
  const pages: number[] = [];
  for (let page = from; page <= last; page += 1) pages.push(page);
  return pages;
}

export interface SettleTiming {
  /** Quiet time after the last move before the range is fetched. */
  debounceMs: number;
  /** The longest a moving range waits. */
  maxWaitMs: number;
}

export const defaultSettle: SettleTiming = { debounceMs: 90, maxWaitMs: 300 };

/** How long a range that started waiting at `waitingSince` still waits, seen at `now`. */
export function settleDelay(now: number, waitingSince: number, timing: SettleTiming = defaultSettle): number {
  const waited = now - waitingSince;
  return waited >= timing.maxWaitMs ? 0 : Math.min(timing.debounceMs, timing.maxWaitMs - waited);
}
