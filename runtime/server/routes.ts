import { toOtlpJson } from '../../shared/engine';
import type { BundleVersionRecord } from '../storage/types';
import { HttpError, commonHeaders, parseEntityTags, readJson, sendJson } from './http-io';
import { authorOf, bodyLimits, expectedHash, parseBody, parseQuery, type Route } from './route-kit';
import {
  eventsQuerySchema,
  historyQuerySchema,
  invokeBodySchema,
  publishBodySchema,
  rollbackBodySchema,
  secretBodySchema,
  tracesQuerySchema,
} from './schemas';

// The endpoints of docs/runtime.md ("Endpoints") for bundles, secrets, invocations and captures;
// rollouts are in rollout-routes.ts and the live tail in tail-routes.ts (route-table.ts lists all).

/**
 * Why the storage did not answer, for an unauthenticated caller: the message only (no stack), any
 * `scheme://user:password@` credentials hidden, at most 300 characters. The storages already keep
 * passwords out of ping's messages (runtime/storage/types.ts); this is the second line.
 */
function storageProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@').trim();
  return (text || 'the storage did not answer').slice(0, 300);
}

function versionJson(record: BundleVersionRecord) {
  return {
    version: record.version,
    hash: record.hash,
    publishedAt: new Date(record.publishedAt).toISOString(),
    author: record.author,
    message: record.message,
    kind: record.kind,
    ...(record.restoredFrom !== undefined ? { restoredFrom: record.restoredFrom } : {}),
  };
}

