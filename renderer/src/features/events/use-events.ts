import { useSyncExternalStore } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '@shared/contract';
import { hasFaults, type Faults } from '@shared/engine/faults';
import { studio } from '../../client/studio-client';
import { errorMessage, unwrap, valueOf } from '../../app/studio-error';
import { invalidateRun } from '../runs/run-queries';
import { collectIds, inBatches } from './collect-ids';
import type { EventFilter } from './event-filter';
import {
  environmentNamesQuery,
  eventDetailQuery,
  eventKeys,
  eventListQuery,
  facetsQuery,
  invalidateEventLibrary,
  loadedEvents,
} from './event-queries';
import type { StoredEvent } from './event-record';

// The event library's server state: the list of one filter (loaded a page after another as it
// scrolls), the facets, one event, and every change to the library. Components render what these
// give; a change invalidates what it touches (event-queries.ts).

export type ReplayInput = ChannelInput<'replay.start'>;

export function useEventList(filter: EventFilter) {
  const query = useInfiniteQuery(eventListQuery(studio, filter));
  const { rows, total } = loadedEvents(query.data);
  return {
    rows,
    total,
    error: errorMessage(query.error),
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    loadMore: () => {
      if (query.hasNextPage && !query.isFetchingNextPage && !query.isError) void query.fetchNextPage();
    },
  };
}

export function useEventFacets() {
  const query = useQuery(facetsQuery(studio));
  return { facets: query.data ?? null, error: errorMessage(query.error) };
}

export function useStoredEvent(id: string | null) {
  return useQuery({ ...eventDetailQuery(studio, id ?? ''), enabled: id !== null });
}

/** Whose keychain secrets a replay's scripts may read: the workspace's environments by name. */
export function useEnvironmentNames(): string[] {
  return useQuery(environmentNamesQuery(studio)).data ?? ['staging'];
}

/** Every id a filter matches (for "all matching" less the unchecked ones). */
export function listMatchingIds(filter: EventFilter, except: ReadonlySet<string>): Promise<string[]> {
  return collectIds((offset, limit) => studio.events.list({ ...filter, offset, limit }), except).then(unwrap);
}

export function useSaveEvent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { record: Record<string, unknown>; create: boolean }) => valueOf(studio.events.save(input)),
    onSuccess: (saved: StoredEvent) => {
      client.setQueryData(eventKeys.detail(saved.id), saved);
      void invalidateEventLibrary(client);
    },
  });
}

export function useSetPinned() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, pinned }: { ids: string[]; pinned: boolean }) => {
      for (const batch of inBatches(ids)) await valueOf(studio.events.setPinned({ ids: batch, pinned }));
    },
    // Some batches may have been pinned before one failed: the library is asked again either way.
    onSettled: () => invalidateEventLibrary(client),
  });
}

export function useSetTags() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; tags: string[] }) => valueOf(studio.events.setTags(input)),
    onSuccess: (saved: StoredEvent) => {
      client.setQueryData(eventKeys.detail(saved.id), saved);
      void invalidateEventLibrary(client);
    },
  });
}

export function useDeleteEvents() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (ids: string[]) => {
      for (const batch of inBatches(ids)) await valueOf(studio.events.delete({ ids: batch }));
      return ids;
    },
    onSettled: (_data, _error, ids) => {
      for (const id of ids) client.removeQueries({ queryKey: eventKeys.detail(id) });
      return invalidateEventLibrary(client);
    },
  });
}

// The faults chosen in the replay section's "What if…" (WhatIfSection.tsx), kept until cleared and
// sent with every replay.start from this view; the core labels such a run "what-if: …".
let whatIfFaults: Faults | undefined;
const whatIfListeners = new Set<() => void>();

function setWhatIfFaults(next: Faults | undefined): void {
  whatIfFaults = hasFaults(next) ? next : undefined;
  for (const listener of whatIfListeners) listener();
}

/** The chosen what-if faults (undefined: a normal replay) and their setter. */
export function useWhatIfFaults(): [Faults | undefined, (next: Faults | undefined) => void] {
  const faults = useSyncExternalStore(
    (listener) => {
      whatIfListeners.add(listener);
      return () => whatIfListeners.delete(listener);
    },
    () => whatIfFaults,
  );
  return [faults, setWhatIfFaults];
}

export function useStartReplay() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ReplayInput) =>
      valueOf(studio.replay.start(whatIfFaults ? { ...input, faults: whatIfFaults } : input)),
    onSuccess: (started) => invalidateRun(client, started.run.id),
  });
}
