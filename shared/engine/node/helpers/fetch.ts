// helpers.fetch(url, init): HTTPS requests from scripts that cannot reach the host's own network.
//
// Composed of two parts with tests of their own: address-policy.ts decides which URLs, names and
// addresses may be reached, connector.ts connects only to addresses that policy allows (so a DNS
// answer cannot smuggle in an internal one). This file shapes the request, enforces the limits,
// follows redirects by hand, one hop at a time, each hop a fresh URL check and connection, caps
// the response and turns every failure into a FETCH_BLOCKED or FETCH_FAILED error.

import { request, type Agent } from 'undici';
import { addressPolicy, classifyUrl, type AddressCheck } from './address-policy';
import { createGuardedAgent, type ConnectionOptions } from './connector';
import { blocked, describeError, failed, FetchError } from './fetch-error';

export { FetchError, type FetchErrorCode } from './fetch-error';

export const fetchLimits = {
  timeoutMs: 3_000,
  maxRedirects: 5,
  maxResponseBytes: 1024 * 1024,
  maxRequestBodyBytes: 64 * 1024,
  maxRequestHeaderBytes: 16 * 1024,
} as const;

/** How the fetch connects: the resolver, extra trusted CAs and the tests' address exception. */
export type GuardedFetchOptions = ConnectionOptions;

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface FetchResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json?: unknown;
}

export type GuardedFetch = (url: string, init?: FetchInit) => Promise<FetchResponse>;

// ---- Request shape

const allowedMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type AllowedMethod = (typeof allowedMethods)[number];
const isAllowedMethod = (method: string): method is AllowedMethod =>
  (allowedMethods as readonly string[]).includes(method);
// Hop-by-hop and framing headers belong to the connection the host manages; Host would let a
// script address a different virtual host than the checked URL names; accept-encoding would hand
// the script compressed bytes (and a decompression bomb past the size cap).
const managedHeaders = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'accept-encoding',
]);
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const headerValue = /^[^\r\n\0]*$/;

interface PreparedRequest {
  method: AllowedMethod;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

function prepare(init: FetchInit | undefined): PreparedRequest {
  if (init !== undefined && (typeof init !== 'object' || init === null)) throw blocked('options must be a table');
  const askedMethod: unknown = init?.method ?? 'GET';
  if (typeof askedMethod !== 'string') throw blocked('method must be a string');
  const method = askedMethod.toUpperCase();
  if (!isAllowedMethod(method)) throw blocked(`method ${method} is not allowed`);
  const askedHeaders: unknown = init?.headers ?? {};
  if (typeof askedHeaders !== 'object' || askedHeaders === null || Array.isArray(askedHeaders)) {
    throw blocked('headers must be a table of strings');
  }
  // No prototype: a header named __proto__ is then just a header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  let headerBytes = 0;
  for (const [name, value] of Object.entries(askedHeaders as Record<string, unknown>)) {
    if (typeof value !== 'string' || !headerName.test(name) || !headerValue.test(value)) {
      throw blocked(`invalid header ${JSON.stringify(name)}`);
    }
    const lower = name.toLowerCase();
    if (managedHeaders.has(lower)) throw blocked(`header ${lower} is managed by the host and cannot be set`);
    headerBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    headers[lower] = value;
  }
  if (headerBytes > fetchLimits.maxRequestHeaderBytes) throw blocked('request headers exceed 16 KB');
  const body = init?.body;
  if (body !== undefined && typeof body !== 'string') throw blocked('body must be a string');
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw blocked(`a ${method} request cannot have a body`);
  }
  if (body !== undefined && Buffer.byteLength(body) > fetchLimits.maxRequestBodyBytes) {
    throw blocked('request body exceeds 64 KB');
  }
  const asked = init?.timeoutMs;
  if (asked !== undefined && (typeof asked !== 'number' || !(asked > 0))) {
    throw blocked('timeoutMs must be a positive number');
  }
  // A script may shorten the budget, never extend it.
  const timeoutMs = Math.min(asked ?? fetchLimits.timeoutMs, fetchLimits.timeoutMs);
  return { method, headers, body, timeoutMs };
}

// ---- The helper

