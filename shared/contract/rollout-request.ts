import { z } from 'zod';

// What starting a rollout asks for (publish.start's `rollout`, docs/publish.md "Rollouts"), apart
// from rollout-channels.ts so that the publish channels can name it without an import cycle.

export const rolloutModeSchema = z.enum(['canary', 'shadow']);
export const rolloutStateSchema = z.enum(['running', 'promoted', 'aborted', 'rolled-back']);
export const stickyKeySchema = z.enum(['user.id', 'user.email', 'request.ip']);

/** What a publish job needs to start a rollout instead of publishing (publish.start's `rollout`). */
export const rolloutRequestSchema = z
  .object({
    mode: rolloutModeSchema,
    percent: z.number().int().min(1).max(100),
    stickyBy: stickyKeySchema.optional(),
    guard: z
      .object({
        maxErrorRate: z.number().min(0).max(1).optional(),
        maxP99Ms: z.number().positive().max(600_000).optional(),
        minSamples: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
