import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { createToken } from '../auth/tokens';
import { createRuntime } from '../runtime';
import { openPostgresStorage } from '../storage/postgres/postgres-storage';
import { tokenScopes, type RuntimeStorage } from '../storage/types';
import { api, bundleOf, runtimeEntry, signupEvent, testKey } from '../testing/harness';
import { usePostgresDatabase } from '../testing/use-postgres';
import { createRuntimeServer } from './runtime-server';

// Several runtime instances on one PostgreSQL database, each with its own HTTP server on loopback.
// The safety poll is off everywhere: what reaches the second instance came through NOTIFY (or
// through the re-reads a publish does before refusing), nothing else. No timing is asserted;
// propagation is awaited with a generous limit.

const database = usePostgresDatabase();

interface Instance {
  url: string;
  token: string;
  logs: string[];
  close(): Promise<void>;
}

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const instance of opened.splice(0).reverse()) await instance.close();
});

async function instanceOn(
  databaseUrl: string,
  options: { token?: string; wrap?: (storage: RuntimeStorage) => RuntimeStorage } = {},
): Promise<Instance> {
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);
  const storage = await openPostgresStorage(databaseUrl, { safetyPollMs: 0, log });
  const runtime = await createRuntime({
    storage: options.wrap ? options.wrap(storage) : storage,
    secretsKey: testKey,
    config: { workers: 1 },
    log,
  });
  const server = createRuntimeServer(runtime, { log: () => {} });
  const url = await server.listen(0, '127.0.0.1');
  const token = options.token ?? (await createToken(runtime.storage, { scopes: [...tokenScopes], name: 't' })).token;
  let closed = false;
  const instance = {
    url,
    token,
    logs,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await runtime.close();
    },
  };
  opened.push(instance);
  return instance;
}

