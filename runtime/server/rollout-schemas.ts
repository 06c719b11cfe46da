import { z } from 'zod';
import { rolloutRequestSchema } from '../../shared/contract/rollout-request';

// The bodies and query strings of the rollout endpoints (rollout-routes.ts). The rollout's
// settings are the studio's own schema (mode, percent 1–100, stickyBy, bounded guard numbers), so
// that what the studio may send and what the runtime accepts cannot drift apart.

export const startRolloutBodySchema = z.strictObject({
  ...rolloutRequestSchema.shape,
  /** The inlined candidate bundle (docs/formats.md); its own rules are checked like a publish's. */
  bundle: z.unknown().refine((value) => value !== undefined, 'required field is missing'),
  message: z.string().max(2000).optional(),
  /** Who starts it; default: the token's name, else "token <id>". */
  author: z.string().min(1).max(200).optional(),
});

export const rolloutPercentBodySchema = z.strictObject({
  percent: z.number().int().min(1).max(100),
});

export const differencesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
