import { contract, type ChannelName, type EventStream } from '../shared/contract';
import { hookDefinitions, lifecycleGroups } from '../shared/hooks';
import { appInfo, type StudioHost } from './app-info';
import { environmentHandlers } from './authoring/environments';
import { toContractError } from './authoring/errors';
import { hookSchemaHandlers } from './authoring/hook-schema';
import { pipelineHandlers } from './authoring/pipeline';
import { scriptCheckHandlers } from './authoring/script-check';
import { scriptRunHandlers } from './authoring/script-run';
import { scriptHandlers } from './authoring/scripts';
import { secretHandlers } from './authoring/secrets';
import { StudioServices, type StudioServicesOptions } from './authoring/services';
import { workspaceInfoHandlers } from './authoring/workspace-info';
import { publishHandlers } from './publish/publish-handlers';
import { eventLibraryHandlers } from './replay/event-library';
import { replayHandlers } from './replay/replay-handlers';
import { runHandlers } from './replay/runs';
import { traceHandlers } from './replay/traces';
import type { Handler, Handlers } from './router';

export interface CoreOptions extends StudioServicesOptions {
  host: StudioHost;
}

export interface StudioCore {
  handlers: Handlers;
  /** The events the core pushes (shared/contract/events.ts); the hosts carry them to the page. */
  events: EventStream;
  /** Stops the engine's workers and closes the workspace; hosts call it once, on shutdown. */
  close(): Promise<void>;
}

/**
 * Every handler answers the store's and the keychain's failures with its channel's declared codes
 * (authoring/errors.ts), so that each area's code can just let them be thrown.
 */
function withDeclaredErrors(handlers: Handlers): Handlers {
  const wrapped: Partial<Record<ChannelName, unknown>> = {};
  for (const channel of Object.keys(handlers) as ChannelName[]) {
    const handler = handlers[channel] as Handler<ChannelName>;
    const declared = contract[channel].errors;
    wrapped[channel] = async (input: Parameters<typeof handler>[0]) => {
      try {
        return await handler(input);
      } catch (error) {
        throw toContractError(error, declared);
      }
    };
  }
  return wrapped as Handlers;
}

/**
 * The handlers of every contract channel; transports (IPC, HTTP) stay out of here. The workspace
 * (in `dataDir`, default the app's folder), the keychain and the engine pool are opened on first
 * use, so creating the core is cheap and cannot fail.
 */
export function createHandlers(options: CoreOptions): StudioCore {
  const services = new StudioServices(options);
  const handlers: Handlers = {
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
    ...hookSchemaHandlers(),
    ...workspaceInfoHandlers(services),
    ...pipelineHandlers(services),
    ...scriptHandlers(services),
    ...scriptCheckHandlers(services),
    ...scriptRunHandlers(services),
    ...environmentHandlers(services),
    ...secretHandlers(services),
    ...eventLibraryHandlers(services),
    ...replayHandlers(services),
    ...runHandlers(services),
    ...traceHandlers(services),
    ...publishHandlers(services),
  };
  return { handlers: withDeclaredErrors(handlers), events: services.events, close: () => services.close() };
}