function checkUrl(check: AddressCheck, raw: string, base?: URL): URL {
  const verdict = classifyUrl(raw, check, base);
  if (!verdict.allowed) throw blocked(verdict.reason);
  return verdict.url;
}

function fetchErrorIn(error: unknown): FetchError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof FetchError) return current;
  }
  return undefined;
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

type ResponseBody = AsyncIterable<Buffer> & NodeJS.ReadableStream & { destroy(): void };

/** Drops a body we will not read; destroying it emits an abort error nobody else listens for. */
function discard(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function readCapped(body: ResponseBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    // Counted while streaming: the connection is dropped at the cap, not after buffering it all.
    if (total > fetchLimits.maxResponseBytes) {
      discard(body);
      throw failed('response body exceeds 1 MB');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

interface Exchange {
  options: GuardedFetchOptions;
  check: AddressCheck;
  signal: AbortSignal;
  timeoutMs: number;
  /** Every agent opened, so that the caller can destroy them all however the call ends. */
  agents: Agent[];
}

/** Follows redirects by hand, each hop checked and connected afresh, and reads the final body. */
async function exchange(rawUrl: string, prepared: PreparedRequest, context: Exchange): Promise<FetchResponse> {
  let { method, body } = prepared;
  const headers: Record<string, string> = Object.assign(Object.create(null) as object, prepared.headers);
  let url = checkUrl(context.check, rawUrl);
  for (let redirects = 0; ; redirects++) {
    const dispatcher = createGuardedAgent(context.options, context.signal, context.timeoutMs);
    context.agents.push(dispatcher);
    const response = await request(url, { dispatcher, method, headers, body, signal: context.signal });
    const location = response.headers.location;
    if (redirectStatuses.has(response.statusCode) && typeof location === 'string') {
      discard(response.body);
      if (redirects === fetchLimits.maxRedirects) throw failed(`more than ${fetchLimits.maxRedirects} redirects`);
      const next = checkUrl(context.check, location, url);
      if (response.statusCode === 303 ? method !== 'HEAD' : response.statusCode <= 302 && method === 'POST') {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      // Like browsers: a script's credentials for one origin must not follow a redirect to another.
      if (next.origin !== url.origin) for (const name of credentialHeaders) delete headers[name];
      url = next;
      continue;
    }
    if (method !== 'HEAD' && Number(response.headers['content-length']) > fetchLimits.maxResponseBytes) {
      discard(response.body);
      throw failed('response body exceeds 1 MB');
    }
    const text = (await readCapped(response.body)).toString('utf8');
    const result: FetchResponse = { status: response.statusCode, headers: flatten(response.headers), body: text };
    if (isJson(result.headers['content-type'])) {
      try {
        result.json = JSON.parse(text) as unknown;
      } catch {
        // Not JSON after all: the script still has the body text.
      }
    }
    return result;
  }
}

export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const check = addressPolicy(options.unsafeAllowAddressForTests);
  return async (rawUrl, init) => {
    if (typeof rawUrl !== 'string') throw blocked('url must be a string');
    const prepared = prepare(init);
    const controller = new AbortController();
    const timedOut = failed(`timed out after ${prepared.timeoutMs} ms`);
    // undici does not settle a request whose connection is still being set up when the signal
    // fires (it waits for its own 10 s connect timeout), so the budget is enforced by racing.
    const deadline = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(timedOut), { once: true });
    });
    const timer = setTimeout(() => controller.abort(timedOut), prepared.timeoutMs);
    const agents: Agent[] = [];
    const context = { options, check, signal: controller.signal, timeoutMs: prepared.timeoutMs, agents };
    const pending = exchange(rawUrl, prepared, context);
    pending.catch(() => undefined); // it may lose the race and settle later
    try {
      return await Promise.race([pending, deadline]);
    } catch (error) {
      const known = fetchErrorIn(error);
      if (known) throw known;
      if (controller.signal.aborted) throw timedOut;
      throw failed(describeError(error));
    } finally {
      clearTimeout(timer);
      controller.abort(timedOut); // stops a lookup or read still in flight
      for (const agent of agents) agent.destroy().catch(() => undefined);
    }
  };
}
