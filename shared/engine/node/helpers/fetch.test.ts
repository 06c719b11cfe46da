// Every server here listens on 127.0.0.0/8 or ::1; public addresses appear only as resolver answers
// that the policy refuses, never as a socket. The policy's own tables are in address-policy.test.ts,
// the resolver's in connector.test.ts; here the whole helper is driven as the sandbox calls it.
//
// Layout: `origin` is the stand-in for a public API, on 127.0.0.2:P, reachable only because
// `unsafeAllowAddressForTests` lifts the refusal for 127.0.0.2. `sentinel` servers on 127.0.0.1:P
// and [::1]:P are what an attacker wants to reach; they count TCP connections, and the blocking
// tests run under the real policy and assert that count stays 0.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeSelfSignedCertificate } from '../testing/self-signed-certificate';
import type { HostResolver, ResolvedAddress } from './connector';
import { createGuardedFetch, fetchLimits, type GuardedFetchOptions } from './fetch';

interface CountingServer {
  server: Server;
  connections: number;
}

let certificate = '';
let key = '';
let port = 0;
let origin: CountingServer;
let sentinels: CountingServer[] = [];
const timers = new Set<NodeJS.Timeout>();
const bigResponses: { written: number; finished: boolean; closed: boolean }[] = [];

function generateCertificate(): void {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'fetch-test-'));
  try {
    const names = ['api.test', 'other.test', 'rebind.test', 'internal.test', 'mixed.test'];
    const { certFile, keyFile } = writeSelfSignedCertificate(directory, {
      commonName: 'api.test',
      altNames: [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1', 'IP:127.0.0.2', 'IP:::1'],
    });
    certificate = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function listen(host: string, wantedPort: number, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  return new Promise<CountingServer>((resolve, reject) => {
    const counted: CountingServer = { server: createServer({ cert: certificate, key }, handler), connections: 0 };
    counted.server.on('connection', () => {
      counted.connections++;
    });
    counted.server.once('error', reject);
    counted.server.listen(wantedPort, host, () => resolve(counted));
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

function streamBytes(res: ServerResponse, total: number): void {
  const record = { written: 0, finished: false, closed: false };
  bigResponses.push(record);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  res.on('close', () => (record.closed = true));
  res.on('finish', () => (record.finished = true));
  const pump = (): void => {
    while (record.written < total && !res.destroyed) {
      record.written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

async function handleOrigin(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://origin');
  const route = url.pathname;
  if (route === '/hello') return void res.end('hello');
  if (route === '/json') {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    return void res.end('{"ok":true,"n":1}');
  }
  if (route === '/problem') {
    res.setHeader('Content-Type', 'application/problem+json');
    return void res.end('{"title":"nope"}');
  }
  if (route === '/badjson') {
    res.setHeader('Content-Type', 'application/json');
    return void res.end('not json{');
  }
  if (route.startsWith('/status/')) {
    res.statusCode = Number(route.slice('/status/'.length));
    res.setHeader('X-Custom', 'Value');
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    return void res.end('status body');
  }
  if (route === '/echo') {
    res.setHeader('Content-Type', 'application/json');
    const body = await readBody(req);
    return void res.end(JSON.stringify({ method: req.method, headers: req.headers, body, host: req.headers.host }));
  }
  if (route === '/redirect') {
    res.statusCode = Number(url.searchParams.get('status') ?? 302);
    res.setHeader('Location', url.searchParams.get('to') ?? '/hello');
    return void res.end();
  }
  if (route.startsWith('/chain/')) {
    const left = Number(route.slice('/chain/'.length));
    if (left === 0) return void res.end('end of chain');
    res.statusCode = 302;
    res.setHeader('Location', `/chain/${left - 1}`); // relative, resolved against the current URL
    return void res.end();
  }
  if (route === '/never') return; // headers never come
  if (route === '/trickle') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const timer = setInterval(() => res.write('x'), 50);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (route === '/big') return streamBytes(res, 5 * 1024 * 1024);
  if (route === '/big-declared') {
    res.setHeader('Content-Length', String(5 * 1024 * 1024));
    return streamBytes(res, 5 * 1024 * 1024);
  }
  if (route === '/exactly-cap') return void res.end(Buffer.alloc(fetchLimits.maxResponseBytes, 'y'));
  res.statusCode = 404;
  res.end('not found');
}

/** A resolver from a table; a function value answers differently per call (DNS rebinding). */
function tableResolver(table: Record<string, string[] | ((call: number) => string[])>) {
  const calls: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    calls.push(hostname);
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const addresses = typeof entry === 'function' ? entry(calls.filter((c) => c === hostname).length) : entry;
    return addresses.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

const standIn = (address: string): boolean => address === '127.0.0.2';

function trustedFetch(options: Partial<GuardedFetchOptions> = {}) {
  const { resolve, calls } = tableResolver({
    'api.test': ['127.0.0.2'],
    'other.test': ['127.0.0.2'],
    'unlisted.test': ['127.0.0.2'],
    'internal.test': ['127.0.0.1'],
  });
  return {
    fetch: createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn, ...options }),
    calls,
  };
}

const sentinelConnections = (): number => sentinels.reduce((sum, s) => sum + s.connections, 0);
// A connection attempt, had one been made, reaches the server's accept queue within a few ms.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

beforeAll(async () => {
  generateCertificate();
  const sentinelHandler = (_req: IncomingMessage, res: ServerResponse): void => void res.end('SENTINEL');
  const first = await listen('127.0.0.1', 0, sentinelHandler);
  port = (first.server.address() as { port: number }).port;
  sentinels = [first];
  try {
    sentinels.push(await listen('::1', port, sentinelHandler));
  } catch {
    // No IPv6 loopback here: the IPv6 literal cases are still refused, just not counted.
  }
  origin = await listen('127.0.0.2', port, (req, res) => void handleOrigin(req, res));
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const { server } of [origin, ...sentinels]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

beforeEach(() => {
  for (const sentinel of sentinels) sentinel.connections = 0;
});

describe('createGuardedFetch: the local servers are reachable when allowed (control)', () => {
  it('fetches from the stand-in origin', async () => {
    const { fetch, calls } = trustedFetch();
    const response = await fetch(`https://api.test:${port}/hello`);
    expect(response).toMatchObject({ status: 200, body: 'hello' });
    expect(calls).toEqual(['api.test']);
  });

  it('the sentinel counts a connection when the test override lets one through', async () => {
    const fetch = createGuardedFetch({ ca: certificate, unsafeAllowAddressForTests: (a) => a === '127.0.0.1' });
    await expect(fetch(`https://127.0.0.1:${port}/`)).resolves.toMatchObject({ status: 200, body: 'SENTINEL' });
    await settle();
    expect(sentinelConnections()).toBe(1);
  });
});

describe('createGuardedFetch: refused destinations open no connection', () => {
  const neverResolve: HostResolver = () =>
    Promise.reject(new Error('the resolver must not be called for an IP literal'));

  it.each([
    'https://127.0.0.1:PORT/',
    'https://2130706433:PORT/', // decimal
    'https://0177.0.0.1:PORT/', // octal
    'https://0x7f.1:PORT/', // hex, short
    'https://0x7f.0x0.0x0.0x1:PORT/',
    'https://0x7f000001:PORT/',
    'https://017700000001:PORT/',
    'https://127.1:PORT/', // short
    'https://127.0.0.1.:PORT/', // trailing dot
    'https://%31%32%37.0.0.1:PORT/', // percent-encoded
    'https://１２７.０.０.１:PORT/', // full-width digits
    'https://0:PORT/', // 0.0.0.0 reaches the local host on Linux
    'https://0.0.0.0:PORT/',
    'https://[::1]:PORT/',
    'https://[0:0:0:0:0:0:0:1]:PORT/',
    'https://[::]:PORT/',
    'https://[::ffff:127.0.0.1]:PORT/',
    'https://[::ffff:7f00:1]:PORT/',
    // Other ranges and the NAT64, 6to4 and IPv4-compatible forms take the same path and are covered
    // by the classifyAddress table; they are not fetched here so that even a broken guard could
    // not make this suite open a connection beyond the local host.
  ])('%s', async (template) => {
    const fetch = createGuardedFetch({ resolve: neverResolve, ca: certificate });
    await expect(fetch(template.replace('PORT', String(port)))).rejects.toThrow(/^FETCH_BLOCKED: /);
    await settle();
    expect(sentinelConnections()).toBe(0);
  });

  it('localhost is refused by name, before the system resolver', async () => {
    const fetch = createGuardedFetch({ ca: certificate });
    await expect(fetch(`https://localhost:${port}/`)).rejects.toThrow(/^FETCH_BLOCKED: local host name "localhost"/);
    await settle();
    expect(sentinelConnections()).toBe(0);
  });

  // Every name here is answered with the stand-in origin, which the override allows: a guard that
  // looked the name up would connect and succeed. Refused by name, nothing is looked up.
  const localNames = [
    'LOCALHOST.',
    'LocalHost..',
    'localhost.localdomain',
    'LOCALHOST.LOCALDOMAIN.',
    'ip6-localhost',
    'Ip6-Loopback.',
    'localhost6',
    'api.localhost',
    'A.B.LOCALHOST.',
    '%6c%6f%63%61%6c%68%6f%73%74', // percent-encoded: the URL parser decodes it
    'LOCALHOST%2e', // an encoded trailing dot
    'ｌｏｃａｌｈｏｓｔ', // full-width letters: the URL parser maps them
    'ⓛocalhost',
    'loc\u00adalhost', // soft hyphen, mapped to nothing
    'localhost\uff0e', // full-width trailing dot
    'xn--localhost-', // punycode of "localhost", which the URL parser lets through as is
    'api.xn--localhost-',
  ];
  it.each(localNames)('https://%s:PORT/ is refused by name and never looked up', async (name) => {
    const url = `https://${name}:${port}/hello`;
    const { hostname } = new URL(url);
    const { resolve, calls } = tableResolver({ [hostname]: ['127.0.0.2'] });
    const fetch = createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn });
    const before = origin.connections;
    await expect(fetch(url)).rejects.toThrow(/^FETCH_BLOCKED: local host name /);
    expect(calls).toEqual([]);
    await settle();
    expect(origin.connections).toBe(before);
    expect(sentinelConnections()).toBe(0);
  });

  it('a redirect to a local host name is refused before the next hop is looked up', async () => {
    const { resolve, calls } = tableResolver({ 'api.test': ['127.0.0.2'], 'localhost.': ['127.0.0.2'] });
    const fetch = createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn });
    const to = encodeURIComponent(`https://LOCALHOST.:${port}/hello`);
    await expect(fetch(`https://api.test:${port}/redirect?to=${to}`)).rejects.toThrow(
      /^FETCH_BLOCKED: local host name "localhost."/,
    );
    expect(calls).toEqual(['api.test']);
  });

  it('property: any case, trailing dots, subdomains and escapes of a local name are refused without DNS', async () => {
    const base = fc.constantFrom(
      'localhost',
      'localhost.localdomain',
      'ip6-localhost',
      'ip6-loopback',
      'localhost4',
      'localhost6.localdomain6',
    );
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const spelled = fc
      .record({
        base,
        // Subdomains only of plain localhost: x.localhost.localdomain is an ordinary name.
        subdomains: fc.array(label, { maxLength: 3 }),
        dots: fc.integer({ min: 0, max: 3 }),
        upper: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        escape: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      })
      .map(({ base, subdomains, dots, upper, escape }) => {
        const name = [...(base === 'localhost' ? subdomains : []), base].join('.') + '.'.repeat(dots);
        return [...name]
          .map((char, i) => (upper[i % 64] ? char.toUpperCase() : char))
          .map((char, i) =>
            escape[i % 64] && /[a-z.]/i.test(char) ? `%${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char,
          )
          .join('');
      });
    const calls: string[] = [];
    // Any lookup is recorded and answered with the stand-in origin: a miss would connect and succeed.
    const resolve: HostResolver = async (hostname) => {
      calls.push(hostname);
      return [{ address: '127.0.0.2', family: 4 }];
    };
    const fetch = createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn });
    const before = origin.connections;
    await fc.assert(
      fc.asyncProperty(spelled, async (name) => {
        await expect(fetch(`https://${name}:${port}/hello`)).rejects.toThrow(/^FETCH_BLOCKED: local host name /);
        expect(calls).toEqual([]);
      }),
      { numRuns: 200 },
    );
    await settle();
    expect(origin.connections).toBe(before);
    expect(sentinelConnections()).toBe(0);
  });

  // 127.0.0.2 plays the public address (the override allows it) so that a broken guard would
  // connect to a local server, never out; resolveCheckedAddresses is tested with real public ones.
  it.each([
    [['127.0.0.2', '127.0.0.1']],
    [['127.0.0.1', '127.0.0.2']],
    [['127.0.0.2', '127.0.0.2', '::1']],
    [['127.0.0.2', '::ffff:127.0.0.1']],
    [['127.0.0.2', '::ffff:7f00:1']],
  ])('a host resolving to %j is refused as a whole', async (addresses) => {
    const { resolve, calls } = tableResolver({ 'mixed.test': addresses });
    const fetch = createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn });
    const before = origin.connections;
    await expect(fetch(`https://mixed.test:${port}/`)).rejects.toThrow(/^FETCH_BLOCKED: mixed.test resolves to /);
    await settle();
    expect(sentinelConnections()).toBe(0);
    expect(origin.connections).toBe(before); // not even the allowed address is tried
    expect(calls).toEqual(['mixed.test']);
  });

  it('DNS rebinding: the address checked is the address connected to, resolved once', async () => {
    // First answer passes, every later answer is the loopback target. A check-then-fetch
    // implementation would resolve twice and connect to the second answer.
    const { resolve, calls } = tableResolver({ 'rebind.test': (call) => (call === 1 ? ['127.0.0.2'] : ['127.0.0.1']) });
    const fetch = createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn });
    const before = origin.connections;
    await expect(fetch(`https://rebind.test:${port}/hello`)).resolves.toMatchObject({ status: 200, body: 'hello' });
    expect(calls).toEqual(['rebind.test']);
    expect(origin.connections).toBe(before + 1);
    // The next request is a new connection: resolved again, now private, refused before connecting.
    await expect(fetch(`https://rebind.test:${port}/hello`)).rejects.toThrow(
      /^FETCH_BLOCKED: rebind.test resolves to loopback/,
    );
    await settle();
    expect(sentinelConnections()).toBe(0);
  });

  it('DNS rebinding between redirect hops is caught at the second connection', async () => {
    const { resolve } = tableResolver({ 'rebind.test': (call) => (call === 1 ? ['127.0.0.2'] : ['127.0.0.1']) });
    const fetch = createGuardedFetch({ resolve, ca: certificate, unsafeAllowAddressForTests: standIn });
    await expect(fetch(`https://rebind.test:${port}/chain/1`)).rejects.toThrow(
      /^FETCH_BLOCKED: rebind.test resolves to loopback/,
    );
    await settle();
    expect(sentinelConnections()).toBe(0);
  });
});

describe('createGuardedFetch: redirects', () => {
  const redirect = (to: string, status = 302): string =>
    `https://api.test:${port}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

  it.each([
    ['an IP literal', () => `https://127.0.0.1:${port}/`],
    ['a decimal IP literal', () => `https://2130706433:${port}/`],
    ['an IPv4-mapped literal', () => `https://[::ffff:7f00:1]:${port}/`],
    ['a name resolving to a private address', () => `https://internal.test:${port}/`],
  ])('to %s is refused', async (_label, target) => {
    const { fetch } = trustedFetch();
    await expect(fetch(redirect(target()))).rejects.toThrow(/^FETCH_BLOCKED: /);
    await settle();
    expect(sentinelConnections()).toBe(0);
  });

  it.each([
    ['http: (downgrade)', () => `http://api.test:${port}/hello`],
    ['http: to a private address', () => `http://127.0.0.1:${port}/`],
    ['file:', () => 'file:///etc/passwd'],
    ['data:', () => 'data:text/plain,hi'],
    ['javascript:', () => 'javascript:alert(1)'],
    ['ftp:', () => `ftp://api.test:${port}/`],
  ])('to %s is refused', async (_label, target) => {
    const { fetch } = trustedFetch();
    await expect(fetch(redirect(target()))).rejects.toThrow(/^FETCH_BLOCKED: only https URLs are allowed/);
    await settle();
    expect(sentinelConnections()).toBe(0);
  });

  it('follows up to 5 redirects, relative Location included, and fails on the 6th', async () => {
    const { fetch } = trustedFetch();
    await expect(fetch(`https://api.test:${port}/chain/5`)).resolves.toMatchObject({
      status: 200,
      body: 'end of chain',
    });
    await expect(fetch(`https://api.test:${port}/chain/6`)).rejects.toThrow(/^FETCH_FAILED: more than 5 redirects/);
  });

  it('re-resolves the host of every hop', async () => {
    const { fetch, calls } = trustedFetch();
    await fetch(redirect(`https://other.test:${port}/hello`));
    expect(calls).toEqual(['api.test', 'other.test']);
  });

  it('303 turns a POST into a GET without body; 307 and 308 keep method and body', async () => {
    const { fetch } = trustedFetch();
    const init = { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } };
    const after303 = (await fetch(redirect('/echo', 303), init)).json as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(after303).toMatchObject({ method: 'GET', body: '' });
    expect(after303.headers['content-type']).toBeUndefined();
    for (const status of [307, 308]) {
      expect((await fetch(redirect('/echo', status), init)).json).toMatchObject({ method: 'POST', body: 'payload' });
    }
  });

  it('drops credentials on a cross-origin redirect only', async () => {
    const { fetch } = trustedFetch();
    const init = { headers: { Authorization: 'Bearer secret', Cookie: 'sid=1', 'X-Trace': 't' } };
    const sameOrigin = (await fetch(redirect('/echo'), init)).json as { headers: Record<string, string> };
    expect(sameOrigin.headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'sid=1', 'x-trace': 't' });
    const crossOrigin = (await fetch(redirect(`https://other.test:${port}/echo`), init)).json as {
      headers: Record<string, string>;
    };
    expect(crossOrigin.headers.authorization).toBeUndefined();
    expect(crossOrigin.headers.cookie).toBeUndefined();
    expect(crossOrigin.headers['x-trace']).toBe('t');
  });

  it('returns a 3xx without Location as it is', async () => {
    const { fetch } = trustedFetch();
    await expect(fetch(`https://api.test:${port}/status/304`)).resolves.toMatchObject({ status: 304 });
  });
});

