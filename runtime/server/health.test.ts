import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRuntime } from '../runtime';
import { openPostgresStorage, PostgresRuntimeStorage } from '../storage/postgres/postgres-storage';
import type { ChangeFeed } from '../storage/postgres/change-feed';
import { api, bundleOf, publish, testKey, useServedRuntime, useTempDirs } from '../testing/harness';
import { usePostgresDatabase } from '../testing/use-postgres';
import { createRuntimeServer } from './runtime-server';

// GET /v1/health is readiness (the storage answers a SELECT 1), GET /v1/health/live liveness (the
// process serves; no storage access). Both without a token. No timing is asserted: a database
// that hangs is recognised by the reason the answer gives, not by how long it took.

const tempDir = useTempDirs();
const serve = useServedRuntime();
const database = usePostgresDatabase();

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

const password = 'hunter2-pw';

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('health on SQLite', () => {
  it('is ready (200, storage ok) and live, without a token', async () => {
    const served = await serve(tempDir());
    const ready = await api(served.url, 'GET', '/v1/health');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ok', activeHash: null, version: null, storage: { ok: true } });
    const live = await api(served.url, 'GET', '/v1/health/live');
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'ok' });

    const bundle = bundleOf({ a: 'return true' }, { 'signup.before': { layers: [['a']] } });
    const published = await publish(served, bundle);
    expect((await api(served.url, 'GET', '/v1/health')).json).toEqual({
      status: 'ok',
      activeHash: published.json.hash,
      version: 1,
      storage: { ok: true },
    });
  });

  it('answers 503 with the reason once the storage is closed; liveness stays 200 and never touches it', async () => {
    const served = await serve(tempDir());
    const ping = vi.spyOn(served.runtime.storage, 'ping');
    expect((await api(served.url, 'GET', '/v1/health/live')).status).toBe(200);
    expect(ping).not.toHaveBeenCalled();

    await served.runtime.storage.close();
    const ready = await api(served.url, 'GET', '/v1/health');
    expect(ready.status).toBe(503);
    expect(ready.json).toEqual({
      status: 'unavailable',
      activeHash: null,
      version: null,
      storage: { ok: false, error: 'the SQLite storage is closed' },
    });
    expect(ping).toHaveBeenCalledTimes(1);
    const live = await api(served.url, 'GET', '/v1/health/live');
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'ok' });
    expect(ping).toHaveBeenCalledTimes(1);
  });

  it('keeps credentials of a URL in the reason out of the answer', async () => {
    const served = await serve(tempDir());
    vi.spyOn(served.runtime.storage, 'ping').mockRejectedValue(
      new Error(`cannot reach postgres://runtime:${password}@db.internal:5432/prod: connection refused`),
    );
    const ready = await api(served.url, 'GET', '/v1/health');
    expect(ready.status).toBe(503);
    expect(ready.text).not.toContain(password);
    expect(ready.json.storage).toEqual({
      ok: false,
      error: 'cannot reach postgres://runtime:***@db.internal:5432/prod: connection refused',
    });
  });
});

/** A TCP relay in front of the test server: forwards, swallows (a hung database) or is closed. */
async function relayTo(target: URL) {
  let mode: 'forward' | 'swallow' = 'forward';
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'swallow') return; // accepted, never answered
    const upstream = net.connect(Number(target.port), target.hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const relay = {
    port,
    swallow() {
      mode = 'swallow';
      cutAll();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        cutAll();
      });
    },
  };
  opened.push(relay);
  return relay;
}

async function servedOnPostgres(databaseUrl: string) {
  const logs: string[] = [];
  const storage = await openPostgresStorage(databaseUrl, { safetyPollMs: 0, log: (m) => logs.push(m) });
  const runtime = await createRuntime({ storage, secretsKey: testKey, config: { workers: 1 }, log: () => {} });
  const server = createRuntimeServer(runtime, { log: () => {} });
  const url = await server.listen(0, '127.0.0.1');
  opened.push({
    async close() {
      await server.close();
      await runtime.close();
    },
  });
  return { url, runtime, logs };
}