/** The storage without its change subscription: an instance that never hears of the others. */
function deaf(storage: RuntimeStorage): RuntimeStorage {
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'watch') return undefined;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const gate = (name: string) => ({
  ...bundleOf({ gate: `return { allow = false, reason = "${name}" }` }, { 'signup.before': { layers: [['gate']] } }),
  name,
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const health = async (instance: Instance) => (await api(instance.url, 'GET', '/v1/health')).json;
const reasonOn = async (instance: Instance) =>
  (
    await api(instance.url, 'POST', '/v1/hooks/signup.before', {
      token: instance.token,
      body: { event: signupEvent('ada@example.com') },
    })
  ).json.reason;

function put(instance: Instance, bundle: unknown, ifMatch: string | null) {
  return api(instance.url, 'PUT', '/v1/bundle', {
    token: instance.token,
    headers: { 'if-match': ifMatch === null ? '*' : `"${ifMatch}"` },
    body: { bundle, message: 'test' },
  });
}

describe('several runtime instances on one PostgreSQL database', () => {
  it('a publish through one instance becomes active on the other', async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, { token: a.token });
    expect(
      (await api(b.url, 'POST', '/v1/hooks/signup.before', { token: a.token, body: { event: signupEvent('x@y.z') } }))
        .json,
    ).toMatchObject({ allow: true });

    expect((await put(a, gate('first'), null)).status).toBe(201);
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'first',
      'B to run the first bundle',
    );
    expect(await health(b)).toMatchObject({ activeHash: bundleHash(gate('first')), version: 1 });

    expect((await put(a, gate('second'), bundleHash(gate('first')))).status).toBe(201);
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'second',
      'B to run the second bundle',
    );
    const history = await api(b.url, 'GET', '/v1/bundle/history', { token: b.token });
    expect(history.json).toMatchObject({ active: 2, versions: [{ version: 2 }, { version: 1 }] });
    // And the other way round.
    expect((await put(b, gate('third'), bundleHash(gate('second')))).status).toBe(201);
    await eventually(
      () => reasonOn(a),
      (reason) => reason === 'third',
      'A to run the third bundle',
    );
  });

  it('concurrent publishes through both with the same If-Match: exactly one wins', async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, { token: a.token });
    expect((await put(a, gate('base'), null)).status).toBe(201);
    let active = bundleHash(gate('base'));
    for (let round = 0; round < 4; round++) {
      await eventually(
        () => health(b),
        (h) => h.activeHash === active,
        'B to know the active bundle',
      );
      const [left, right] = await Promise.all([
        put(a, gate(`left-${round}`), active),
        put(b, gate(`right-${round}`), active),
      ]);
      expect([left.status, right.status].sort()).toEqual([201, 412]);
      const winner = left.status === 201 ? left : right;
      const loser = left.status === 201 ? right : left;
      expect(loser.json.error).toMatchObject({ code: 'PRECONDITION_FAILED', activeHash: winner.json.hash });
      active = winner.json.hash as string;
    }
    const history = await api(a.url, 'GET', '/v1/bundle/history', { token: a.token });
    expect((history.json.versions as { version: number }[]).map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
  });

  it('judges If-Match and declared secrets by the database even before the notification arrives', async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, { token: a.token, wrap: deaf });
    expect((await put(a, gate('one'), null)).status).toBe(201);
    const one = bundleHash(gate('one'));
    expect((await health(b)).activeHash).toBeNull(); // B never hears of it by itself

    const stale = await put(b, gate('two'), null);
    expect(stale.status).toBe(412);
    expect(stale.json.error).toMatchObject({ code: 'PRECONDITION_FAILED', activeHash: one });
    const right = await put(b, gate('two'), one);
    expect(right.status).toBe(201);
    expect(right.json).toMatchObject({ version: 2 });

    // A secret set through A: B has not heard of it, but looks before refusing the bundle.
    expect(
      (await api(a.url, 'PUT', '/v1/secrets/GATE', { token: a.token, body: { value: 'first-value' } })).status,
    ).toBe(200);
    const withSecret = {
      ...bundleOf(
        { gate: 'return { allow = false, reason = helpers.secret("GATE") == "first-value" and "first" or "other" }' },
        { 'signup.before': { layers: [['gate']] } },
      ),
      secrets: ['GATE'],
    };
    const published = await put(b, withSecret, bundleHash(gate('two')));
    expect(published.status).toBe(201);
    expect(await reasonOn(b)).toBe('first');

    // A rollback through B without If-Match applies over what A made active meanwhile.
    expect((await put(a, gate('four'), bundleHash(withSecret))).status).toBe(201);
    const rolled = await api(b.url, 'POST', '/v1/bundle/rollback', { token: b.token, body: { version: 1 } });
    expect(rolled.status).toBe(200);
    expect(rolled.json).toMatchObject({ version: 5, kind: 'rollback', restoredFrom: 1 });
    expect(await reasonOn(b)).toBe('one');
  });

  it("a secret set through one instance is read by the other's scripts, and so is its new value", async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, { token: a.token });
    await api(a.url, 'PUT', '/v1/secrets/GATE', { token: a.token, body: { value: 'first-value' } });
    const bundle = {
      ...bundleOf(
        { gate: 'return { allow = false, reason = helpers.secret("GATE") == "second-value" and "second" or "first" }' },
        { 'signup.before': { layers: [['gate']] } },
      ),
      secrets: ['GATE'],
    };
    expect((await put(a, bundle, null)).status).toBe(201);
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'first',
      'B to run the bundle',
    );
    await api(a.url, 'PUT', '/v1/secrets/GATE', { token: a.token, body: { value: 'second-value' } });
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'second',
      "B to read the secret's new value",
    );
    const names = await api(b.url, 'GET', '/v1/secrets', { token: b.token });
    expect(names.json.secrets).toEqual([{ name: 'GATE', updatedAt: expect.any(String) }]);
  });

  it('reconnects after losing its LISTEN connection, re-reads, and follows later publishes', async () => {
    const url = await database.newUrl();
    const a = await instanceOn(url);
    const b = await instanceOn(url, { token: a.token });
    expect((await put(a, gate('one'), null)).status).toBe(201);
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'one',
      'B to run the first bundle',
    );

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE '%/listen'`,
    );
    await admin.end();
    expect(killed.rowCount).toBe(2);
    // Published at once: most likely while B is reconnecting, so only its resync can find it.
    expect((await put(a, gate('two'), bundleHash(gate('one')))).status).toBe(201);
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'two',
      'B to run the second bundle',
    );
    await eventually(
      async () => b.logs.join('\n'),
      (logs) => /LISTEN connection to PostgreSQL is back/.test(logs),
      'B to reconnect',
    );
    expect(b.logs.join('\n')).toMatch(/LISTEN connection to PostgreSQL is down/);
    expect((await put(a, gate('three'), bundleHash(gate('two')))).status).toBe(201);
    await eventually(
      () => reasonOn(b),
      (reason) => reason === 'three',
      'B to run the third bundle',
    );
  });
});

// ---- the server as a program (dist/node/runtime.mjs), configured by flags and environment

interface Child {
  child: ChildProcess;
  url: string;
  line: Record<string, unknown>;
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});

const keyEnv = { PIPELINE_RUNTIME_KEY: testKey.toString('base64') };

function run(
  args: string[],
  env: NodeJS.ProcessEnv = keyEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runtimeEntry, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PIPELINE_RUNTIME_KEY: '', PIPELINE_RUNTIME_DATABASE_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function serve(args: string[], env: NodeJS.ProcessEnv = keyEnv): Promise<Child> {
  const child = spawn(process.execPath, [runtimeEntry, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PIPELINE_RUNTIME_KEY: '', PIPELINE_RUNTIME_DATABASE_URL: '', ...env },
  });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (text) =>
      resolve(JSON.parse(text) as Record<string, unknown>),
    );
    child.once('exit', (code) => reject(new Error(`the runtime exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url: line.listening as string, line };
}