export const routes: Route[] = [
  {
    // Readiness: the instance serves and its storage answers (a load balancer sends it traffic).
    method: 'GET',
    pattern: /^\/v1\/health$/,
    scope: null,
    async handle({ res, runtime }) {
      const active = runtime.activeBundle();
      const fields = { activeHash: active?.hash ?? null, version: active?.version ?? null };
      try {
        await runtime.storage.ping();
      } catch (error) {
        const reason = storageProblem(error);
        sendJson(res, 503, { status: 'unavailable', ...fields, storage: { ok: false, error: reason } });
        return;
      }
      sendJson(res, 200, { status: 'ok', ...fields, storage: { ok: true } });
    },
  },
  {
    // Liveness: the process serves requests; no storage access (restarting it would not fix one).
    method: 'GET',
    pattern: /^\/v1\/health\/live$/,
    scope: null,
    async handle({ res }) {
      sendJson(res, 200, { status: 'ok' });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/bundle$/,
    scope: 'publish',
    async handle({ req, res, runtime }) {
      const active = runtime.activeBundle();
      if (!active) throw new HttpError(404, 'NO_ACTIVE_BUNDLE', 'no bundle has been published to this runtime');
      const etag = `"${active.hash}"`;
      const none = parseEntityTags(req.headers['if-none-match']);
      if (none === '*' || none?.includes(active.hash)) {
        res.writeHead(304, { ...commonHeaders, etag });
        res.end();
        return;
      }
      const { author, ...rest } = versionJson(active);
      sendJson(res, 200, { ...rest, publishedBy: author, bundle: active.bundle }, { etag });
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v1\/bundle$/,
    scope: 'publish',
    async handle(context) {
      const expected = expectedHash(context, true) as string | null;
      // The precondition comes before the content: a stale If-Match is 412 whatever the body holds
      // (the client must fetch the active bundle first, fixing its body would not help), and a
      // body is not read for a publish that cannot apply.
      await context.runtime.checkPrecondition(expected);
      const body = parseBody(publishBodySchema, await readJson(context.req, bodyLimits.bundle));
      const result = await context.runtime.publish({
        bundle: body.bundle,
        expectedHash: expected,
        author: authorOf(context, body.author),
        ...(body.message !== undefined ? { message: body.message } : {}),
      });
      sendJson(
        context.res,
        result.changed ? 201 : 200,
        { ...versionJson(result.active), changed: result.changed },
        { etag: `"${result.active.hash}"`, ...(result.changed ? { location: '/v1/bundle' } : {}) },
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/bundle\/history$/,
    scope: 'publish',
    async handle({ res, runtime, query }) {
      const { limit } = parseQuery(historyQuerySchema, query);
      const versions = await runtime.history(limit ?? 100);
      sendJson(res, 200, { active: runtime.activeBundle()?.version ?? null, versions: versions.map(versionJson) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/bundle\/rollback$/,
    scope: 'publish',
    async handle(context) {
      const expected = expectedHash(context, false);
      if (expected !== undefined) await context.runtime.checkPrecondition(expected);
      const body = parseBody(rollbackBodySchema, await readJson(context.req, bodyLimits.small));
      const result = await context.runtime.rollback({
        version: body.version,
        author: authorOf(context, body.author),
        ...(expected !== undefined ? { expectedHash: expected } : {}),
        ...(body.message !== undefined ? { message: body.message } : {}),
      });
      sendJson(
        context.res,
        200,
        { ...versionJson(result.active), changed: result.changed },
        { etag: `"${result.active.hash}"` },
      );
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v1\/secrets\/([^/]+)$/,
    params: ['name'],
    scope: 'secrets:write',
    async handle(context) {
      const name = context.params.name ?? '';
      const body = parseBody(secretBodySchema, await readJson(context.req, bodyLimits.small));
      const saved = await context.runtime.setSecret(name, body.value);
      sendJson(context.res, 200, { name: saved.name, updatedAt: new Date(saved.updatedAt).toISOString() });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/secrets$/,
    scope: 'secrets:write',
    async handle({ res, runtime }) {
      const secrets = runtime
        .secretNames()
        .map((secret) => ({ name: secret.name, updatedAt: new Date(secret.updatedAt).toISOString() }));
      sendJson(res, 200, { secrets });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/hooks\/([^/]+)$/,
    params: ['hookId'],
    scope: 'invoke',
    async handle(context) {
      const body = parseBody(invokeBodySchema, await readJson(context.req, bodyLimits.event));
      const answer = await context.runtime.runHook(context.params.hookId ?? '', body.event);
      const { hook: _hook, mode: _mode, ...rest } = answer;
      // `version` names the bundle that decided (the candidate's during a canary, docs/rollouts.md).
      sendJson(context.res, answer.accepted ? 202 : 200, rest);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/events$/,
    scope: 'events:read',
    async handle({ res, runtime, query }) {
      const parsed = parseQuery(eventsQuerySchema, query);
      const events = await runtime.events({
        ...(parsed.hook !== undefined ? { hook: parsed.hook } : {}),
        ...(parsed.since !== undefined ? { since: parsed.since } : {}),
        ...(parsed.limit !== undefined ? { limit: parsed.limit } : {}),
      });
      const text = events.map((event) => `${JSON.stringify(event)}\n`).join('');
      res.writeHead(200, {
        ...commonHeaders,
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/traces$/,
    scope: 'events:read',
    async handle({ res, runtime, query }) {
      const parsed = parseQuery(tracesQuerySchema, query);
      const traces = await runtime.traces({
        ...(parsed.since !== undefined ? { since: parsed.since } : {}),
        ...(parsed.limit !== undefined ? { limit: parsed.limit } : {}),
      });
      sendJson(res, 200, toOtlpJson(traces, { serviceName: `pipeline-runtime/${runtime.config.source}` }));
    },
  },
  {
    // One trace (a tail row's, a rollout difference's): OTLP JSON with that trace alone.
    method: 'GET',
    pattern: /^\/v1\/traces\/([^/]+)$/,
    params: ['traceId'],
    scope: 'events:read',
    async handle({ res, runtime, params }) {
      const traceId = params.traceId ?? '';
      // Trace ids are 32 lowercase hex characters; anything else is unknown without a lookup.
      const trace = /^[0-9a-f]{32}$/.test(traceId) ? await runtime.trace(traceId) : undefined;
      if (!trace) throw new HttpError(404, 'NOT_FOUND', 'this runtime keeps no such trace (never stored, or pruned)');
      sendJson(res, 200, toOtlpJson([trace], { serviceName: `pipeline-runtime/${runtime.config.source}` }));
    },
  },
];
