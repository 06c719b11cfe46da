import type { Handlers } from '../router';
import { storeFilter } from './event-library';
import type { ReplayJobs, ReplaySelection } from './replay-jobs';
import { runView } from './views';

// replay.start / replay.progress / replay.cancel over the one replay orchestrator (replay-jobs.ts).

export interface ReplayHandlersDeps {
  replayJobs: Pick<ReplayJobs, 'start' | 'progress' | 'cancel'>;
}

export function replayHandlers(
  services: ReplayHandlersDeps,
): Pick<Handlers, 'replay.start' | 'replay.progress' | 'replay.cancel'> {
  return {
    'replay.start': ({ selection, label, environment, faults }) => {
      const chosen: ReplaySelection =
        selection.kind === 'filter' ? { kind: 'filter', filter: storeFilter(selection.filter) } : selection;
      return { run: runView(services.replayJobs.start({ selection: chosen, label, environment, faults })) };
    },
    'replay.progress': ({ runId }) => services.replayJobs.progress(runId),
    'replay.cancel': ({ runId }) => services.replayJobs.cancel(runId),
  };
}
