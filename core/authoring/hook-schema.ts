import { hookJsonSchema, modeOf, samplePayloads } from '../../shared/hooks';
import type { Handlers } from '../router';

// A hook's payload for the editor: its JSON Schema (completions of `event.`) and a realistic sample
// (the starting event of a run). Both come from the one zod schema per hook in shared/hooks.

export function hookSchemaHandlers(): Pick<Handlers, 'hooks.schema'> {
  return {
    'hooks.schema': ({ hook }) => ({
      hook,
      mode: modeOf(hook),
      schema: hookJsonSchema(hook),
      // A copy: the samples are shared constants, and what a handler returns goes on to be serialised.
      sample: structuredClone(samplePayloads[hook]),
    }),
  };
}
