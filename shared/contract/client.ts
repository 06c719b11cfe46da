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

/** Listens to one pushed event of the contract; returns the function that stops listening. */
export type Listen = <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) => () => void;

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
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let unsubscribe: (() => void) | null = null;
  let count = 0;
  const listen: Listen = (name, listener) => {
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    const entry = listener as (payload: never) => void;
    set.add(entry);
    count += 1;
    unsubscribe ??=
      events?.subscribe((event) => {
        for (const each of listeners.get(event.name) ?? []) each(event.payload as never);
      }) ?? null;
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      set.delete(entry);
      count -= 1;
      if (count === 0 && unsubscribe) {
        unsubscribe();
        unsubscribe = null;
      }
    };
  };
  client.listen = listen;
  return client as unknown as StudioClient;
}
