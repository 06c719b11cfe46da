import type { z } from 'zod';
import { payloadSchemas } from './payload-schemas';
import type { HookId } from './definitions';

export interface EventProblem {
  /** Dotted path of the field, e.g. `user.email`; empty for the payload itself. */
  path: string;
  message: string;
}

export type EventValidation =
  { ok: true; event: Record<string, unknown> } | { ok: false; problems: EventProblem[]; message: string };

function describe(issue: z.core.$ZodIssue): EventProblem {
  const path = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return { path, message: missing ? 'required field is missing' : issue.message };
}

/**
 * Checks a payload against its hook's schema. Unknown fields are kept; each problem names its
 * field path so an admin can find it in a large recorded event.
 */
export function validateEvent(hook: HookId, payload: unknown): EventValidation {
  const parsed = payloadSchemas[hook].safeParse(payload);
  if (parsed.success) return { ok: true, event: parsed.data as Record<string, unknown> };
  const problems = parsed.error.issues.map(describe);
  const message = problems.map((p) => `${p.path || '(event)'}: ${p.message}`).join('; ');
  return { ok: false, problems, message: `INVALID_EVENT: ${message}` };
}
