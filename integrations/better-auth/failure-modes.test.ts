import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { publish, useServedRuntime, useTempDirs } from '../../runtime/testing/harness';
import type { PipelineStudioOptions } from './index';
import { blockedDomain, clientHeaders, recordingBundle, useAuthFixture } from './testing/auth-fixture';

// The remote runtime (POST /v1/hooks over real HTTP on loopback) and what the plugin does when the
// runtime cannot answer: blocking hooks deny (503) unless configured to allow, enrichment goes on
// without data, async hooks never hold a request (shown with a runtime that never answers them).

const makeDir = useTempDirs('better-auth-failure-');
const start = useAuthFixture(makeDir);
const serve = useServedRuntime();

const password = 'correct horse battery';
const signUpBody = (email: string) => ({ email, password, name: 'Ada' });
const planOf = (database: string, email: string) => {
  const db = new Database(database, { readonly: true });
  try {
    return db.prepare('select plan, pipelineData from user where email = ?').get(email);
  } finally {
    db.close();
  }
};

/** A loopback port that refuses connections (a server opened, then closed). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const never = <T>() => new Promise<T>(() => {});

describe('a remote runtime over HTTP', () => {
  it('denies with the script reason and enriches through POST /v1/hooks', async () => {
    const served = await serve(makeDir());
    expect((await publish(served, recordingBundle())).status).toBe(201);
    const token = await served.tokenWith(['invoke']);
    const fixture = await start({ plugin: { runtime: false, url: served.url, token } });
    await expect(
      fixture.auth.api.signUpEmail({ body: signUpBody(`eve@${blockedDomain}`), headers: clientHeaders() }),
    ).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'sign-ups from this domain are not accepted', code: 'BLOCKED_DOMAIN' },
    });
    await fixture.auth.api.signUpEmail({ body: signUpBody('ada@example.com'), headers: clientHeaders() });
    expect(planOf(fixture.database, 'ada@example.com')).toEqual({
      plan: 'trial',
      pipelineData: JSON.stringify({ company: 'example.com' }),
    });
    await served.runtime.flush();
    const captured = await served.runtime.events({ hook: 'signup.before' });
    expect(captured.map((event) => event.outcome)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ allow: false, reason: 'sign-ups from this domain are not accepted' }),
      ]),
    );
  });

  it('treats a refused token as an unavailable runtime', async () => {
    const served = await serve(makeDir());
    const fixture = await start({ plugin: { runtime: false, url: served.url, token: 'psrt_0000_wrong' } });
    await expect(
      fixture.auth.api.signUpEmail({ body: signUpBody('ada@example.com'), headers: clientHeaders() }),
    ).rejects.toMatchObject({ statusCode: 503, body: { code: 'PIPELINE_UNAVAILABLE' } });
    expect(fixture.logged.join('\n')).toMatch(/HTTP 401/);
    expect(fixture.logged.join('\n')).not.toContain('psrt_0000_wrong');
  });

  it('refuses plain http to a host that is not loopback', async () => {
    await expect(
      start({ plugin: { runtime: false, url: 'http://runtime.example.com:8787', token: 't' } }),
    ).rejects.toThrow(/https/);
  });
});

describe('an unavailable runtime', () => {
  it('denies blocking hooks by default (unreachable)', async () => {
    const fixture = await start({ plugin: { runtime: false, url: await closedPortUrl(), token: 't' } });
    await expect(
      fixture.auth.api.signUpEmail({ body: signUpBody('ada@example.com'), headers: clientHeaders() }),
    ).rejects.toMatchObject({ statusCode: 503, body: { code: 'PIPELINE_UNAVAILABLE' } });
    expect(planOf(fixture.database, 'ada@example.com')).toBeUndefined();
    expect(fixture.logged.join('\n')).toMatch(
      /could not be reached for signup\.before: ECONNREFUSED; signup\.before denied \(failure mode "deny"\)/,
    );
  });

  it('allows when configured, and enrichment continues without data', async () => {
    const fixture = await start({
      plugin: { runtime: false, url: await closedPortUrl(), token: 't', failureMode: 'allow' },
    });
    const { user } = await fixture.auth.api.signUpEmail({
      body: signUpBody('ada@example.com'),
      headers: clientHeaders(),
    });
    expect(user.email).toBe('ada@example.com');
    expect(planOf(fixture.database, 'ada@example.com')).toEqual({ plan: null, pipelineData: null });
    expect(fixture.logged.join('\n')).toMatch(/signup\.enrich continues without data/);
  });

  it('applies the failure mode per hook when the runtime never answers', async () => {
    const silent: PipelineStudioOptions['runtime'] = { runHook: () => never() };
    const fixture = await start({
      plugin: { runtime: silent, timeoutMs: 50, failureMode: { 'signup.before': 'allow' } },
    });
    // signup.before allows, signup.enrich and session.enrich give nothing: the sign-up succeeds.
    await fixture.auth.api.signUpEmail({ body: signUpBody('ada@example.com'), headers: clientHeaders() });
    expect(planOf(fixture.database, 'ada@example.com')).toEqual({ plan: null, pipelineData: null });
    // signin.before keeps the default: denied.
    await expect(
      fixture.auth.api.signInEmail({ body: { email: 'ada@example.com', password }, headers: clientHeaders() }),
    ).rejects.toMatchObject({ statusCode: 503, body: { code: 'PIPELINE_UNAVAILABLE' } });
  });

  it('never holds a request for an async hook', async () => {
    // Blocking and enrichment hooks answer at once; async hooks never answer, and there is no timeout
    // long enough to hide a wait: the requests below could only complete if nobody awaits them.
    const called: string[] = [];
    const asyncNeverAnswers: PipelineStudioOptions['runtime'] = {
      runHook: (hook) => {
        called.push(hook);
        if (hook.endsWith('.after')) return never();
        return Promise.resolve({ hook, mode: 'blocking', allow: true, data: {}, traceId: 't' } as never);
      },
    };
    const fixture = await start({ plugin: { runtime: asyncNeverAnswers, timeoutMs: 2_147_483_647 } });
    await fixture.auth.api.signUpEmail({ body: signUpBody('ada@example.com'), headers: clientHeaders() });
    const signedIn = await fixture.auth.api.signInEmail({
      body: { email: 'ada@example.com', password },
      headers: clientHeaders(),
      returnHeaders: true,
    });
    const cookie = signedIn.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    await fixture.auth.api.signOut({ headers: clientHeaders(cookie) });
    expect(called).toEqual(expect.arrayContaining(['signup.after', 'signin.after', 'signout.after']));
  });
});
