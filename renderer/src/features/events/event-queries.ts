import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { ChannelOutput, StudioClient } from '@shared/contract';
import { valueOf } from '../../app/studio-error';
import type { EventFilter } from './event-filter';
import type { StoredEvent } from './event-record';

// The event library's keys in the page's cache, in one place, and the queries behind them. Every
// key starts with 'events': an import, a save or a delete invalidates the lot (lists, facets and
// open events), since any of them can change what each shows.

export type EventsApi = Pick<StudioClient, 'events'>;
export type EventPage = ChannelOutput<'events.list'>;
export type Facets = ChannelOutput<'events.facets'>;

export const eventPageSize = 100;

export const eventKeys = {
  all: ['events'] as const,
  lists: () => ['events', 'list'] as const,
  list: (filter: EventFilter) => ['events', 'list', filter] as const,
  facets: () => ['events', 'facets'] as const,
  detail: (id: string) => ['events', 'detail', id] as const,
};

/** The events matching a filter, a page after another as the list scrolls down. */
export function eventListQuery(api: EventsApi, filter: EventFilter, pageSize = eventPageSize) {
  return {
    queryKey: eventKeys.list(filter),
    queryFn: ({ pageParam }: { pageParam: number }) =>
      valueOf(api.events.list({ ...filter, offset: pageParam, limit: pageSize })),
    initialPageParam: 0,
    getNextPageParam: (last: EventPage, pages: EventPage[]) => {
      const loaded = pages.reduce((sum, page) => sum + page.events.length, 0);
      return last.events.length > 0 && loaded < last.total ? loaded : undefined;
    },
  };
}

/** The loaded rows of an infinite list, in order, and the total the last page reported. */
export function loadedEvents(data: InfiniteData<EventPage, unknown> | undefined): {
  rows: StoredEvent[];
  total: number | null;
} {
  if (!data || data.pages.length === 0) return { rows: [], total: null };
  return { rows: data.pages.flatMap((page) => page.events), total: data.pages[data.pages.length - 1]!.total };
}

/** The workspace's environments by name: whose keychain secrets a replay's scripts may read. */
export function environmentNamesQuery(api: Pick<StudioClient, 'environments'>) {
  return {
    queryKey: ['environments'] as const,
    queryFn: () => valueOf(api.environments.list()),
    select: (environments: ChannelOutput<'environments.list'>) => environments.map((environment) => environment.name),
  };
}

export function facetsQuery(api: EventsApi) {
  return { queryKey: eventKeys.facets(), queryFn: () => valueOf(api.events.facets()) };
}

export function eventDetailQuery(api: EventsApi, id: string) {
  return { queryKey: eventKeys.detail(id), queryFn: () => valueOf(api.events.get({ id })) };
}

/** The library changed (an import ended, events were saved, pinned, tagged or deleted). */
export function invalidateEventLibrary(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ queryKey: eventKeys.all });
}