describe('createGuardedFetch: time and size limits', () => {
  it('times out a server that never answers (init.timeoutMs lowers the budget)', async () => {
    const { fetch } = trustedFetch();
    const started = performance.now();
    await expect(fetch(`https://api.test:${port}/never`, { timeoutMs: 300 })).rejects.toThrow(
      /^FETCH_FAILED: timed out after 300 ms/,
    );
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('never waits longer than 3 s, whatever init.timeoutMs asks', async () => {
    const { fetch } = trustedFetch();
    const started = performance.now();
    await expect(fetch(`https://api.test:${port}/never`, { timeoutMs: 60_000 })).rejects.toThrow(
      /^FETCH_FAILED: timed out after 3000 ms/,
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(4_500);
  });

  it('the budget is total: a body that keeps trickling still times out', async () => {
    const { fetch } = trustedFetch();
    const started = performance.now();
    await expect(fetch(`https://api.test:${port}/trickle`, { timeoutMs: 500 })).rejects.toThrow(
      /^FETCH_FAILED: timed out/,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a server that accepts TCP but never completes TLS is bounded by the same budget', async () => {
    const accepted: Socket[] = [];
    // Accepts and reads (so that it notices the client leaving), never answers the TLS hello.
    const silent = createNetServer((socket) => void accepted.push(socket.resume()));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.2', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const { fetch } = trustedFetch();
      const started = performance.now();
      await expect(fetch(`https://api.test:${silentPort}/`, { timeoutMs: 300 })).rejects.toThrow(
        /^FETCH_FAILED: timed out after 300 ms/,
      );
      expect(performance.now() - started).toBeLessThan(1_500);
      // ...and the stalled connection is closed soon after too (undici's connect timer ticks at
      // about 1 s resolution), not left for its 10 s default.
      const [socket] = accepted;
      if (socket && !socket.destroyed) {
        await new Promise((resolve, reject) => {
          socket.once('close', resolve);
          setTimeout(() => reject(new Error('client socket still open')), 2_500);
        });
      }
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a resolver that hangs is bounded by the same budget', async () => {
    const fetch = createGuardedFetch({ resolve: () => new Promise(() => undefined), ca: certificate });
    const started = performance.now();
    await expect(fetch('https://slow-dns.test/', { timeoutMs: 200 })).rejects.toThrow(
      /^FETCH_FAILED: timed out after 200 ms/,
    );
    // undici alone would wait for its 10 s connect timeout here.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('a resolver answering after the deadline opens no connection', async () => {
    const late: HostResolver = () =>
      new Promise((resolve) => setTimeout(() => resolve([{ address: '127.0.0.2', family: 4 }]), 300));
    const fetch = createGuardedFetch({ resolve: late, ca: certificate, unsafeAllowAddressForTests: standIn });
    const before = origin.connections;
    await expect(fetch(`https://api.test:${port}/hello`, { timeoutMs: 100 })).rejects.toThrow(
      /^FETCH_FAILED: timed out after 100 ms/,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(origin.connections).toBe(before);
  });

  it('aborts a 5 MB body while it streams, not after buffering it', async () => {
    const { fetch } = trustedFetch();
    bigResponses.length = 0;
    await expect(fetch(`https://api.test:${port}/big`)).rejects.toThrow(/^FETCH_FAILED: response body exceeds 1 MB/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [served] = bigResponses;
    expect(served?.closed).toBe(true);
    expect(served?.finished).toBe(false);
    expect(served?.written).toBeLessThan(5 * 1024 * 1024);
  });

  it('refuses a declared oversized body before reading it', async () => {
    const { fetch } = trustedFetch();
    await expect(fetch(`https://api.test:${port}/big-declared`)).rejects.toThrow(
      /^FETCH_FAILED: response body exceeds 1 MB/,
    );
  });

  it('accepts a body of exactly 1 MB', async () => {
    const { fetch } = trustedFetch();
    const response = await fetch(`https://api.test:${port}/exactly-cap`);
    expect(response.body.length).toBe(fetchLimits.maxResponseBytes);
  });
});

describe('createGuardedFetch: responses', () => {
  it('parses JSON bodies by content type', async () => {
    const { fetch } = trustedFetch();
    expect(await fetch(`https://api.test:${port}/json`)).toMatchObject({
      status: 200,
      body: '{"ok":true,"n":1}',
      json: { ok: true, n: 1 },
    });
    expect((await fetch(`https://api.test:${port}/problem`)).json).toEqual({ title: 'nope' });
    const bad = await fetch(`https://api.test:${port}/badjson`);
    expect(bad.body).toBe('not json{');
    expect('json' in bad).toBe(false);
    expect('json' in (await fetch(`https://api.test:${port}/hello`))).toBe(false);
  });

  it('returns error statuses instead of throwing, with lowercase flat headers', async () => {
    const { fetch } = trustedFetch();
    const response = await fetch(`https://api.test:${port}/status/500`);
    expect(response.status).toBe(500);
    expect(response.body).toBe('status body');
    expect(response.headers['x-custom']).toBe('Value');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect((await fetch(`https://api.test:${port}/status/404`)).status).toBe(404);
  });

  it('sends method, headers and body as given', async () => {
    const { fetch } = trustedFetch();
    const echoed = (
      await fetch(`https://api.test:${port}/echo`, {
        method: 'put',
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k' },
        body: '{"a":1}',
      })
    ).json as { method: string; body: string; host: string; headers: Record<string, string> };
    expect(echoed).toMatchObject({ method: 'PUT', body: '{"a":1}', host: `api.test:${port}` });
    expect(echoed.headers).toMatchObject({ 'content-type': 'application/json', 'x-api-key': 'k' });
  });

  it('HEAD returns headers and an empty body', async () => {
    const { fetch } = trustedFetch();
    await expect(fetch(`https://api.test:${port}/hello`, { method: 'HEAD' })).resolves.toMatchObject({
      status: 200,
      body: '',
    });
  });
});

describe('createGuardedFetch: refused requests', () => {
  it.each([
    ['http://api.test/', /only https URLs are allowed, not http:/],
    ['ftp://api.test/', /only https URLs/],
    ['file:///etc/passwd', /only https URLs/],
    ['data:text/plain,hi', /only https URLs/],
    ['wss://api.test/', /only https URLs/],
    ['not a url', /invalid URL/],
    ['//api.test/x', /invalid URL/],
    ['https://user:pass@api.test/', /credentials in the URL/],
  ])('url %j', async (url, message) => {
    const { fetch, calls } = trustedFetch();
    await expect(fetch(url)).rejects.toThrow(/^FETCH_BLOCKED: /);
    await expect(fetch(url)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it.each([
    [{ headers: { Host: 'internal.test' } }, /header host is managed by the host/],
    [{ headers: { 'Transfer-Encoding': 'chunked' } }, /header transfer-encoding/],
    [{ headers: { Connection: 'close' } }, /header connection/],
    [{ headers: { 'Content-Length': '5' } }, /header content-length/],
    [{ headers: { 'Proxy-Authorization': 'x' } }, /header proxy-authorization/],
    [{ headers: { Upgrade: 'websocket' } }, /header upgrade/],
    [{ headers: { 'Accept-Encoding': 'gzip' } }, /header accept-encoding/],
    [{ headers: { 'X-Evil': 'a\r\nHost: internal.test' } }, /invalid header "X-Evil"/],
    [{ headers: { 'Bad Name': 'v' } }, /invalid header "Bad Name"/],
    [{ headers: { 'X-Big': 'v'.repeat(17 * 1024) } }, /request headers exceed 16 KB/],
    [{ headers: { 'X-Number': 5 as unknown as string } }, /invalid header "X-Number"/],
    [{ method: 'CONNECT' }, /method CONNECT is not allowed/],
    [{ method: 'TRACE' }, /method TRACE is not allowed/],
    [{ method: 'GET', body: 'x' }, /a GET request cannot have a body/],
    [{ method: 'POST', body: 'x'.repeat(64 * 1024 + 1) }, /request body exceeds 64 KB/],
    [{ method: 'POST', body: 'é'.repeat(32 * 1024 + 1) }, /request body exceeds 64 KB/], // counted in bytes
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number/],
    [{ timeoutMs: -1 }, /timeoutMs must be a positive number/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a positive number/],
  ])('init %#', async (init, message) => {
    const { fetch } = trustedFetch();
    const before = origin.connections;
    await expect(fetch(`https://api.test:${port}/echo`, init)).rejects.toThrow(message);
    await expect(fetch(`https://api.test:${port}/echo`, init)).rejects.toThrow(/^FETCH_BLOCKED: /);
    expect(origin.connections).toBe(before);
  });

  it('accepts a body of exactly 64 KB', async () => {
    const { fetch } = trustedFetch();
    const body = 'z'.repeat(fetchLimits.maxRequestBodyBytes);
    expect(
      ((await fetch(`https://api.test:${port}/echo`, { method: 'POST', body })).json as { body: string }).body,
    ).toBe(body);
  });
});

describe('createGuardedFetch: failures', () => {
  it('an untrusted certificate fails', async () => {
    const { resolve } = tableResolver({ 'api.test': ['127.0.0.2'] });
    const fetch = createGuardedFetch({ resolve, unsafeAllowAddressForTests: standIn });
    await expect(fetch(`https://api.test:${port}/hello`)).rejects.toThrow(/^FETCH_FAILED: .*(self-signed|SELF_SIGNED)/);
  });

  it('a certificate for another name fails', async () => {
    const { fetch } = trustedFetch();
    await expect(fetch(`https://unlisted.test:${port}/hello`)).rejects.toThrow(/^FETCH_FAILED: .*(altnames|ALTNAME)/i);
  });

  it('a name that does not resolve fails', async () => {
    const { fetch } = trustedFetch();
    await expect(fetch('https://nowhere.test/')).rejects.toThrow(/^FETCH_FAILED: could not resolve nowhere.test/);
  });

  it('a refused connection fails', async () => {
    const { resolve } = tableResolver({ 'closed.test': ['127.0.0.3'] });
    const fetch = createGuardedFetch({
      resolve,
      ca: certificate,
      unsafeAllowAddressForTests: (a) => a === '127.0.0.3',
    });
    await expect(fetch(`https://closed.test:${port}/`)).rejects.toThrow(/^FETCH_FAILED: .*ECONNREFUSED/);
  });
});
