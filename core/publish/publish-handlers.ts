import type { Handlers } from '../router';
import type { PublishJobs } from './publish-jobs';
import { previewPublish, type PublishPreviewDeps } from './publish-preview';
import { publishHistory, rollback, type PublishVersionsDeps } from './publish-versions';

// The publish screen's channels (docs/publish.md): preview (publish-preview.ts), the publish jobs
// (publish-jobs.ts), history and rollback (publish-versions.ts).

type PublishChannel = 'publish.preview' | 'publish.start' | 'publish.progress' | 'publish.history' | 'publish.rollback';

export interface PublishHandlerDeps extends PublishPreviewDeps, PublishVersionsDeps {
  jobs: Pick<PublishJobs, 'start' | 'progress'>;
}

export function publishHandlers(deps: PublishHandlerDeps): Pick<Handlers, PublishChannel> {
  return {
    'publish.preview': ({ environment }) => previewPublish(deps, environment),
    'publish.start': async (input) => {
      const { jobId } = await deps.jobs.start(input);
      return { jobId };
    },
    'publish.progress': ({ jobId }) => deps.jobs.progress(jobId),
    'publish.history': ({ environment }) => publishHistory(deps, environment),
    'publish.rollback': (input) => rollback(deps, input),
  };
}
