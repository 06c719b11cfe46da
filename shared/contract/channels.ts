import { z } from 'zod';
import { hookIdSchema, hookModes, lifecycleGroups } from '../hooks/definitions';

import { authoringChannels } from './authoring-channels';
import { generateChannels } from './generate-channels';
import { impactChannels } from './impact-channels';
import { publishChannels } from './publish-channels';
import { replayChannels } from './replay-channels';
import { rolloutChannels } from './rollout-channels';
import type { ChannelSpec } from './channel-spec';

export type { ChannelSpec } from './channel-spec';

const noInput = z.object({}).strict();

const hookSummary = z.object({
  id: hookIdSchema,
  label: z.string(),
  group: z.enum(lifecycleGroups.map((g) => g.id) as [string, ...string[]]),
  mode: z.enum(hookModes),
  description: z.string(),
});

/**
 * Every channel between the UI and the core: the single source of truth for the Electron preload,
 * the local web transport, the core router and the renderer's typed client. Add a channel here
 * and the compiler points at every place that must handle it.
 */
export const contract = {
  'app.info': {
    description: 'Name, version and how the studio is hosted.',
    input: noInput,
    output: z.object({
      name: z.string(),
      version: z.string(),
      host: z.enum(['desktop', 'web']),
      platform: z.string(),
    }),
    errors: [],
  },
  'hooks.list': {
    description: 'The 16 hooks with their lifecycle groups, in the order the studio shows them.',
    input: noInput,
    output: z.object({
      groups: z.array(z.object({ id: z.string(), label: z.string() })),
      hooks: z.array(hookSummary),
    }),
    errors: [],
  },
  ...authoringChannels,
  ...replayChannels,
  ...publishChannels,
  ...impactChannels,
  ...generateChannels,
  ...rolloutChannels,
} as const satisfies Record<string, ChannelSpec>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export const channelNames = Object.keys(contract) as ChannelName[];

export function isChannelName(value: string): value is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, value);
}
