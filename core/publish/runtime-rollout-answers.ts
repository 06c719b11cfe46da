import type { z } from 'zod';
import { rolloutDifferenceSchema, rolloutViewSchema } from '../../shared/contract/rollout-channels';
import { RuntimeRequestError } from './runtime-http';

// The runtime's rollout answers (docs/runtime.md, "Rollouts"), checked against the contract's shapes
// before the studio uses them: a runtime's answer is read as carefully as a user's input, and one
// that is not a rollout is reported as such rather than passed on to the page. An answer may carry
// the rollout itself or wrap it as `{ rollout }` (the promote answer adds the version).

export type RolloutView = z.infer<typeof rolloutViewSchema>;
export type RolloutDifference = z.infer<typeof rolloutDifferenceSchema>;

export function rolloutOf(answer: Record<string, unknown>, url: string, what: string): RolloutView {
  const candidate = answer.rollout !== undefined && typeof answer.rollout === 'object' ? answer.rollout : answer;
  const parsed = rolloutViewSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  throw notUnderstood(url, what, 'a rollout', parsed.error.issues[0]);
}

export function differencesOf(answer: unknown, url: string): RolloutDifference[] {
  const list = Array.isArray(answer) ? answer : (answer as { differences?: unknown } | null)?.differences;
  const parsed = rolloutDifferenceSchema.array().safeParse(list);
  if (parsed.success) return parsed.data;
  throw notUnderstood(url, 'GET /v1/rollouts/current/differences', 'a list of differences', parsed.error.issues[0]);
}

function notUnderstood(
  url: string,
  what: string,
  expected: string,
  issue: z.ZodIssue | undefined,
): RuntimeRequestError {
  const where = issue ? ` (${issue.path.join('.') || 'answer'}: ${issue.message})` : '';
  return new RuntimeRequestError(
    'RUNTIME_UNREACHABLE',
    `${url} answered ${what} with something that is not ${expected}${where}: is it a Pipeline Studio runtime of version 1.1 or later?`,
    200,
  );
}
