import type { QueryClient } from '@tanstack/react-query';
import type { ImportStore } from './import-store';
import { invalidateEventLibrary } from './event-queries';

/**
 * An import of files (the Events view's button, or a drop anywhere on the window) changed the
 * library once it finished: every event list and the facets are asked again, whichever view shows.
 */
export function invalidateOnImports(client: QueryClient, imports: Pick<ImportStore, 'subscribe' | 'getState'>) {
  let seen = imports.getState().finished;
  return imports.subscribe(() => {
    const { finished } = imports.getState();
    if (finished === seen) return;
    seen = finished;
    void invalidateEventLibrary(client);
  });
}
