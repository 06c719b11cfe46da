import { TooManyFollowers } from '../tail/tail-hub';
import { parseTailQuery } from '../tail/tail-query';
import { openTailStream, tailStreamDefaults } from '../tail/tail-stream';
import { HttpError, commonHeaders, holdOpen } from './http-io';
import type { Route } from './route-kit';

// GET /v1/tail, the live tail (docs/live-tail.md): this instance's invocations as they finish, as
// Server-Sent Events. The token, its scope and the failure limit are checked by the server like
// every route's; the handler returns with the response still open (runtime-server.ts ends it on
// close()).

export const tailRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/tail$/,
    scope: 'events:read',
    handle({ res, runtime, query }) {
      const hub = runtime.tail;
      const parsed = parseTailQuery(query, hub.maxRate);
      if (!parsed.ok) {
        throw new HttpError(400, 'INVALID_QUERY', 'the query string is not valid', { problems: parsed.problems });
      }
      try {
        const stream = openTailStream(res, hub, {
          filter: parsed.filter,
          ...(parsed.maxRate !== undefined ? { maxRate: parsed.maxRate } : {}),
          headers: commonHeaders,
          ...tailStreamDefaults,
        });
        holdOpen(res, stream.end);
      } catch (error) {
        if (!(error instanceof TooManyFollowers)) throw error;
        // A limit on open streams, not on traffic: a follower never waits for a busy runtime.
        throw new HttpError(429, 'TOO_MANY_FOLLOWERS', error.message, { limit: error.limit }, { 'retry-after': '5' });
      }
      return Promise.resolve();
    },
  },
];
