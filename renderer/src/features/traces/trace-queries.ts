import type { QueryClient } from '@tanstack/react-query';
import type { StudioClient } from '@shared/contract';
import { valueOf } from '../../app/studio-error';
import type { TraceQuery } from './trace-filter';
import type { TraceDetail } from './types';

// The traces' keys in the page's cache, in one place: every list (a filter each, paged under it)
// below `['traces', 'list']`, one stored trace below `['traces', 'detail', id]`.

export type TracesApi = Pick<StudioClient, 'traces'>;

export const tracePageSize = 100;

export const traceKeys = {
  all: ['traces'] as const,
  lists: () => ['traces', 'list'] as const,
  /** Keyed by the filter's fields in a fixed order: the same filter is the same list. */
  list: (query: TraceQuery) =>
    ['traces', 'list', Object.fromEntries(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)))] as const,
  detail: (traceId: string) => ['traces', 'detail', traceId] as const,
  /** The other traces of one library event (the comparison's choices). */
  ofEvent: (eventId: string) => ['traces', 'of-event', eventId] as const,
};

/** A trace id as the core stores it: 32 hex digits (anything else is not asked for). */
export function isTraceId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

export function traceDetailQuery(api: TracesApi, traceId: string) {
  return {
    queryKey: traceKeys.detail(traceId),
    queryFn: (): Promise<TraceDetail> => valueOf(api.traces.get({ traceId })),
    // A stored trace never changes; retention may remove it, which the next open finds out.
    staleTime: Infinity,
  };
}

export function traceListPage(api: TracesApi, query: TraceQuery) {
  return (offset: number, limit: number) => valueOf(api.traces.list({ ...query, offset, limit }));
}

export function tracesOfEventQuery(api: TracesApi, eventId: string) {
  return {
    queryKey: traceKeys.ofEvent(eventId),
    queryFn: () => valueOf(api.traces.list({ eventId, limit: 100 })),
  };
}

/** New traces exist (a replay ended): every list is asked again; a stored trace stays as it is. */
export function invalidateTraceLists(client: QueryClient): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: traceKeys.lists() }),
    client.invalidateQueries({ queryKey: ['traces', 'of-event'] }),
  ]).then(() => undefined);
}
