import type { Bundle } from '../../shared/engine';
import type { DifferenceJson, RolloutJson } from '../rollout/rollout-types';
import { api, bundleOf, type ApiResponse } from './harness';

// Test support for rollouts over HTTP (docs/runtime.md, "Rollouts"): one-script bundles on
// signin.before (its payload carries user.id, the canary's default sticky key), a sign-in event per
// user, and the requests that start, read and steer a rollout. Every helper speaks to a runtime's
// URL with a token, so the same ones serve an in-process runtime and each of several instances.

export interface Endpoint {
  url: string;
  token: string;
}

export const rolloutHook = 'signin.before';

/** A bundle whose one script decides signin.before; `name` keeps the content (and hash) apart. */
export function gateBundle(name: string, source: string, script: { timeoutMs?: number } = {}): Bundle {
  return { ...bundleOf({ gate: { source, ...script } }, { [rolloutHook]: { layers: [['gate']] } }), name };
}

export const allowing = (name: string) => gateBundle(name, 'return true');
export const denying = (name: string, reason = `${name} says no`) =>
  gateBundle(name, `return { allow = false, reason = "${reason}", code = "NO" }`);
export const erroring = (name: string) => gateBundle(name, `error("boom")\nreturn true`);

/**
 * A script that takes `ms` of wall-clock time: a loop bounded by elapsed time (helpers.now() is in
 * milliseconds, docs/engine.md), so that it is slow the same way on a fast or a loaded machine.
 */
export const slow = (name: string, ms: number) =>
  gateBundle(name, `local started = helpers.now()\nwhile helpers.now() - started < ${ms} do end\nreturn true`);

export const signinEvent = (userId: string, ip = '203.0.113.7') => ({
  request: { ip },
  user: { id: userId, email: `${userId}@example.com` },
  method: 'password',
});

export const userIds = (count: number, prefix = 'usr') => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** What POST /v1/hooks/{hook} answers for a blocking hook. */
export interface BlockingAnswer {
  allow: boolean;
  reason?: string;
  code?: string;
  version: number | null;
  traceId: string;
  error?: { code: string; script?: string };
}

export async function activeHashOf(endpoint: Endpoint): Promise<string | null> {
  return (await api(endpoint.url, 'GET', '/v1/health')).json.activeHash as string | null;
}

export async function publishOn(endpoint: Endpoint, bundle: Bundle): Promise<ApiResponse> {
  const active = await activeHashOf(endpoint);
  return api(endpoint.url, 'PUT', '/v1/bundle', {
    token: endpoint.token,
    headers: { 'if-match': active ? `"${active}"` : '*' },
    body: { bundle, message: 'test' },
  });
}

/** POST /v1/rollouts with If-Match of the active bundle (or `ifMatch` when given; null: none sent). */
export async function startRollout(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  ifMatch?: string | null,
): Promise<ApiResponse> {
  const tag = ifMatch === undefined ? `"${(await activeHashOf(endpoint)) ?? ''}"` : ifMatch;
  return api(endpoint.url, 'POST', '/v1/rollouts', {
    token: endpoint.token,
    ...(tag !== null ? { headers: { 'if-match': tag } } : {}),
    body,
  });
}

/** Starts a rollout that must start (201), and returns it. */
export async function startedRollout(endpoint: Endpoint, body: Record<string, unknown>): Promise<RolloutJson> {
  const started = await startRollout(endpoint, body);
  if (started.status !== 201) throw new Error(`the rollout did not start: ${started.status} ${started.text}`);
  return started.json as unknown as RolloutJson;
}

export async function currentRollout(endpoint: Endpoint): Promise<RolloutJson> {
  const current = await api(endpoint.url, 'GET', '/v1/rollouts/current', { token: endpoint.token });
  if (current.status !== 200) throw new Error(`GET /v1/rollouts/current: ${current.status} ${current.text}`);
  return current.json as unknown as RolloutJson;
}

export function steer(endpoint: Endpoint, action: 'promote' | 'abort' | { percent: number }): Promise<ApiResponse> {
  return typeof action === 'string'
    ? api(endpoint.url, 'POST', `/v1/rollouts/current/${action}`, { token: endpoint.token })
    : api(endpoint.url, 'PATCH', '/v1/rollouts/current', { token: endpoint.token, body: action });
}

export async function differencesOf(endpoint: Endpoint, limit = 100): Promise<DifferenceJson[]> {
  const answer = await api(endpoint.url, 'GET', `/v1/rollouts/current/differences?limit=${limit}`, {
    token: endpoint.token,
  });
  if (answer.status !== 200) throw new Error(`GET differences: ${answer.status} ${answer.text}`);
  return (answer.json as unknown as { differences: DifferenceJson[] }).differences;
}

export async function invoke(endpoint: Endpoint, event: unknown, hook = rolloutHook): Promise<BlockingAnswer> {
  const answer = await api(endpoint.url, 'POST', `/v1/hooks/${hook}`, { token: endpoint.token, body: { event } });
  if (answer.status !== 200) throw new Error(`POST /v1/hooks/${hook}: ${answer.status} ${answer.text}`);
  return answer.json as unknown as BlockingAnswer;
}

/** One sign-in per user, `concurrency` at a time; the answers in the users' order. */
export async function invokeEach(endpoint: Endpoint, users: readonly string[], concurrency = 8) {
  const answers: BlockingAnswer[] = new Array<BlockingAnswer>(users.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < users.length; i = next++) answers[i] = await invoke(endpoint, signinEvent(users[i]!));
    }),
  );
  return answers;
}

/**
 * Re-reads until `done` holds: for what another instance or a background write makes true a little
 * later. Bounded by a number of tries, each waiting for its read's answer, never a fixed sleep.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  tries = 200,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what} after ${tries} reads; last: ${JSON.stringify(last)}`);
}
