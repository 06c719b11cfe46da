import type { StudioServices } from '../authoring/services';
import type { Handlers } from '../router';

type PublishChannel =
  'publish.preview' | 'publish.start' | 'publish.progress' | 'publish.history' | 'publish.rollback' | 'events.pull';

/** The publish screen's channels (docs/publish.md); the work is in publisher.ts. */
export function publishHandlers(services: StudioServices): Pick<Handlers, PublishChannel> {
  return {
    'publish.preview': ({ environment }) => services.publisher.preview(environment),
    'publish.start': (input) => services.publisher.start(input),
    'publish.progress': ({ jobId }) => services.publisher.progress(jobId),
    'publish.history': ({ environment }) => services.publisher.history(environment),
    'publish.rollback': (input) => services.publisher.rollback(input),
    'events.pull': (input) => services.publisher.pullEvents(input),
  };
}
