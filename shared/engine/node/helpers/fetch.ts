// helpers.fetch(url, init): HTTPS requests from scripts that cannot reach the host's own network.
//
// The address check happens inside the connection itself: the undici connector resolves the host
// with our lookup, refuses the host if ANY address it resolves to is refused, and hands the socket
// only checked addresses. Nothing resolves the name a second time, so DNS rebinding has no window
// between the check and the connect. IP literals skip lookup in node:net, so the connector checks
// them itself, and the connected socket's peer address is checked once more as a backstop.
// Redirects are followed here, one hop at a time, each hop a fresh URL check and connection.

import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { domainToASCII, domainToUnicode } from 'node:url';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, request } from 'undici';

export const fetchLimits = {
  timeoutMs: 3_000,
  maxRedirects: 5,
  maxResponseBytes: 1024 * 1024,
  maxRequestBodyBytes: 64 * 1024,
  maxRequestHeaderBytes: 16 * 1024,
} as const;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedFetchOptions {
  /** Resolves a host name; defaults to the system resolver (getaddrinfo, so /etc/hosts too). */
  resolve?: HostResolver;
  /** Extra trusted CA certificates (PEM), in addition to Node's bundled roots. */
  ca?: string | readonly string[];
  /**
   * TESTS ONLY: addresses for which a refusal is lifted, so that a test can reach its own server
   * on 127.0.0.x. Never set this outside tests.
   */
  unsafeAllowAddressForTests?: (address: string) => boolean;
}

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

export type FetchErrorCode = 'FETCH_BLOCKED' | 'FETCH_FAILED';

/** Its message starts with the code: that prefix is the contract scripts and the engine rely on. */
export class FetchError extends Error {
  readonly code: FetchErrorCode;
  constructor(code: FetchErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'FetchError';
    this.code = code;
  }
}

const blocked = (detail: string): FetchError => new FetchError('FETCH_BLOCKED', detail);
const failed = (detail: string): FetchError => new FetchError('FETCH_FAILED', detail);

// ---- Address policy

export interface AddressVerdict {
  allowed: boolean;
  reason?: string;
}

const rangeLabels: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64/10)',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  rfc6052: 'local-use NAT64',
};

const refuse = (range: string, address: string, form = ''): AddressVerdict => ({
  allowed: false,
  reason: `${form}${rangeLabels[range] ?? `special-purpose (${range})`} address ${address}`,
});

const globalUnicast = ipaddr.parseCIDR('2000::/3');
const nat64WellKnown = ipaddr.parseCIDR('64:ff9b::/96');

function classifyIPv4(address: ipaddr.IPv4, form = ''): AddressVerdict {
  const range = address.range();
  // Allow-list: anything ipaddr.js knows as special-purpose is refused, not only the private ranges.
  return range === 'unicast' ? { allowed: true } : refuse(range, address.toString(), form);
}

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function classifyIPv6(address: ipaddr.IPv6): AddressVerdict {
  const range: string = address.range();
  const p = address.parts;
  // Forms that carry an IPv4 address are judged by that address: `::ffff:127.0.0.1` is loopback.
  if (range === 'ipv4Mapped') return classifyIPv4(address.toIPv4Address(), 'IPv4-mapped form of ');
  if (range === 'rfc6145') return classifyIPv4(ipv4From(p[6] ?? 0, p[7] ?? 0), 'IPv4-translated form of ');
  if (address.match(nat64WellKnown)) return classifyIPv4(ipv4From(p[6] ?? 0, p[7] ?? 0), 'NAT64 form of ');
  if (range === '6to4') return classifyIPv4(ipv4From(p[1] ?? 0, p[2] ?? 0), '6to4 form of ');
  if (p.slice(0, 6).every((part) => part === 0) && range === 'unicast') {
    // IPv4-compatible ::a.b.c.d is deprecated (RFC 4291) and never a legitimate destination.
    const inner = ipv4From(p[6] ?? 0, p[7] ?? 0);
    return { allowed: false, reason: `IPv4-compatible form of address ${inner.toString()}` };
  }
  if (range !== 'unicast') return refuse(range, address.toString());
  // Only 2000::/3 is allocated as global unicast; the rest is reserved by IANA.
  if (!address.match(globalUnicast)) return { allowed: false, reason: `unallocated address ${address.toString()}` };
  return { allowed: true };
}

