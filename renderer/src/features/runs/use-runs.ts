import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { StudioError, errorMessage, unwrap, valueOf } from '../../app/studio-error';
import { usePagedQuery } from '../../components/use-paged-query';
import { collectRunEventIds } from './run-event-ids';
import { againLabel, type ReplayRun } from './run-label';
import {
  invalidateRun,
  runComparePage,
  runKeys,
  runListQuery,
  runPageSize,
  runResultsPage,
  type CompareFilter,
  type ResultsFilter,
} from './run-queries';

// The replay runs' server state: the list, one run's results and a comparison of two runs (both
// paged as the grid scrolls), and what can be done to a run. A change invalidates what it touches
// (run-queries.ts).

export function useRuns() {
  const query = useQuery(runListQuery(studio));
  return { runs: query.data ?? null, error: errorMessage(query.error) };
}

/** Tells the cache a run changed (it ended while shown, say). */
export function useInvalidateRun(): (runId: number | null) => void {
  const client = useQueryClient();
  return (runId) => void invalidateRun(client, runId);
}

export function useRunResults(runId: number, only: ResultsFilter) {
  return usePagedQuery({
    listKey: runKeys.resultsOf(runId, only),
    fetchPage: runResultsPage(studio, runId, only),
    rowsOf: (page) => page.results,
    pageSize: runPageSize,
  });
}

/** Two runs event by event; nothing is asked while the "before" run is not chosen. */
export function useRunComparison(before: number | null, after: number, only: CompareFilter) {
  return usePagedQuery({
    listKey: runKeys.compare(before ?? -1, after, only),
    fetchPage: runComparePage(studio, before ?? -1, after, only),
    rowsOf: (page) => page.rows,
    pageSize: runPageSize,
    enabled: before !== null,
  });
}

export function useCancelReplay() {
  return useMutation({ mutationFn: (runId: number) => valueOf(studio.replay.cancel({ runId })) });
}

export function useExportRun() {
  return useMutation({
    mutationFn: (input: ChannelInput<'runs.export'>) => valueOf(studio.runs.export(input)),
  });
}

export function useDeleteRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (runId: number) => valueOf(studio.runs.delete({ runId })),
    onSuccess: (_value, runId) => {
      client.removeQueries({ queryKey: runKeys.results(runId) });
      return invalidateRun(client, null);
    },
  });
}

/** The same events as a run, replayed again with the same environment's secrets. */
export function useReplayAgain() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (run: ReplayRun) => {
      const ids = unwrap(await collectRunEventIds(run.id));
      const label = againLabel(run);
      // Runs from before the environment was recorded read staging's secrets.
      const started = await studio.replay.start({
        selection: { kind: 'events', ids },
        label,
        ...(run.environment !== undefined ? { environment: run.environment } : {}),
      });
      if (!started.ok)
        throw new StudioError({ ...started.error, message: `The replay did not start: ${started.error.message}` });
      return started.value;
    },
    onSuccess: (started) => invalidateRun(client, started.run.id),
  });
}
