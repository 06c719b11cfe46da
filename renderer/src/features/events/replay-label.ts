import { describeFilter, type EventFilter } from './event-filter';

const events = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'event' : 'events'}`;

/** The label a replay run gets from what it replays, shown in the runs list. */
export function replayLabel(
  what:
    | { kind: 'selected'; count: number }
    | { kind: 'pinned'; count: number }
    | { kind: 'filter'; count: number; filter: EventFilter },
): string {
  if (what.kind === 'selected') return `Selected: ${events(what.count)}`;
  if (what.kind === 'pinned') return `Pinned suite: ${events(what.count)}`;
  return `Matching ${describeFilter(what.filter)}: ${events(what.count)}`;
}