describe('pipeline-studio runtime --database-url', () => {
  it('serves two processes on one database with a token made by the CLI', async () => {
    const url = `${await database.newUrl()}?safety_poll_ms=0&pool_max=4`;
    const created = await run(['token', 'create', '--scopes', 'publish,invoke', '--name', 'ci', '--database-url', url]);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const listed = await run(['token', 'list'], { PIPELINE_RUNTIME_DATABASE_URL: url });
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'ci', scopes: ['publish', 'invoke'] }]);

    const a = await serve(['--database-url', url]);
    const b = await serve([], { ...keyEnv, PIPELINE_RUNTIME_DATABASE_URL: url });
    expect(a.line).toMatchObject({
      data: null,
      database: expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/runtime_test_\w+$/),
    });
    const instanceA = { url: a.url, token, logs: [], close: async () => {} };
    const instanceB = { ...instanceA, url: b.url };
    expect((await put(instanceA, gate('cli'), null)).status).toBe(201);
    await eventually(
      () => reasonOn(instanceB),
      (reason) => reason === 'cli',
      'B to run the bundle',
    );

    const id = token.split('_')[1] as string;
    expect((await run(['token', 'revoke', id, '--database-url', url])).code).toBe(0);
  });

  it('refuses to start without a shared secrets key, or with --data as well', async () => {
    const url = await database.newUrl();
    const noKey = await run(['--port', '0', '--database-url', url], {});
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(
      /secrets key must be given, the same on every instance: --key-file F or \$PIPELINE_RUNTIME_KEY/,
    );
    const both = await run(['--port', '0', '--database-url', url, '--data', '/tmp/nowhere']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--data and --database-url exclude each other/);
    const unreachable = await run(['--port', '0', '--database-url', 'postgres://u:pw@127.0.0.1:1/db']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /cannot start: cannot open the PostgreSQL database postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/,
    );
    expect(unreachable.stderr).not.toContain('pw');
  });

  it('refuses another key than the one the database was set up with', async () => {
    const url = await database.newUrl();
    const first = await serve(['--database-url', url]);
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const other = await run(['--port', '0', '--database-url', url], {
      PIPELINE_RUNTIME_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/cannot start: the secrets key is not the one/);
  });
});