/**
 * IPv6 in the WHATWG serialization (hex groups only). ipaddr.js 2.5 reads the IPv4-compatible
 * `::127.0.0.1` as the IPv4-mapped `::ffff:127.0.0.1`, which is not the address a socket would
 * use; the URL parser gets it right and is the same one that reads the script's URL.
 */
function canonicalIPv6(text: string): string | undefined {
  try {
    return new URL(`https://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/**
 * Whether a request may connect to `address`. Accepts an address however it is written
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`, `[::1]`, `::ffff:7f00:1`); anything that is not an IP
 * address is refused. Only public unicast addresses are allowed.
 */
export function classifyAddress(address: string): AddressVerdict {
  if (typeof address !== 'string') return { allowed: false, reason: 'not an IP address' };
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // A zone id only makes sense on a link-local address, and the zone would pick the interface.
  if (text.includes('%')) return { allowed: false, reason: `scoped IPv6 address ${text}` };
  const canonical = !text.includes(':') ? text : /^[0-9a-f:.]+$/i.test(text) ? canonicalIPv6(text) : undefined;
  if (canonical === undefined || !ipaddr.isValid(canonical)) {
    return { allowed: false, reason: `not an IP address: ${JSON.stringify(address)}` };
  }
  const parsed = ipaddr.parse(canonical);
  return parsed.kind() === 'ipv4' ? classifyIPv4(parsed as ipaddr.IPv4) : classifyIPv6(parsed as ipaddr.IPv6);
}

// ---- Name policy

// Names that mean this machine whatever DNS says: getaddrinfo answers them from /etc/hosts (the
// Debian and Red Hat defaults) or, for *.localhost, by its own rule, so the address check would
// only catch them if the answer is a refused address. They are refused by name, before any lookup.
const localHostNames = new Set([
  'localhost',
  'localhost.localdomain',
  'localhost4',
  'localhost4.localdomain4',
  'localhost6',
  'localhost6.localdomain6',
  'ip6-localhost',
  'ip6-loopback',
]);

function isLocalHostName(name: string): boolean {
  return localHostNames.has(name) || name.endsWith('.localhost');
}

/**
 * Every spelling a host name can take on its way to a resolver, compared in one form: lower case,
 * without trailing dots, and both its punycode (UTS #46 mapping: full-width letters, `ⓛ`, soft
 * hyphens) and its Unicode form (`xn--localhost-` is Unicode `localhost`).
 */
function hostNameForms(hostname: string): string[] {
  const lower = hostname.toLowerCase();
  const forms = new Set([lower, domainToASCII(lower), domainToUnicode(lower)]);
  for (const form of [...forms]) forms.add(domainToUnicode(domainToASCII(form)));
  forms.delete('');
  return [...forms].map((form) => form.replace(/[.\u3002\uff0e\uff61]+$/u, ''));
}

/**
 * Whether a request may look up `hostname` at all. IP literals are left to classifyAddress; a name
 * of the local host (`localhost`, `*.localhost`, `ip6-loopback`…) is refused however it is written
 * (`LOCALHOST.`, `%6cocalhost`, `ｌｏｃａｌｈｏｓｔ`, `xn--localhost-`).
 */
export function classifyHostName(hostname: string): AddressVerdict {
  if (typeof hostname !== 'string') return { allowed: false, reason: 'not a host name' };
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0) return { allowed: true };
  let decoded = bare;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    return { allowed: false, reason: `malformed host name ${JSON.stringify(hostname.slice(0, 200))}` };
  }
  if (hostNameForms(decoded).some(isLocalHostName)) {
    return { allowed: false, reason: `local host name ${JSON.stringify(hostname.slice(0, 200))}` };
  }
  return { allowed: true };
}

// ---- Connecting

type AddressCheck = (address: string) => AddressVerdict;

function addressCheck(options: GuardedFetchOptions): AddressCheck {
  const override = options.unsafeAllowAddressForTests;
  return (address) => {
    const verdict = classifyAddress(address);
    return !verdict.allowed && override?.(address) ? { allowed: true } : verdict;
  };
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const found = await systemLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address }) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
}

/**
 * Resolves `hostname` and returns its addresses when every one of them is allowed; otherwise throws
 * a FETCH_BLOCKED FetchError. The connector calls exactly this, once per connection, and connects
 * only to what it returns.
 */
