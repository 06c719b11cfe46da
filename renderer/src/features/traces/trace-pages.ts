import type { Result } from '@shared/contract';
import type { TraceSummary } from './types';

// The trace list's rows, fetched a page at a time as the list scrolls. With 100,000 traces a drag of
// the scrollbar crosses hundreds of pages in a second, so a visible range is only fetched once the
// list has stayed there for `debounceMs` (or every `maxWaitMs` during a long slow scroll); pages
// already held or on their way are not asked again; a small LRU keeps memory flat; and answers for
// an earlier filter (a `reset` since) are dropped.

export interface TracePage {
  traces: TraceSummary[];
  total: number;
}

export type FetchPage = (offset: number, limit: number) => Promise<Result<TracePage>>;

export interface TracePagesOptions {
  pageSize?: number;
  /** Pages kept in memory; the least recently shown go first. */
  maxPages?: number;
  debounceMs?: number;
  maxWaitMs?: number;
}

export class TracePages {
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  /** Insertion order is recency: a page shown again moves to the end. */
  private readonly pages = new Map<number, TraceSummary[]>();
  private readonly inFlight = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private version = 0;
  private wanted = { start: 0, end: 1 };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waitingSince: number | null = null;
  private fetchPage: FetchPage;
  /** Every match of the filter, once the first answer is in. */
  total: number | null = null;
  error: string | null = null;
  /** Requests sent since the last reset (for tests and the benchmark). */
  requests = 0;

  constructor(fetchPage: FetchPage, options: TracePagesOptions = {}) {
    this.fetchPage = fetchPage;
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = Math.max(2, options.maxPages ?? 20);
    this.debounceMs = options.debounceMs ?? 90;
    this.maxWaitMs = options.maxWaitMs ?? 300;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever rows, total or error change (a snapshot for useSyncExternalStore). */
  getVersion = (): number => this.version;

  get loading(): boolean {
    return this.inFlight.size > 0 || this.timer !== null || (this.total === null && this.error === null);
  }

  row(index: number): TraceSummary | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** A new filter (or a refresh): forgets every page and loads the current range at once. */
  reset(fetchPage: FetchPage = this.fetchPage): void {
    this.fetchPage = fetchPage;
    this.generation += 1;
    this.pages.clear();
    this.inFlight.clear();
    this.cancelTimer();
    this.total = null;
    this.error = null;
    this.requests = 0;
    this.changed();
    this.flush();
  }

  /** The list shows rows [start, end); missing pages are fetched once the range settles. */
  showRange(start: number, end: number): void {
    this.wanted = { start: Math.max(0, start), end: Math.max(start + 1, end) };
    const missing = this.missingPages();
    for (const page of this.pagesInRange()) this.touch(page);
    if (missing.length === 0) return;
    const now = Date.now();
    this.waitingSince ??= now;
    if (this.timer !== null) clearTimeout(this.timer);
    const waited = now - this.waitingSince;
    const delay = waited >= this.maxWaitMs ? 0 : Math.min(this.debounceMs, this.maxWaitMs - waited);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }

  dispose(): void {
    this.generation += 1;
    this.cancelTimer();
    this.listeners.clear();
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.waitingSince = null;
  }

  private pagesInRange(): number[] {
    const first = Math.floor(this.wanted.start / this.pageSize);
    let last = Math.floor((this.wanted.end - 1) / this.pageSize);
    if (this.total !== null) last = Math.min(last, Math.max(0, Math.ceil(this.total / this.pageSize) - 1));
    const pages: number[] = [];
    for (let page = first; page <= last; page += 1) pages.push(page);
    return pages;
  }

  private missingPages(): number[] {
    return this.pagesInRange().filter((page) => !this.pages.has(page) && !this.inFlight.has(page));
  }

  private touch(page: number): void {
    const rows = this.pages.get(page);
    if (!rows) return;
    this.pages.delete(page);
    this.pages.set(page, rows);
  }

  private flush(): void {
    this.waitingSince = null;
    for (const page of this.missingPages()) void this.load(page);
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    this.inFlight.add(page);
    this.requests += 1;
    this.changed();
    const result = await this.fetchPage(page * this.pageSize, this.pageSize);
    if (generation !== this.generation) return; // an answer for an earlier filter
    this.inFlight.delete(page);
    if (result.ok) {
      this.pages.set(page, result.value.traces);
      this.total = result.value.total;
      this.error = null;
      this.evict();
    } else {
      this.error = result.error.message;
    }
    this.changed();
  }

  private evict(): void {
    const keep = new Set(this.pagesInRange());
    for (const page of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      if (!keep.has(page)) this.pages.delete(page);
    }
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
