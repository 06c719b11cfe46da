import type { EventStream } from '../shared/contract';
import type { StudioHost } from './app-info';
import { handlerMap } from './composition/handler-map';
import { StudioRoot, type StudioRootOptions } from './composition/studio-root';
import type { Handlers } from './router';

export interface CoreOptions extends StudioRootOptions {
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
 * The handlers of every contract channel, over the composition root (core/composition). The
 * workspace (in `dataDir`, default the app's folder), the keychain and the engine pools are opened
 * on first use, so creating the core is cheap and cannot fail.
 */
export function createHandlers(options: CoreOptions): StudioCore {
  const { host, ...rootOptions } = options;
  const root = new StudioRoot(rootOptions);
  return { handlers: handlerMap(root, host), events: root.events, close: () => root.close() };
}
