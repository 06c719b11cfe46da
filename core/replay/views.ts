import type { ChannelOutput } from '../../shared/contract';
import type { ReplayRun, StoredEvent, TraceSummary } from '../store';

// The store's records as the replay screens' channels show them. Absent fields stay absent (no
// nulls), as everywhere in the contract.

export type EventView = ChannelOutput<'events.get'>;
export type RunView = ChannelOutput<'runs.list'>[number];
export type TraceSummaryView = ChannelOutput<'traces.get'>['summary'];

export function eventView(stored: StoredEvent): EventView {
  const view: EventView = {
    id: stored.id,
    hook: stored.hook,
    pinned: stored.pinned,
    tags: stored.tags,
    importedAt: stored.importedAt,
    event: stored.event,
  };
  if (stored.at !== undefined) view.at = stored.at;
  if (stored.source !== undefined) view.source = stored.source;
  if (stored.outcome !== undefined) view.outcome = stored.outcome;
  return view;
}

export function runView(run: ReplayRun): RunView {
  const view: RunView = {
    id: run.id,
    status: run.status,
    bundleHash: run.bundleHash,
    total: run.total,
    startedAt: run.startedAt,
  };
  if (run.hook !== undefined) view.hook = run.hook;
  if (run.label !== undefined) view.label = run.label;
  if (run.finishedAt !== undefined) view.finishedAt = run.finishedAt;
  if (run.summary !== undefined) view.summary = run.summary;
  if (run.message !== undefined) view.message = run.message;
  if (run.environment !== undefined) view.environment = run.environment;
  return view;
}

export function traceSummaryView(summary: TraceSummary): TraceSummaryView {
  // The store's summary has the contract's shape already; copied so that nothing else leaks out.
  const view: TraceSummaryView = {
    traceId: summary.traceId,
    hook: summary.hook,
    status: summary.status,
    startTimeUnixNano: summary.startTimeUnixNano,
    endTimeUnixNano: summary.endTimeUnixNano,
    durationMs: summary.durationMs,
    rootName: summary.rootName,
    spanCount: summary.spanCount,
  };
  if (summary.statusMessage !== undefined) view.statusMessage = summary.statusMessage;
  if (summary.eventId !== undefined) view.eventId = summary.eventId;
  if (summary.runId !== undefined) view.runId = summary.runId;
  return view;
}
