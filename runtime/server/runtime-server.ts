import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../runtime';
import { FailureLimiter } from './failure-limiter';
import { HttpError, endHeldOpen, sendError } from './http-io';
import { toHttpError, type RequestContext } from './route-kit';
import { routeTable } from './route-table';

// The runtime's HTTP API (docs/runtime.md) over node:http, or node:https with a certificate.
// Per request: route (404/405 before anything else), then, for routes with a scope, the address's
// failure window (429), the bearer token (401), its scope (403); then the route's own checks.
// Behind a TLS-terminating proxy (`behindProxy`), the client address is the last entry of
// X-Forwarded-For (the one the proxy appended; earlier entries come from the client and prove
// nothing) and requests that did not arrive over https (X-Forwarded-Proto) are refused.
// A route may leave its response open when its handler returns (the live tail's event stream,
// docs/live-tail.md): such responses are held here, and close() ends them first, since the server
// cannot finish closing while they stay open.

export interface RuntimeServerOptions {
  tls?: { cert: string | Buffer; key: string | Buffer };
  behindProxy?: boolean;
  log?: (message: string) => void;
}

export interface RuntimeServer {
  readonly server: http.Server;
  /** Resolves with the base URL (`http://127.0.0.1:PORT`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export function createRuntimeServer(runtime: Runtime, options: RuntimeServerOptions = {}): RuntimeServer {
  const limiter = new FailureLimiter(runtime.config.authFailures.max, runtime.config.authFailures.windowMs);
  const log = options.log ?? ((message: string) => process.stderr.write(`pipeline-runtime: ${message}\n`));
  const tls = options.tls;
  const hsts: Record<string, string> = tls ? { 'strict-transport-security': 'max-age=31536000' } : {};
  const longLived = new Set<ServerResponse>();
  let closing = false;

  const endStream = (res: ServerResponse) => {
    longLived.delete(res);
    endHeldOpen(res);
    // The stream's connection is not reused: ending it lets the client see the end at once.
    res.socket?.end();
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(hsts)) res.setHeader(name, value);
    handle(req, res).catch((error: unknown) => {
      const known = toHttpError(error);
      if (!known)
        log(
          `internal error on ${req.method} ${pathOf(req)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, known ?? new HttpError(500, 'INTERNAL', 'internal error (see the runtime log)'));
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://runtime.invalid');
    } catch {
      // A request target such as `//` or `//a b` reads as a URL with a bad host.
      throw new HttpError(400, 'BAD_PATH', 'the request path is not valid');
    }
    const matching = routeTable
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    if (matching.length === 0) throw new HttpError(404, 'NOT_FOUND', 'no such endpoint');
    const found = matching.find((candidate) => candidate.route.method === req.method);
    if (!found) {
      const allow = matching.map((candidate) => candidate.route.method).join(', ');
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${allow}`, {}, { allow });
    }
    const { route, match } = found;
    const params: Record<string, string> = {};
    (route.params ?? []).forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(match?.[i + 1] ?? '');
      } catch {
        throw new HttpError(400, 'BAD_PATH', 'the path is not valid percent-encoded text');
      }
    });
    const context: RequestContext = { req, res, runtime, params, query: url.searchParams };
    if (route.scope !== null) {
      if (options.behindProxy && forwardedProto(req) !== 'https') {
        throw new HttpError(403, 'TLS_REQUIRED', 'requests must reach the proxy over https');
      }
      const address = clientAddress(req, options.behindProxy === true);
      const wait = limiter.retryAfterMs(address);
      if (wait > 0) {
        throw new HttpError(
          429,
          'TOO_MANY_FAILURES',
          'too many failed authentications from this address',
          {},
          {
            'retry-after': String(Math.ceil(wait / 1000)),
          },
        );
      }
      const presented = bearerToken(req);
      const token = presented === undefined ? undefined : await runtime.verifyToken(presented);
      if (!token) {
        limiter.fail(address);
        throw new HttpError(
          401,
          'UNAUTHORIZED',
          presented === undefined ? 'Authorization: Bearer <token> is required' : 'the token is not valid',
          {},
          { 'www-authenticate': 'Bearer realm="pipeline-runtime"' },
        );
      }
      if (!token.scopes.includes(route.scope)) {
        throw new HttpError(403, 'FORBIDDEN', `this token lacks the scope "${route.scope}"`);
      }
      context.token = token;
    }
    await route.handle(context);
    if (!res.writableEnded && !res.destroyed) {
      if (closing) {
        endStream(res);
        return;
      }
      longLived.add(res);
      res.once('close', () => longLived.delete(res));
    }
  }

  const server: http.Server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, handler)
    : http.createServer(handler);
  // Host applications call with keep-alive pools: an idle connection is kept a minute (longer than
  // the usual client and load-balancer idle timeouts, so that the client, not the server, closes
  // it and a request never races a closing socket). Headers and whole requests stay bounded.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`${tls ? 'https' : 'http'}://${shown}:${address.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        closing = true;
        server.close(() => resolve());
        for (const res of [...longLived]) endStream(res);
        server.closeIdleConnections();
        // Requests in progress get a few seconds to finish; then their connections are cut.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      });
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

function forwardedProto(req: IncomingMessage): string | undefined {
  const header = req.headers['x-forwarded-proto'];
  const value = Array.isArray(header) ? header[header.length - 1] : header;
  return value?.split(',').pop()?.trim().toLowerCase();
}

function clientAddress(req: IncomingMessage, behindProxy: boolean): string {
  if (behindProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header.join(',') : header;
    const last = value?.split(',').pop()?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
