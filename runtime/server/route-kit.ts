import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { isRuntimeError, type RuntimeError } from '../errors';
import type { Runtime } from '../runtime';
import type { StoredToken, TokenScope } from '../storage/types';
import { HttpError, parseEntityTags } from './http-io';
import { problemsOf } from './schemas';

// What every endpoint module (routes.ts, rollout-routes.ts, tail-routes.ts) is made of: a route's
// method, path pattern, scope (null: no token) and handler, and the checks they share.

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  runtime: Runtime;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The verified token (absent only on routes without a scope). */
  token?: StoredToken;
}

export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH';
  pattern: RegExp;
  /** Names of the pattern's groups, in order. */
  params?: string[];
  scope: TokenScope | null;
  handle(context: RequestContext): Promise<void>;
}

/** Body caps per route: a bundle is at most a few hundred 5 KB scripts; events are bounded by the engine (1 MB). */
export const bodyLimits = { bundle: 4 * 1024 * 1024, event: 1024 * 1024, small: 64 * 1024 + 1024 };

const statusOfRuntimeError: Record<RuntimeError['code'], number> = {
  PIPELINE_INVALID: 422,
  SECRETS_MISSING: 409,
  PRECONDITION_FAILED: 412,
  INVALID_EVENT: 422,
  INVALID_NAME: 400,
  INVALID_VALUE: 422,
  UNKNOWN_HOOK: 404,
  NOT_FOUND: 404,
  ROLLOUT_RUNNING: 409,
  NO_ROLLOUT: 404,
  ROLLOUT_ENDED: 409,
  NO_ACTIVE_BUNDLE: 409,
  BUNDLE_UNCHANGED: 409,
  CLOSED: 503,
};

export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (!isRuntimeError(error)) return undefined;
  const extra: Record<string, unknown> = {};
  if (error.details.problems) extra.problems = error.details.problems;
  if (error.details.missing) extra.missing = error.details.missing;
  if (error.details.activeHash !== undefined) extra.activeHash = error.details.activeHash;
  if (error.details.rolloutId !== undefined) extra.rolloutId = error.details.rolloutId;
  return new HttpError(statusOfRuntimeError[error.code], error.code, error.message, extra);
}

export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(422, 'INVALID_BODY', 'the body does not have the expected fields', {
      problems: problemsOf(parsed.error),
    });
  }
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(query));
  if (!parsed.success) {
    throw new HttpError(400, 'INVALID_QUERY', 'the query string is not valid', { problems: problemsOf(parsed.error) });
  }
  return parsed.data;
}

export function authorOf(context: RequestContext, author: string | undefined): string {
  if (author) return author;
  const token = context.token;
  return token?.name ? token.name : `token ${token?.id ?? 'unknown'}`;
}

/** The expected active hash from If-Match: null for `*`; 428 when absent. */
export function expectedHash(context: RequestContext, required: boolean): string | null | undefined {
  const tags = parseEntityTags(context.req.headers['if-match']);
  if (tags === undefined) {
    if (!required) return undefined;
    throw new HttpError(
      428,
      'PRECONDITION_REQUIRED',
      'If-Match is required: the ETag of the active bundle (GET /v1/bundle), or * when none is active',
    );
  }
  if (tags === '*') return null;
  const active = context.runtime.activeHash();
  // A list matches when it names the active bundle; otherwise the first tag fails the comparison.
  return active !== null && tags.includes(active) ? active : (tags[0] ?? '');
}
