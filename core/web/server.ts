import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStream } from '../../shared/contract';
import type { Router } from '../router';
import { contentSecurityPolicy, contentTypeOf, lookupInside } from '../static-files';
import { createEventStreams } from './event-stream';
import { checkRequest, tokenMatches } from './request-guard';

export interface WebHostOptions {
  router: Router;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Interface to bind; loopback unless the user asks otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A fresh random token per launch unless given (tests). */
  token?: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** The core's pushed events, sent to each page over Server-Sent Events at `/s/<token>/events`. */
  events?: EventStream;
  /** Event streams open at once, at most (a page holds one). */
  maxEventStreams?: number;
  /** How often an idle event stream gets a comment line so that it stays open. */
  heartbeatMs?: number;
  log?: (line: string) => void;
}

export interface WebHost {
  /** The URL to open: `http://127.0.0.1:<port>/?token=…`. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

function send(response: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Answer 413 now and close the connection afterwards instead of reading the rest.
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * The studio as a local web app: the same renderer and the same router as the desktop app, over
 * HTTP on loopback. Every request needs the per-launch token. The page lives under `/s/<token>/`,
 * so its own relative requests (scripts, styles, workers, `rpc/…`) carry the token without a
 * cookie that another local site could ride.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const bindHost = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const prefix = `/s/${token}/`;
  let allowedHosts: string[] = [];
  const streams = createEventStreams({
    events: options.events,
    headers: securityHeaders,
    maxStreams: options.maxEventStreams ?? 16,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxBufferedBytes: 4 * 1024 * 1024,
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`web host: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const verdict = checkRequest(request, { allowedHosts, token });
    if (!verdict.ok) return send(response, verdict.status, `refused: ${verdict.reason}`);
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://studio.invalid');
    } catch {
      // A request target such as `//` or `//a b` reads as a URL with a bad host.
      return send(response, 400, 'malformed request path');
    }

    if (url.pathname === '/' && request.method === 'GET') {
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        return send(response, 401, 'Open the address the studio printed when it started (it carries a token).');
      }
      response.writeHead(303, { ...securityHeaders, Location: prefix, 'Cache-Control': 'no-store' });
      response.end();
      return;
    }

    const givenToken = url.pathname.startsWith('/s/') ? url.pathname.slice(3).split('/', 1)[0] : null;
    if (!tokenMatches(token, givenToken)) return send(response, 401, 'missing or wrong token');
    const rest = url.pathname.slice(prefix.length);

    if (rest === 'events') {
      if (request.method !== 'GET') return send(response, 405, 'use GET');
      return streams.open(response);
    }

    if (rest.startsWith('rpc/')) {
      if (request.method !== 'POST') return send(response, 405, 'use POST');
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(response, 415, 'expected application/json');
      }
      let channel: string;
      try {
        channel = decodeURIComponent(rest.slice(4));
      } catch {
        return send(response, 400, 'malformed percent-encoding in the channel name');
      }
      const body = await readBody(request, maxBodyBytes);
      if (body === null) {
        response.setHeader('Connection', 'close');
        return send(response, 413, 'request body too large');
      }
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body) : {};
      } catch {
        return send(response, 400, 'request body is not JSON');
      }
      const result = await options.router.dispatch(channel, input);
      return send(response, 200, JSON.stringify(result), 'application/json; charset=utf-8');
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'method not allowed');
    const found = lookupInside(options.rendererDir, rest === '' ? 'index.html' : rest);
    if (!found.ok) return send(response, found.status, found.reason);
    const file = found.file;
    const isHtml = file.endsWith('.html');
    response.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentTypeOf(file),
      // Built assets carry a content hash in their names; the page itself must always be fresh.
      'Cache-Control': isHtml ? 'no-store' : 'private, max-age=31536000, immutable',
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  allowedHosts = [`${urlHost}:${port}`];
  if (bindHost === '127.0.0.1' || bindHost === '::1') allowedHosts.push(`localhost:${port}`);
  const origin = `http://${urlHost}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        // Open event streams would keep their connections (and close()) waiting: end them first.
        streams.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
