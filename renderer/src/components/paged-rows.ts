import type { Result } from '@shared/contract';

// The rows of a long list fetched a page at a time as the user scrolls (VirtualRows tells which
// range is visible): the pages are kept in a map, each fetched once, and an answer that arrives
// after the query changed or the list was refreshed is dropped, so rows of an old filter never
// appear under a new one. A plain store (subscribe/getSnapshot) rather than component state, so
// it is tested without a DOM and read with useSyncExternalStore.

export interface Page<T> {
  items: T[];
  total: number;
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<Result<Page<T>>>;

export interface PagedRowsSnapshot<T> {
  /** Rows matching the query; null until the first page has answered. */
  total: number | null;
  /** Why the last fetch failed, if it did. */
  error: string | null;
  /** Whether a page is being fetched. */
  loading: boolean;
  /** The row at `index`, or undefined while its page is not loaded. */
  rowAt(index: number): T | undefined;
}

/** The page numbers that cover rows [start, end). */
export function pagesCovering(start: number, end: number, pageSize: number): number[] {
  const pages: number[] = [];
  for (let page = Math.floor(Math.max(0, start) / pageSize); page * pageSize < end; page += 1) pages.push(page);
  return pages;
}

export class PagedRows<T> {
  private pages = new Map<number, T[]>();
  private inFlight = new Set<number>();
  private generation = 0;
  private range: [number, number] = [0, 0];
  private total: number | null = null;
  private error: string | null = null;
  private disposed = false;
  private listeners = new Set<() => void>();
  private snapshot: PagedRowsSnapshot<T>;

  constructor(
    private readonly fetchPage: FetchPage<T>,
    readonly pageSize = 100,
  ) {
    this.snapshot = this.makeSnapshot();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): PagedRowsSnapshot<T> => this.snapshot;

  /** The visible range changed: fetches the pages it needs that are not loaded yet. */
  setRange = (start: number, end: number): void => {
    this.range = [start, end];
    this.fetchMissing();
  };

  /** Fetches what the current range needs (the first page when nothing is known yet). */
  load(): void {
    this.disposed = false;
    this.fetchMissing();
  }

  /**
   * The data changed (an import, an edit): the visible pages are fetched again, the others are
   * forgotten, and the rows shown meanwhile stay until their new page arrives.
   */
  refresh(): void {
    this.generation += 1;
    this.inFlight.clear();
    // As if the total were unknown: a list that was empty must ask again too.
    const [start, end] = this.range;
    const visible = new Set(pagesCovering(start, Math.max(end, start + 1), this.pageSize));
    for (const page of [...this.pages.keys()]) if (!visible.has(page)) this.pages.delete(page);
    this.error = null;
    this.fetch([...visible]);
  }

  /** Every row of [start, end), fetching the pages not loaded; null if a fetch failed. */
  async rowsBetween(start: number, end: number): Promise<T[] | null> {
    const generation = this.generation;
    const wanted = pagesCovering(start, end, this.pageSize).filter((page) => !this.pages.has(page));
    const answers = await Promise.all(wanted.map((page) => this.fetchOne(page, generation)));
    if (answers.some((ok) => !ok)) return null;
    const rows: T[] = [];
    for (let index = start; index < end; index += 1) {
      const row = this.rowAt(index);
      if (row === undefined) return null;
      rows.push(row);
    }
    return rows;
  }

  /** Stops taking answers (the list is gone or its query changed); `load` starts again. */
  dispose(): void {
    this.disposed = true;
    this.generation += 1;
    this.inFlight.clear();
  }

  private rowAt(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** The pages the visible range needs: at least the first while the total is unknown. */
  private wantedPages(): number[] {
    const [start, end] = this.range;
    if (this.total === null) return pagesCovering(start, Math.max(end, start + 1), this.pageSize);
    return pagesCovering(start, Math.min(end, this.total), this.pageSize);
  }

  private fetchMissing(): void {
    this.fetch(this.wantedPages().filter((page) => !this.pages.has(page) && !this.inFlight.has(page)));
  }

  private fetch(pages: number[]): void {
    if (this.disposed || pages.length === 0) return;
    const generation = this.generation;
    for (const page of pages) void this.fetchOne(page, generation);
  }

  private async fetchOne(page: number, generation: number): Promise<boolean> {
    if (this.disposed) return false;
    this.inFlight.add(page);
    this.publish();
    const answer = await this.fetchPage(page * this.pageSize, this.pageSize);
    if (this.disposed || generation !== this.generation) return false;
    this.inFlight.delete(page);
    if (answer.ok) {
      this.pages.set(page, answer.value.items);
      if (answer.value.total !== this.total) {
        this.total = answer.value.total;
        // Pages past the new end hold rows that no longer exist.
        for (const known of [...this.pages.keys()]) if (known * this.pageSize >= this.total) this.pages.delete(known);
      }
      this.error = null;
    } else {
      this.error = answer.error.message;
    }
    this.publish();
    if (answer.ok) this.fetchMissing();
    return answer.ok;
  }

  private publish(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) listener();
  }

  private makeSnapshot(): PagedRowsSnapshot<T> {
    const pages = new Map(this.pages);
    const pageSize = this.pageSize;
    return {
      total: this.total,
      error: this.error,
      loading: this.inFlight.size > 0,
      rowAt: (index) => pages.get(Math.floor(index / pageSize))?.[index % pageSize],
    };
  }
}
