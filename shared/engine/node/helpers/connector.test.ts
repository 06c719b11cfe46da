// The connector alone: what a name resolves to decides whether anything is connected, and a
// refused answer or literal opens no socket. Plain HTTP on the loopback interface is enough here
// (the connector is the same for TLS); fetch.test.ts drives it through HTTPS and redirects.
//
// Layout as in fetch.test.ts: `origin` (127.0.0.2) plays a public server, reachable only because
// `unsafeAllowAddressForTests` lifts its refusal; `sentinel` (127.0.0.1) is what an attacker wants
// to reach and counts its connections.

import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createGuardedAgent, resolveCheckedAddresses, type HostResolver, type ResolvedAddress } from './connector';

interface CountingServer {
  server: Server;
  connections: number;
}

let port = 0;
let origin: CountingServer;
let sentinel: CountingServer;

function listen(host: string, wantedPort: number, body: string): Promise<CountingServer> {
  return new Promise((resolve, reject) => {
    const counted: CountingServer = { server: createServer((_req, res) => res.end(body)), connections: 0 };
    counted.server.on('connection', () => {
      counted.connections++;
    });
    counted.server.once('error', reject);
    counted.server.listen(wantedPort, host, () => resolve(counted));
  });
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

/** One request through a fresh guarded agent, as fetch.ts makes one per hop. */
async function get(url: string, resolve: HostResolver, signal = new AbortController().signal): Promise<string> {
  const dispatcher = createGuardedAgent({ resolve, unsafeAllowAddressForTests: standIn }, signal, 3_000);
  try {
    const response = await request(url, { dispatcher });
    return await response.body.text();
  } finally {
    await dispatcher.destroy();
  }
}

beforeAll(async () => {
  sentinel = await listen('127.0.0.1', 0, 'SENTINEL');
  port = (sentinel.server.address() as { port: number }).port;
  origin = await listen('127.0.0.2', port, 'origin');
});

afterAll(async () => {
  for (const { server } of [origin, sentinel]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

beforeEach(() => {
  origin.connections = 0;
  sentinel.connections = 0;
});

describe('resolveCheckedAddresses', () => {
  it('returns every address when all are public (never connecting to them)', async () => {
    const { resolve } = tableResolver({
      'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    });
    await expect(resolveCheckedAddresses('public.example', { resolve })).resolves.toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
  });

  it.each([
    [['8.8.8.8', '127.0.0.1'], /loopback address 127\.0\.0\.1/],
    [['127.0.0.1', '8.8.8.8'], /loopback/],
    [['2606:4700::1111', '::ffff:10.0.0.5'], /IPv4-mapped form of private/],
    [['8.8.8.8', '169.254.169.254'], /link-local/],
    [['0177.0.0.1'], /not an IP address/], // the socket must get exactly the string we checked
    [['example.com'], /not an IP address/],
  ])('refuses the host when any of %j is refused', async (addresses, reason) => {
    const { resolve } = tableResolver({ 'mixed.test': addresses });
    await expect(resolveCheckedAddresses('mixed.test', { resolve })).rejects.toThrow(/^FETCH_BLOCKED: /);
    await expect(resolveCheckedAddresses('mixed.test', { resolve })).rejects.toThrow(reason);
  });

  it.each(['localhost', 'LOCALHOST.', 'x.localhost', 'ip6-loopback'])(
    'refuses %j by name without calling the resolver',
    async (name) => {
      const { resolve, calls } = tableResolver({ [name]: ['8.8.8.8'] });
      await expect(resolveCheckedAddresses(name, { resolve })).rejects.toThrow(/^FETCH_BLOCKED: local host name/);
      expect(calls).toEqual([]);
    },
  );

  it('fails (not blocks) when the name does not resolve', async () => {
    const { resolve } = tableResolver({ 'empty.test': [] });
    await expect(resolveCheckedAddresses('empty.test', { resolve })).rejects.toThrow(
      /^FETCH_FAILED: empty.test has no addresses/,
    );
    await expect(resolveCheckedAddresses('nowhere.test', { resolve })).rejects.toThrow(
      /^FETCH_FAILED: could not resolve nowhere.test: ENOTFOUND/,
    );
  });
});

describe('createGuardedAgent', () => {
  it('connects to the address the name resolves to when it is allowed (control)', async () => {
    const { resolve, calls } = tableResolver({ 'api.test': ['127.0.0.2'] });
    await expect(get(`http://api.test:${port}/`, resolve)).resolves.toBe('origin');
    expect(calls).toEqual(['api.test']);
    expect(origin.connections).toBe(1);
  });

  it('opens no connection when any address of the name is refused', async () => {
    const { resolve } = tableResolver({ 'mixed.test': ['127.0.0.2', '127.0.0.1'] });
    await expect(get(`http://mixed.test:${port}/`, resolve)).rejects.toThrow(
      /^FETCH_BLOCKED: mixed.test resolves to loopback address 127\.0\.0\.1/,
    );
    expect(origin.connections + sentinel.connections).toBe(0);
  });

  it.each(['127.0.0.1', '[::1]', '[::ffff:7f00:1]'])('refuses the IP literal %s before connecting', async (host) => {
    const { resolve, calls } = tableResolver({});
    await expect(get(`http://${host}:${port}/`, resolve)).rejects.toThrow(/^FETCH_BLOCKED: /);
    expect(calls).toEqual([]);
    expect(sentinel.connections).toBe(0);
  });

  it('resolves once per connection: a second answer cannot replace the checked one', async () => {
    const { resolve, calls } = tableResolver({ 'rebind.test': (call) => (call === 1 ? ['127.0.0.2'] : ['127.0.0.1']) });
    await expect(get(`http://rebind.test:${port}/`, resolve)).resolves.toBe('origin');
    expect(calls).toEqual(['rebind.test']);
    await expect(get(`http://rebind.test:${port}/`, resolve)).rejects.toThrow(
      /^FETCH_BLOCKED: rebind.test resolves to loopback/,
    );
    expect(sentinel.connections).toBe(0);
  });

  it('a DNS answer that arrives after the call gave up opens no connection', async () => {
    const controller = new AbortController();
    const resolve: HostResolver = async () => {
      controller.abort(); // the call gives up while the resolver is still out
      return [{ address: '127.0.0.2', family: 4 }];
    };
    await expect(get(`http://late.test:${port}/`, resolve, controller.signal)).rejects.toThrow(
      /^FETCH_FAILED: timed out while resolving/,
    );
    expect(origin.connections).toBe(0);
  });
});
