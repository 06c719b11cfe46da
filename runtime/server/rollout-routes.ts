import { HttpError, readJson, sendJson } from './http-io';
import { authorOf, bodyLimits, expectedHash, parseBody, parseQuery, type Route } from './route-kit';
import { differencesQuerySchema, rolloutPercentBodySchema, startRolloutBodySchema } from './rollout-schemas';

// The rollout endpoints of docs/runtime.md ("Rollouts") over the runtime's rollout methods
// (docs/rollouts.md). Starting one is a publish in all but its effect: If-Match of the active bundle
// is required and judged before the body is read, and the candidate is validated like a publish.

export const rolloutRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/rollouts$/,
    scope: 'publish',
    async handle(context) {
      const expected = expectedHash(context, true) as string | null;
      await context.runtime.checkPrecondition(expected);
      const body = parseBody(startRolloutBodySchema, await readJson(context.req, bodyLimits.bundle));
      const rollout = await context.runtime.startRollout({
        bundle: body.bundle,
        mode: body.mode,
        percent: body.percent,
        ...(body.stickyBy !== undefined ? { stickyBy: body.stickyBy } : {}),
        ...(body.guard !== undefined ? { guard: body.guard } : {}),
        ...(body.message !== undefined ? { message: body.message } : {}),
        author: authorOf(context, body.author),
        expectedHash: expected,
      });
      sendJson(context.res, 201, rollout, { location: '/v1/rollouts/current' });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/rollouts\/current$/,
    scope: 'publish',
    async handle({ res, runtime }) {
      const rollout = await runtime.currentRollout();
      if (!rollout) throw new HttpError(404, 'NO_ROLLOUT', 'no rollout has been started on this runtime');
      sendJson(res, 200, rollout);
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/v1\/rollouts\/current$/,
    scope: 'publish',
    async handle(context) {
      const body = parseBody(rolloutPercentBodySchema, await readJson(context.req, bodyLimits.small));
      sendJson(context.res, 200, await context.runtime.setRolloutPercent(body.percent, authorOf(context, undefined)));
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/rollouts\/current\/promote$/,
    scope: 'publish',
    async handle(context) {
      sendJson(context.res, 200, await context.runtime.promoteRollout(authorOf(context, undefined)));
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/rollouts\/current\/abort$/,
    scope: 'publish',
    async handle(context) {
      sendJson(context.res, 200, await context.runtime.abortRollout(authorOf(context, undefined)));
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/rollouts\/current\/differences$/,
    scope: 'events:read',
    async handle({ res, runtime, query }) {
      const { limit } = parseQuery(differencesQuerySchema, query);
      sendJson(res, 200, { differences: await runtime.rolloutDifferences(limit ?? 100) });
    },
  },
];
