import { z } from 'zod';
import { payloadSchemas } from './payload-schemas';
import type { HookId } from './definitions';

export type JsonSchema = Record<string, unknown>;

const cache = new Map<HookId, JsonSchema>();

/** The hook's payload schema as JSON Schema (draft 2020-12): the editor's completions and docs read it. */
export function hookJsonSchema(hook: HookId): JsonSchema {
  let schema = cache.get(hook);
  if (!schema) {
    schema = z.toJSONSchema(payloadSchemas[hook], { io: 'input' }) as JsonSchema;
    cache.set(hook, schema);
  }
  return schema;
}
