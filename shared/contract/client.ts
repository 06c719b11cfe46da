import { channelNames, type ChannelInput, type ChannelName, type ChannelOutput } from './channels';
import type { EventName, EventPayload, EventStream } from './events';
import type { Result } from './result';

/** How a client reaches the core: Electron IPC in the desktop app, HTTP in web mode. */
export type Transport = (channel: ChannelName, input: unknown) => Promise<Result<unknown>>;

type Namespace = ChannelName extends `${infer N}.${string}` ? N : never;

type Method<C extends ChannelName> =
  ChannelInput<C> extends Record<string, never>
    ? (input?: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;

/**
 * Listens to one pushed event of the contract; returns the function that stops listening.
 * `onOpen` runs once the event stream is connected (at once when it already is) and again after
 * every reconnect: the listener reads there the state it follows, since events pushed while the
 * stream was not connected are lost.
 */
export type Listen = <E extends EventName>(
  name: E,
  listener: (payload: EventPayload<E>) => void,
  onOpen?: () => void,
) => () => void;

/**
 * `client.hooks.list()`: one named method per channel, never a generic `invoke(channel, …)`;
 * `client.listen('replay.progress', …)` for the events the core pushes.
 */
export type StudioClient = {
  [N in Namespace]: {
    [C in ChannelName as C extends `${N}.${infer M}` ? M : never]: Method<C>;
  };
} & { listen: Listen };

/**
 * The client over a transport. `events`: where pushed events come from; one subscription to it is
 * shared by every listener and held only while someone listens.
 */
export function createClient(transport: Transport, events?: EventStream): StudioClient {
  const client: Record<string, unknown> = {};
  for (const channel of channelNames) {
    const [namespace, method] = channel.split('.') as [string, string];
    const methods = (client[namespace] ??= {}) as Record<string, (input?: unknown) => Promise<Result<unknown>>>;
    methods[method] = (input?: unknown) => transport(channel, input ?? {});
  }
  client.listen = sharedListen(events ?? { subscribe: (_listener, onOpen) => (onOpen?.(), () => {}) });
  return client as unknown as StudioClient;
}

interface Entry {
  name: EventName;
  listener: (payload: never) => void;
  onOpen?: () => void;
}

/** A listener's failure is reported (as an unhandled rejection) without keeping the others from the event. */
function isolated(run: () => void): void {
  try {
    run();
  } catch (error) {
    void Promise.reject(error);
  }
}

/**
 * Every listener shares one subscription to `events`, held only while someone listens. `onOpen`
 * callbacks always run after listen() has returned (a microtask later), never inside it.
 */
function sharedListen(events: EventStream): Listen {
  const entries = new Set<Entry>();
  let unsubscribe: (() => void) | null = null;
  let open = false;
  // Which subscription is current: a stopped one's late "open" must not reach the next one's listeners.
  let generation = 0;

  const later = (entry: Entry) =>
    void Promise.resolve().then(() => {
      if (entries.has(entry) && entry.onOpen) isolated(entry.onOpen);
    });

  const subscribe = () => {
    const mine = ++generation;
    open = false;
    unsubscribe = events.subscribe(
      (event) => {
        if (mine !== generation) return;
        for (const entry of [...entries]) {
          if (entry.name === event.name) isolated(() => entry.listener(event.payload as never));
        }
      },
      () => {
        if (mine !== generation) return;
        open = true;
        for (const entry of entries) later(entry);
      },
    );
  };

  return (name, listener, onOpen) => {
    const entry: Entry = { name, listener: listener as (payload: never) => void, onOpen };
    entries.add(entry);
    if (!unsubscribe) subscribe();
    else if (open) later(entry);
    return () => {
      if (!entries.delete(entry) || entries.size > 0 || !unsubscribe) return;
      const stop = unsubscribe;
      unsubscribe = null;
      generation += 1;
      stop();
    };
  };
}
