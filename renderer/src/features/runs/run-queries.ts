import type { QueryClient } from '@tanstack/react-query';
import type { ChannelInput, StudioClient } from '@shared/contract';
import { valueOf } from '../../app/studio-error';

// The replay runs' keys in the page's cache, in one place: the list of runs, each run's results
// (paged, per filter), and comparisons of two runs (paged, per filter).

export type RunsApi = Pick<StudioClient, 'runs'>;
export type ResultsFilter = ChannelInput<'runs.results'>['only'];
export type CompareFilter = ChannelInput<'runs.compare'>['only'];

/** How many runs the list shows, newest first. */
export const runListLimit = 200;
export const runPageSize = 200;

export const runKeys = {
  all: ['runs'] as const,
  list: () => ['runs', 'list'] as const,
  results: (runId: number) => ['runs', 'results', runId] as const,
  resultsOf: (runId: number, only: ResultsFilter) => ['runs', 'results', runId, only] as const,
  comparisons: () => ['runs', 'compare'] as const,
  compare: (before: number, after: number, only: CompareFilter) => ['runs', 'compare', before, after, only] as const,
};

export function runListQuery(api: RunsApi) {
  return { queryKey: runKeys.list(), queryFn: () => valueOf(api.runs.list({ limit: runListLimit })) };
}

export function runResultsPage(api: RunsApi, runId: number, only: ResultsFilter) {
  return (offset: number, limit: number) => valueOf(api.runs.results({ runId, only, offset, limit }));
}

export function runComparePage(api: RunsApi, before: number, after: number, only: CompareFilter) {
  return (offset: number, limit: number) => valueOf(api.runs.compare({ before, after, only, offset, limit }));
}

/** A run started, ended or was deleted: the list, its results and the comparisons with it change. */
export function invalidateRun(client: QueryClient, runId: number | null): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: runKeys.list() }),
    runId === null ? undefined : client.invalidateQueries({ queryKey: runKeys.results(runId) }),
    client.invalidateQueries({
      queryKey: runKeys.comparisons(),
      predicate: (query) => runId === null || query.queryKey[2] === runId || query.queryKey[3] === runId,
    }),
  ]).then(() => undefined);
}