const readiness = async (url: string) => {
  const answer = await api(url, 'GET', '/v1/health');
  return { status: answer.status, json: answer.json, text: answer.text };
};

describe('health on PostgreSQL', () => {
  it('answers 503 with the reason while the database refuses connections, and 200 again after', async () => {
    const databaseUrl = new URL(await database.newUrl());
    const name = databaseUrl.pathname.slice(1);
    databaseUrl.password = password; // trust authentication ignores it; it must not show anyway
    const served = await servedOnPostgres(databaseUrl.toString());
    expect(await readiness(served.url)).toMatchObject({ status: 200, json: { status: 'ok', storage: { ok: true } } });

    const adminUrl = new URL(databaseUrl);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      // The pool may first hand out a connection whose termination it has not noticed: that is a
      // 503 too, with another reason. Then new connections are refused by the server.
      const down = await eventually(
        () => readiness(served.url),
        (r) =>
          r.status === 503 &&
          /not currently accepting connections/.test(
            String((r.json.storage as { error?: unknown } | undefined)?.error),
          ),
        'a 503 naming the refused connection',
      );
      expect(down.json).toMatchObject({ status: 'unavailable', activeHash: null, version: null });
      expect(down.json.storage).toEqual({ ok: false, error: expect.stringContaining(name) });
      expect(down.text).not.toContain(password);
      const live = await api(served.url, 'GET', '/v1/health/live');
      expect({ status: live.status, json: live.json }).toEqual({ status: 200, json: { status: 'ok' } });
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await eventually(
      () => readiness(served.url),
      (r) => r.status === 200,
      'ready again',
    );
  });

  it('answers 503 when the database is unreachable (closed port) or hangs (no answer), never waiting for it', async () => {
    const serverUrl = new URL(await database.newUrl());
    const relay = await relayTo(serverUrl);
    const throughRelay = new URL(serverUrl);
    throughRelay.port = String(relay.port);
    throughRelay.password = password;
    const served = await servedOnPostgres(throughRelay.toString());
    expect((await readiness(served.url)).status).toBe(200);

    // Accepts the connection, never answers: the pool alone would wait 10 s for it.
    relay.swallow();
    const hung = await eventually(
      () => readiness(served.url),
      (r) =>
        r.status === 503 && /did not answer/.test(String((r.json.storage as { error?: unknown } | undefined)?.error)),
      'a 503 for the hung database',
    );
    expect(hung.json).toEqual({
      status: 'unavailable',
      activeHash: null,
      version: null,
      storage: { ok: false, error: 'PostgreSQL did not answer SELECT 1 within 2000 ms' },
    });

    // Nothing listens any more.
    await relay.close();
    const closed = await eventually(
      () => readiness(served.url),
      (r) =>
        r.status === 503 && /ECONNREFUSED/.test(String((r.json.storage as { error?: unknown } | undefined)?.error)),
      'a 503 for the closed port',
    );
    expect(closed.json).toMatchObject({ status: 'unavailable', storage: { ok: false } });
    expect(closed.text).not.toContain(password);
    expect((await api(served.url, 'GET', '/v1/health/live')).status).toBe(200);
  });

  it("hides the URL's password from ping's errors", async () => {
    const failing = {
      query: () =>
        Promise.reject(new Error(`password authentication failed: ${password} / ${encodeURIComponent('p@ss')}`)),
    } as unknown as pg.Pool;
    const storage = new PostgresRuntimeStorage(failing, {} as ChangeFeed, encodeURIComponent('p@ss'));
    await expect(storage.ping()).rejects.toThrow(`password authentication failed: ${password} / ***`);
    const withPassword = new PostgresRuntimeStorage(failing, {} as ChangeFeed, password);
    await expect(withPassword.ping()).rejects.toThrow('password authentication failed: *** / p%40ss');
  });
});
