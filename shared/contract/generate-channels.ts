import { z } from 'zod';
import { hookIdSchema } from '../hooks/definitions';
import { edgeCaseTags } from '../hooks/event-generator';
import type { ChannelSpec } from './channel-spec';

// The script editor's "Generate events" (docs/hooks.md, "Generated events"): the draft on events
// generated from its hook's schema, judged as the editor's Run judges one event. The page waits for
// the whole answer, so a run is smaller than the CLI's (which streams): 1,000 events at most.

export const maxStudioGeneratedEvents = 1_000;

const edgeCase = z.enum(edgeCaseTags);
const counts = z.record(z.string(), z.number().int());

const failure = z.object({
  index: z.number().int(),
  kind: z.enum(['crash', 'invalid-result', 'limit', 'other']),
  error: z.object({
    code: z.string(),
    message: z.string(),
    line: z.number().int().optional(),
    scriptId: z.string().optional(),
  }),
  edgeCases: z.array(edgeCase),
  /** The recorded event of docs/formats.md, for events.save with create: true. */
  recorded: z.object({ id: z.string(), hook: hookIdSchema, event: z.record(z.string(), z.unknown()) }),
});

export const generateReportSchema = z.object({
  hook: hookIdSchema,
  seed: z.number().int(),
  events: z.number().int(),
  failures: z.number().int(),
  crashes: z.number().int(),
  invalidResults: z.number().int(),
  /** Failures by limit code: TIMEOUT, INSTRUCTION_LIMIT, MEMORY_LIMIT, SCRIPT_TOO_LARGE. */
  limits: counts,
  /** Failures by error code. */
  errors: counts,
  decisions: z.object({
    allow: z.number().int(),
    deny: z.number().int(),
    data: z.number().int(),
    recorded: z.number().int(),
    error: z.number().int(),
  }),
  denyReasons: counts,
  edgeCases: z.record(edgeCase, z.object({ events: z.number().int(), failures: z.number().int() })),
  /** The first 100 failures, each with its event. */
  failed: z.array(failure),
  failedOmitted: z.number().int(),
});

export const generateChannels = {
  'scripts.generate': {
    description:
      "Runs a script text on events generated from its hook's schema (typical values and edge cases) and reports crashes, invalid results, limit hits and decisions, each failure with its event.",
    input: z
      .object({
        source: z.string().max(64 * 1024),
        hook: hookIdSchema,
        count: z.number().int().min(1).max(maxStudioGeneratedEvents).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
        environment: z.string().optional(),
      })
      .strict(),
    output: generateReportSchema,
    errors: [],
  },
} as const satisfies Record<string, ChannelSpec>;
