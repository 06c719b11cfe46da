import { hookDefinitions, lifecycleGroups } from '../shared/hooks';
import { appInfo, type StudioHost } from './app-info';
import type { Handlers } from './router';

export interface CoreOptions {
  host: StudioHost;
}

/** The handlers of every contract channel; transports (IPC, HTTP) stay out of here. */
export function createHandlers(options: CoreOptions): Handlers {
  return {
    'app.info': () => appInfo(options.host),
    'hooks.list': () => ({
      groups: lifecycleGroups.map(({ id, label }) => ({ id, label })),
      hooks: hookDefinitions.map(({ id, label, group, mode, description }) => ({
        id,
        label,
        group,
        mode,
        description,
      })),
    }),
  };
}
