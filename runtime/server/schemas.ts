import { z } from 'zod';
import { hookIdSchema } from '../../shared/hooks';

// The JSON bodies and query strings of the API. A body that parses as JSON but does not fit is
// 422 with each problem listed; a bad query string is 400.

export const publishBodySchema = z.strictObject({
  /** The inlined bundle (docs/formats.md); its own rules are checked by validateBundle (PIPELINE_INVALID). */
  bundle: z.unknown().refine((value) => value !== undefined, 'required field is missing'),
  message: z.string().max(2000).optional(),
  /** Who publishes; default: the token's name, else "token <id>". */
  author: z.string().min(1).max(200).optional(),
});

export const rollbackBodySchema = z.strictObject({
  version: z.number().int().min(1),
  message: z.string().max(2000).optional(),
  author: z.string().min(1).max(200).optional(),
});

export const secretBodySchema = z.strictObject({
  value: z.string().min(1, 'value must not be empty'),
});

export const invokeBodySchema = z.strictObject({
  event: z.record(z.string(), z.unknown()),
});

const limit = z.coerce.number().int().min(1).max(10_000).optional();
/** An ISO-8601 time or epoch milliseconds. */
const since = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'since must be an ISO-8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

export const eventsQuerySchema = z.strictObject({ hook: hookIdSchema.optional(), since, limit });
/** Traces are larger than events (a few KB each): at most 1,000 per request. */
export const tracesQuerySchema = z.strictObject({ since, limit: z.coerce.number().int().min(1).max(1000).optional() });
export const historyQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });

export function problemsOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.code === 'invalid_type' && issue.input === undefined ? 'required field is missing' : issue.message,
  }));
}
