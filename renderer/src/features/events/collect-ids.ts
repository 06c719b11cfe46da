import type { Result } from '@shared/contract';

export type ListIds = (offset: number, limit: number) => Promise<Result<{ events: { id: string }[]; total: number }>>;

/**
 * Every id a filter matches, page by page (for pinning or deleting "all matching"), leaving out
 * `except`. Bounded by `max` so a huge library cannot make one click fetch without end.
 */
export async function collectIds(
  list: ListIds,
  except: ReadonlySet<string>,
  max = 100_000,
  pageSize = 500,
): Promise<Result<string[]>> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await list(offset, pageSize);
    if (!page.ok) return page;
    for (const event of page.value.events) if (!except.has(event.id)) ids.push(event.id);
    if (page.value.events.length < pageSize || offset + pageSize >= page.value.total) break;
    if (ids.length >= max)
      return {
        ok: false,
        error: {
          code: 'TOO_MANY',
          message: `More than ${max.toLocaleString('en-US')} events match: narrow the filter.`,
        },
      };
  }
  return { ok: true, value: ids };
}

/** Splits ids into the batches a channel takes (events.setPinned and events.delete take 10,000). */
export function inBatches<T>(items: readonly T[], size = 10_000): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
