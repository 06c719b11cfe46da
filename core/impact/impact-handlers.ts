import type { Handlers } from '../router';
import type { ImpactJobs } from './impact-jobs';

// The Impact step's channels (shared/contract/impact-channels.ts): the jobs do the work
// (impact-jobs.ts); events.acceptOutcome is the event library's (core/replay/event-library.ts).

type ImpactChannel = 'impact.start' | 'impact.progress' | 'impact.changes' | 'impact.cancel' | 'impact.acknowledge';

export interface ImpactHandlerDeps {
  impacts: Pick<ImpactJobs, 'start' | 'progress' | 'changes' | 'cancel' | 'acknowledge'>;
}

export function impactHandlers({ impacts }: ImpactHandlerDeps): Pick<Handlers, ImpactChannel> {
  return {
    'impact.start': (input) => impacts.start(input),
    'impact.progress': ({ impactId }) => impacts.progress(impactId),
    'impact.changes': (input) => impacts.changes(input),
    'impact.cancel': ({ impactId }) => impacts.cancel(impactId),
    'impact.acknowledge': (input) => impacts.acknowledge(input),
  };
}
