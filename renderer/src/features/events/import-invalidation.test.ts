import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { eventKeys } from './event-queries';
import { ImportStore } from './import-store';
import { invalidateOnImports } from './import-invalidation';

const file = (name: string, text: string) => ({ name, size: text.length, text: () => Promise.resolve(text) });

describe('invalidateOnImports', () => {
  it('invalidates the library once an import has finished, not while it runs', async () => {
    const client = new QueryClient();
    client.setQueryData(eventKeys.list({}), { pages: [], pageParams: [] });
    client.setQueryData(eventKeys.facets(), { total: 0 });
    const seenWhileImporting: boolean[] = [];
    const store = new ImportStore((text) => {
      seenWhileImporting.push(client.getQueryState(eventKeys.facets())?.isInvalidated ?? false);
      const value = { imported: text.split('\n').length, duplicates: 0, problemCount: 0, problems: [] };
      return Promise.resolve({ ok: true as const, value });
    });
    const stop = invalidateOnImports(client, store);
    await store.importFiles([file('a.ndjson', '{}')]);
    expect(seenWhileImporting).toEqual([false]);
    expect(client.getQueryState(eventKeys.facets())?.isInvalidated).toBe(true);
    expect(client.getQueryState(eventKeys.list({}))?.isInvalidated).toBe(true);

    stop();
    client.setQueryData(eventKeys.facets(), { total: 1 });
    await store.importFiles([file('b.ndjson', '{}')]);
    expect(client.getQueryState(eventKeys.facets())?.isInvalidated).toBe(false);
  });
});
