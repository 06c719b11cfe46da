import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '@shared/contract';
import { valueOf } from '../../app/studio-error';
import { studio } from '../../client/studio-client';
import { usePagedQuery } from '../../components/use-paged-query';
import { environmentNamesQuery, invalidateEventLibrary } from '../events/event-queries';
import { publishKeys } from '../publish/publish-queries';
import { isTraceId, traceDetailQuery } from '../traces/trace-queries';
import {
  impactChangesPage,
  impactCountQuery,
  impactKeys,
  impactPageSize,
  invalidateImpact,
  type ChangeFilter,
  type ChangeKind,
} from './impact-queries';

// The Impact step's server state: starting and cancelling an impact, its changes (paged as the
// grid scrolls, per filter), the flips per script, acknowledging flips, accepting an outcome as
// expected, and the two traces of one change. Each change invalidates what it touches.

export function useStartImpact() {
  return useMutation({
    mutationFn: (input: ChannelInput<'impact.start'>) => valueOf(studio.impact.start(input)),
  });
}

export function useCancelImpact() {
  return useMutation({ mutationFn: (impactId: string) => valueOf(studio.impact.cancel({ impactId })) });
}

/** An impact's changed events; nothing is asked while it runs (`enabled` false). */
export function useImpactChanges(impactId: string, filter: ChangeFilter, enabled: boolean) {
  return usePagedQuery({
    listKey: impactKeys.changes(impactId, filter),
    fetchPage: impactChangesPage(studio, impactId, filter),
    rowsOf: (page) => page.changes,
    pageSize: impactPageSize,
    enabled,
  });
}

/** How many changes of each kind each script made: `counts[kind][script]`, once all have answered. */
export function useScriptCounts(impactId: string, scripts: readonly string[], kinds: readonly ChangeKind[]) {
  const pairs = kinds.flatMap((kind) => scripts.map((script) => ({ kind, script })));
  const results = useQueries({
    queries: pairs.map(({ kind, script }) => impactCountQuery(studio, impactId, kind, script)),
  });
  const counts = new Map<string, number>();
  results.forEach((result, index) => {
    const pair = pairs[index];
    if (pair && result.data !== undefined) counts.set(`${pair.kind} ${pair.script}`, result.data);
  });
  const error = results.find((result) => result.error)?.error ?? null;
  return {
    ready: results.every((result) => result.data !== undefined),
    error,
    count: (kind: ChangeKind, script: string) => counts.get(`${kind} ${script}`) ?? 0,
  };
}

/** Acknowledges flips: the impact's rows and the environment's review (its impact gate) change. */
export function useAcknowledgeFlips(environment: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'impact.acknowledge'>) => valueOf(studio.impact.acknowledge(input)),
    onSettled: (_answer, _error, input) =>
      Promise.all([
        invalidateImpact(client, input.impactId),
        client.invalidateQueries({ queryKey: publishKeys.preview(environment) }),
      ]),
  });
}

/** The candidate's outcome becomes the library event's recorded one. */
export function useAcceptOutcome() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'events.acceptOutcome'>) => valueOf(studio.events.acceptOutcome(input)),
    onSuccess: () => invalidateEventLibrary(client),
  });
}

/** One stored trace of a change (none while the id is not a trace id). */
export function useImpactTrace(traceId: string) {
  return useQuery({ ...traceDetailQuery(studio, traceId), enabled: isTraceId(traceId) });
}

/** The workspace's environments by name (where an impact can look at real traffic). */
export function useEnvironmentNames() {
  return useQuery(environmentNamesQuery(studio));
}
