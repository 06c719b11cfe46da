import { channelNames, type ChannelInput, type ChannelName, type ChannelOutput } from './channels';
import type { Result } from './result';

/** How a client reaches the core: Electron IPC in the desktop app, HTTP in web mode. */
export type Transport = (channel: ChannelName, input: unknown) => Promise<Result<unknown>>;

type Namespace = ChannelName extends `${infer N}.${string}` ? N : never;

type Method<C extends ChannelName> =
  ChannelInput<C> extends Record<string, never>
    ? (input?: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;

/** `client.hooks.list()`: one named method per channel, never a generic `invoke(channel, …)`. */
export type StudioClient = {
  [N in Namespace]: {
    [C in ChannelName as C extends `${N}.${infer M}` ? M : never]: Method<C>;
  };
};

export function createClient(transport: Transport): StudioClient {
  const client: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of channelNames) {
    const [namespace, method] = channel.split('.') as [string, string];
    client[namespace] ??= {};
    client[namespace][method] = (input?: unknown) => transport(channel, input ?? {});
  }
  return client as unknown as StudioClient;
}
