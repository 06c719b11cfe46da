import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { ChannelInput } from '@shared/contract';
import {
  eventKeys,
  eventListQuery,
  invalidateEventLibrary,
  loadedEvents,
  type EventPage,
  type EventsApi,
} from './event-queries';

// A library of `count` events behind the events.list channel's paging (offset, limit, total).
function library(count: number, failAt: number | null = null) {
  const asked: number[] = [];
  const api = {
    events: {
      list: (input: ChannelInput<'events.list'>) => {
        const offset = input.offset ?? 0;
        asked.push(offset);
        if (offset === failAt)
          return Promise.resolve({
            ok: false as const,
            error: { code: 'STORE_UNAVAILABLE', message: 'The store is locked.' },
          });
        const events = Array.from({ length: Math.max(0, Math.min(input.limit ?? 100, count - offset)) }, (_, i) => ({
          id: `evt_${offset + i}`,
        }));
        return Promise.resolve({ ok: true as const, value: { events, total: count } as unknown as EventPage });
      },
    },
  } as unknown as EventsApi;
  return { api, asked };
}

describe('eventListQuery', () => {
  it('loads a page after another until the total, each once', async () => {
    const client = new QueryClient();
    const { api, asked } = library(250);
    const options = eventListQuery(api, { hook: 'signup.before' }, 100);
    expect(options.queryKey).toEqual(eventKeys.list({ hook: 'signup.before' }));
    await client.fetchInfiniteQuery({ ...options, pages: 5 });
    const data = client.getQueryData<Parameters<typeof loadedEvents>[0]>(options.queryKey);
    const { rows, total } = loadedEvents(data);
    expect(total).toBe(250);
    expect(rows.map((row) => row.id).slice(-2)).toEqual(['evt_248', 'evt_249']);
    expect(asked).toEqual([0, 100, 200]);
  });

  it("fails with the contract's code and message, and is asked again once invalidated", async () => {
    const client = new QueryClient();
    const { api } = library(50, 0);
    const options = eventListQuery(api, {}, 100);
    await expect(client.fetchInfiniteQuery(options)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: 'The store is locked.',
    });
    client.setQueryData(options.queryKey, { pages: [], pageParams: [] });
    await invalidateEventLibrary(client);
    expect(client.getQueryState(options.queryKey)?.isInvalidated).toBe(true);
    expect(loadedEvents(undefined)).toEqual({ rows: [], total: null });
  });
});
