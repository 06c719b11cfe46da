import type { ChannelOutput } from '../../shared/contract';
import type { StoredEvent } from '../store';
import type { Handlers } from '../router';
import type { StudioServices } from './services';

// The workspace's library of recorded events (imported with `pipeline-studio events import`), as
// the script editor's Run panel offers them: an admin runs the draft on a real event and sees the
// outcome the runtime recorded beside the draft's decision. Tags and the import time stay in the
// store; the store's failures become STORE_UNAVAILABLE (authoring/errors.ts).

type EventView = ChannelOutput<'events.list'>[number];

function view(stored: StoredEvent): EventView {
  const event: EventView = { id: stored.id, hook: stored.hook, pinned: stored.pinned, event: stored.event };
  if (stored.at !== undefined) event.at = stored.at;
  if (stored.source !== undefined) event.source = stored.source;
  if (stored.outcome !== undefined) event.outcome = stored.outcome;
  return event;
}

export function eventHandlers(services: StudioServices): Pick<Handlers, 'events.list'> {
  return {
    'events.list': ({ hook, limit }) =>
      services
        .workspace()
        .events.list(hook === undefined ? { limit } : { hook, limit })
        .map(view),
  };
}
