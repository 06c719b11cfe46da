import { afterEach, describe, expect, it } from 'vitest';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { createToken } from '../../runtime/auth/tokens';
import { createRuntime } from '../../runtime/runtime';
import { createRuntimeServer } from '../../runtime/server/runtime-server';
import { openPostgresStorage } from '../../runtime/storage/postgres/postgres-storage';
import { api, testKey, useTempDirs } from '../../runtime/testing/harness';
import { usePostgresDatabase } from '../../runtime/testing/use-postgres';
import { blockedDomain, clientHeaders, recordingBundle, useAuthFixture } from './testing/auth-fixture';

// The two halves of the issue together: better-auth calls a runtime over HTTP (remote mode) that is
// one of two instances on one PostgreSQL database, while the studio publishes through the other.
// What the auth server decides follows each publish, and what it caused is readable from either
// instance. The safety poll is off: publishes reach the second instance by NOTIFY only. Propagation
// is awaited, never timed.

const database = usePostgresDatabase();
const makeDir = useTempDirs('better-auth-cluster-');
const start = useAuthFixture(makeDir);

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of closing.splice(0).reverse()) await item.close();
});

async function instance(databaseUrl: string) {
  const storage = await openPostgresStorage(databaseUrl, { safetyPollMs: 0, log: () => {} });
  const runtime = await createRuntime({ storage, secretsKey: testKey, config: { workers: 1 }, log: () => {} });
  const server = createRuntimeServer(runtime, { log: () => {} });
  const url = await server.listen(0, '127.0.0.1');
  closing.push({
    close: async () => {
      await server.close();
      await runtime.close();
    },
  });
  return { url, storage: runtime.storage };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('better-auth on a runtime of two instances sharing PostgreSQL', () => {
  it('decides with what was published through the other instance, and follows the next publish', async () => {
    const url = database.url();
    const a = await instance(url);
    const b = await instance(url);
    const studio = (await createToken(a.storage, { scopes: ['publish', 'events:read'], name: 'studio' })).token;
    const host = (await createToken(a.storage, { scopes: ['invoke'], name: 'auth-server' })).token;

    // The auth server talks to instance B only.
    const fixture = await start({ plugin: { runtime: false, url: b.url, token: host } });
    const signUp = (email: string) =>
      fixture.auth.api.signUpEmail({
        body: { email, password: 'correct horse battery', name: 'Ada' },
        headers: clientHeaders(),
      });

    // The studio publishes through instance A.
    const first = recordingBundle();
    const published = await api(a.url, 'PUT', '/v1/bundle', {
      token: studio,
      headers: { 'if-match': '*' },
      body: { bundle: first, message: 'first' },
    });
    expect(published.status).toBe(201);
    const firstHash = bundleHash(first);
    await until(
      async () => (await api(b.url, 'GET', '/v1/health')).json.activeHash === firstHash,
      'instance B to serve the first publish',
    );

    await expect(signUp(`eve@${blockedDomain}`)).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'sign-ups from this domain are not accepted', code: 'BLOCKED_DOMAIN' },
    });
    const created = await signUp('ada@example.com');
    expect(created.user).toMatchObject({ email: 'ada@example.com', plan: 'trial' });

    // A stricter script, published through A: B's answers to the auth server change with it.
    const second = recordingBundle();
    second.scripts['signup-before'] = {
      ...second.scripts['signup-before']!,
      source: 'return { allow = false, reason = "sign-ups are paused", code = "PAUSED" }',
    };
    const republished = await api(a.url, 'PUT', '/v1/bundle', {
      token: studio,
      headers: { 'if-match': `"${firstHash}"` },
      body: { bundle: second, message: 'pause sign-ups' },
    });
    expect(republished.status).toBe(201);
    const secondHash = bundleHash(second);
    await until(
      async () => (await api(b.url, 'GET', '/v1/health')).json.activeHash === secondHash,
      'instance B to serve the second publish',
    );
    await expect(signUp('grace@example.com')).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'sign-ups are paused', code: 'PAUSED' },
    });

    // What B captured is there for the studio on A: one store for both.
    let captured: { hook: string; outcome?: { reason?: string } }[] = [];
    await until(async () => {
      const response = await api(a.url, 'GET', '/v1/events?hook=signup.before', { token: studio });
      captured = response.text
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as { hook: string; outcome?: { reason?: string } });
      return captured.length >= 3;
    }, "B's captured events to be readable on A");
    expect(captured.map((event) => event.outcome?.reason)).toEqual([
      'sign-ups from this domain are not accepted',
      undefined,
      'sign-ups are paused',
    ]);
  });
});
