import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { studio } from '../../client/studio-client';
import { valueOf } from '../../app/studio-error';
import { usePagedQuery } from '../../components/use-paged-query';
import { eventDetailQuery } from '../events/event-queries';
import type { TraceQuery } from './trace-filter';
import {
  invalidateTraceLists,
  isTraceId,
  traceDetailQuery,
  traceKeys,
  traceListPage,
  tracePageSize,
  tracesOfEventQuery,
} from './trace-queries';

// The trace screens' server state: the paged list of one filter, one stored trace, its input event,
// the other traces of the same event, and the OTLP export.

export function useTraceList(query: TraceQuery) {
  return usePagedQuery({
    listKey: traceKeys.list(query),
    fetchPage: traceListPage(studio, query),
    rowsOf: (page) => page.traces,
    pageSize: tracePageSize,
  });
}

/** "Refresh": every trace list is asked again (rows stay shown until their new page arrives). */
export function useRefreshTraces(): () => void {
  const client = useQueryClient();
  return () => void invalidateTraceLists(client);
}

export function useTrace(traceId: string) {
  return useQuery({ ...traceDetailQuery(studio, traceId), enabled: isTraceId(traceId) });
}

/** The library event a trace replayed, when it has one. */
export function useTraceInputEvent(eventId: string | undefined) {
  return useQuery({ ...eventDetailQuery(studio, eventId ?? ''), enabled: eventId !== undefined });
}

/** Another trace, for the comparison (none while `traceId` is null). */
export function useOtherTrace(traceId: string | null) {
  return useQuery({ ...traceDetailQuery(studio, traceId ?? ''), enabled: traceId !== null });
}

export function useTracesOfEvent(eventId: string | undefined) {
  return useQuery({ ...tracesOfEventQuery(studio, eventId ?? ''), enabled: eventId !== undefined });
}

export function useExportTraces() {
  return useMutation({ mutationFn: (traceIds: string[]) => valueOf(studio.traces.export({ traceIds })) });
}