export async function resolveCheckedAddresses(
  hostname: string,
  options: GuardedFetchOptions = {},
): Promise<ResolvedAddress[]> {
  const check = addressCheck(options);
  // Before the resolver: a local host name must not even be looked up.
  const name = classifyHostName(hostname);
  if (!name.allowed) throw blocked(name.reason ?? 'refused host name');
  let found: unknown;
  try {
    found = await (options.resolve ?? systemResolve)(hostname);
  } catch (error) {
    throw failed(`could not resolve ${hostname}: ${describe(error)}`);
  }
  if (!Array.isArray(found) || found.length === 0) throw failed(`${hostname} has no addresses`);
  const checked: ResolvedAddress[] = [];
  for (const entry of found as unknown[]) {
    const address = typeof entry === 'object' && entry !== null ? (entry as { address?: unknown }).address : undefined;
    // Strict notation only, so the string we check is exactly the one the socket connects to.
    const family = typeof address === 'string' ? isIP(address) : 0;
    if (typeof address !== 'string' || family === 0) {
      throw blocked(`${hostname} resolved to something that is not an IP address`);
    }
    const verdict = check(address);
    if (!verdict.allowed) throw blocked(`${hostname} resolves to ${verdict.reason ?? 'a refused address'}`);
    checked.push({ address, family: family === 6 ? 6 : 4 });
  }
  return checked;
}

function guardedLookup(options: GuardedFetchOptions, signal: AbortSignal): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const { family: asked, all } = lookupOptions;
    const wanted = asked === 'IPv4' ? 4 : asked === 'IPv6' ? 6 : asked;
    resolveCheckedAddresses(hostname, options).then(
      (addresses) => {
        // A late answer must not open a connection for a call that has already given up.
        if (signal.aborted) return callback(failed('timed out while resolving'), '');
        const usable = wanted === 4 || wanted === 6 ? addresses.filter((a) => a.family === wanted) : addresses;
        const first = usable[0];
        if (!first) return callback(failed(`${hostname} has no IPv${String(wanted)} address`), '');
        if (all) return callback(null, usable satisfies LookupAddress[]);
        return callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : failed(describe(error)), ''),
    );
  };
}

function createAgent(options: GuardedFetchOptions, signal: AbortSignal, timeoutMs: number): Agent {
  const check = addressCheck(options);
  const extraCa = options.ca === undefined ? [] : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
  const baseConnect = buildConnector({
    lookup: guardedLookup(options, signal),
    // A stalled connect or TLS handshake is abandoned by the call at its deadline; this makes the
    // socket itself go away about then too (undici's timer has ~1 s resolution), not after 10 s.
    timeout: timeoutMs,
    ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
  });
  const connect: buildConnector.connector = (target, callback) => {
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host) !== 0 ? check(host) : { allowed: true };
    if (!literal.allowed) return callback(blocked(literal.reason ?? 'refused address'), null);
    baseConnect(target, (error, socket) => {
      if (error) return callback(error, null);
      const peer = socket?.remoteAddress;
      const verdict = peer ? check(peer) : { allowed: false, reason: 'unknown peer address' };
      if (!socket || !verdict.allowed) {
        socket?.destroy();
        return callback(blocked(`connected to ${verdict.reason ?? 'a refused address'}`), null);
      }
      return callback(null, socket);
    });
  };
  // One agent per hop: every hop resolves, checks and connects afresh, and no pooled connection
  // outlives the call or is shared between scripts.
  return new Agent({ connect, connections: 1, pipelining: 1 });
}

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

function checkUrl(check: AddressCheck, raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw blocked(`invalid URL ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol !== 'https:') throw blocked(`only https URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw blocked('credentials in the URL are not allowed; use a header');
  // WHATWG parsing already turned 2130706433, 0x7f.1 or 127.1 into 127.0.0.1; refuse early and
  // clearly (the connector would refuse it anyway).
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const verdict = isIP(host) !== 0 ? check(host) : classifyHostName(host);
  if (!verdict.allowed) throw blocked(verdict.reason ?? 'refused address');
  return url;
}

// ---- The helper

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}${cause}`;
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
    const dispatcher = createAgent(context.options, context.signal, context.timeoutMs);
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
  const check = addressCheck(options);
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
      throw failed(describe(error));
    } finally {
      clearTimeout(timer);
      controller.abort(timedOut); // stops a lookup or read still in flight
      for (const agent of agents) agent.destroy().catch(() => undefined);
    }
  };
}
