import { describe, expect, it } from 'vitest';
import { api, useServedRuntime, useTempDirs } from '../testing/harness';

const tempDir = useTempDirs();
const serve = useServedRuntime();

const scoped: [string, string, string][] = [
  ['GET', '/v1/bundle', 'publish'],
  ['PUT', '/v1/bundle', 'publish'],
  ['GET', '/v1/bundle/history', 'publish'],
  ['POST', '/v1/bundle/rollback', 'publish'],
  ['PUT', '/v1/secrets/API_KEY', 'secrets:write'],
  ['GET', '/v1/secrets', 'secrets:write'],
  ['POST', '/v1/hooks/signup.before', 'invoke'],
  ['GET', '/v1/events', 'events:read'],
  ['GET', '/v1/traces', 'events:read'],
];

describe('tokens and scopes', () => {
  it('answers health without a token, with the active hash', async () => {
    const served = await serve(tempDir());
    const health = await api(served.url, 'GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok', activeHash: null, version: null, storage: { ok: true } });
    expect(health.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses every scoped endpoint without a token (401), with a wrong one (401) and without its scope (403)', async () => {
    const served = await serve(tempDir(), { config: { authFailures: { max: 1000, windowMs: 60_000 } } });
    const realToken = served.token;
    const forged = `${realToken.slice(0, -4)}AAAA`;
    for (const [method, path, scope] of scoped) {
      const none = await api(served.url, method, path);
      expect(none.status, `${method} ${path} without token`).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      for (const wrong of [forged, 'psrt_0000000000000000_' + 'A'.repeat(43), 'nonsense', '']) {
        const refused = await api(served.url, method, path, { headers: { authorization: `Bearer ${wrong}` } });
        expect(refused.status, `${method} ${path} with a wrong token`).toBe(401);
      }
      const basic = await api(served.url, method, path, { headers: { authorization: `Basic ${realToken}` } });
      expect(basic.status).toBe(401);
      const others = ['publish', 'invoke', 'events:read', 'secrets:write'].filter((s) => s !== scope);
      const lacking = await api(served.url, method, path, { token: await served.tokenWith(others as never) });
      expect(lacking.status, `${method} ${path} without ${scope}`).toBe(403);
      expect(lacking.json.error?.message).toContain(scope);
    }
  });

  it('stops accepting a revoked token', async () => {
    const dir = tempDir();
    const served = await serve(dir);
    const token = await served.tokenWith(['events:read']);
    expect((await api(served.url, 'GET', '/v1/events', { token })).status).toBe(200);
    const id = token.split('_')[1] as string;
    expect(await served.runtime.storage.revokeToken(id, Date.now())).toBe(true);
    await served.close();
    // (A running server sees a revocation within the verifier's cache time: token-verifier.test.ts.)
    const restarted = await serve(dir);
    expect((await api(restarted.url, 'GET', '/v1/events', { token })).status).toBe(401);
  });

  it('slows an address down after repeated failures: 429 with Retry-After, even for a good token', async () => {
    const served = await serve(tempDir(), { config: { authFailures: { max: 3, windowMs: 60_000 } } });
    for (let i = 0; i < 3; i++) {
      expect((await api(served.url, 'GET', '/v1/events', { token: 'psrt_wrong' })).status).toBe(401);
    }
    const blocked = await api(served.url, 'GET', '/v1/events', { token: served.token });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.json.error?.code).toBe('TOO_MANY_FAILURES');
    // Health needs no token and is not slowed.
    expect((await api(served.url, 'GET', '/v1/health')).status).toBe(200);
  });

  it('answers unknown paths 404 and wrong methods 405 with Allow', async () => {
    const served = await serve(tempDir());
    expect((await api(served.url, 'GET', '/v1/nothing')).status).toBe(404);
    const wrong = await api(served.url, 'DELETE', '/v1/bundle', { token: served.token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PUT');
  });
});
