import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { isHookId, validateEvent } from '../../shared/hooks';
import { useTempDirs } from '../../runtime/testing/harness';
import {
  blockedDomain,
  claimsOf,
  clientHeaders,
  cookieFrom,
  useAuthFixture,
  type Invocation,
} from './testing/auth-fixture';

// The plugin against a real better-auth (SQLite file) and a real embedded runtime: every mapped
// hook fires with a payload valid against its schema, denies carry the script's reason and code,
// and enrichment lands in the user record, the session and the JWT.

const makeDir = useTempDirs('better-auth-plugin-');
const start = useAuthFixture(makeDir);

function expectValid(invocations: Invocation[]) {
  for (const { hook, event } of invocations) {
    expect(isHookId(hook), hook).toBe(true);
    if (!isHookId(hook)) continue;
    const validation = validateEvent(hook, event);
    expect(validation.ok, `${hook}: ${validation.ok ? '' : validation.message}`).toBe(true);
  }
}

const hooksOf = (invocations: Invocation[]) => invocations.map((invocation) => invocation.hook);

async function signUp(fixture: Awaited<ReturnType<typeof start>>, email: string, name = 'Ada') {
  const { headers, response } = await fixture.auth.api.signUpEmail({
    body: { email, password: 'correct horse battery', name },
    headers: clientHeaders(),
    returnHeaders: true,
  });
  return { cookie: cookieFrom(headers), user: response.user };
}

describe('the better-auth plugin', () => {
  it('refuses a sign-up with the script reason and code, and creates nothing', async () => {
    const fixture = await start();
    const refused = fixture.auth.api.signUpEmail({
      body: { email: `eve@${blockedDomain}`, password: 'correct horse battery', name: 'Eve' },
      headers: clientHeaders(),
    });
    await expect(refused).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'sign-ups from this domain are not accepted', code: 'BLOCKED_DOMAIN' },
    });
    expect(hooksOf(fixture.invocations)).toEqual(['signup.before']);
    expect(fixture.invocations[0]?.event).toMatchObject({
      request: { ip: '203.0.113.9', userAgent: 'vitest-browser/1.0' },
      user: { email: `eve@${blockedDomain}`, name: 'Eve' },
      provider: 'email',
    });
    const db = new Database(fixture.database, { readonly: true });
    expect(db.prepare('select count(*) as n from user').get()).toEqual({ n: 0 });
    db.close();
  });

  it('enriches the user at sign-up, the session at sign-in and the JWT claims', async () => {
    const fixture = await start();
    const { user } = await signUp(fixture, 'ada@example.com');
    const db = new Database(fixture.database, { readonly: true });
    const row = db.prepare('select plan, pipelineData from user where id = ?').get(user.id) as {
      plan: string;
      pipelineData: string;
    };
    expect(row.plan).toBe('trial');
    expect(JSON.parse(row.pipelineData)).toEqual({ company: 'example.com' });
    // The sign-up's own session is enriched, but it is not a sign-in.
    await vi.waitFor(() => expect(hooksOf(fixture.invocations)).toContain('signup.after'));
    expect(hooksOf(fixture.invocations).sort()).toEqual(
      ['signup.before', 'signup.enrich', 'signup.after', 'session.enrich'].sort(),
    );

    const signedIn = await fixture.auth.api.signInEmail({
      body: { email: 'ada@example.com', password: 'correct horse battery' },
      headers: clientHeaders(),
      returnHeaders: true,
    });
    const cookie = cookieFrom(signedIn.headers);
    const session = await fixture.auth.api.getSession({ headers: clientHeaders(cookie) });
    expect(session?.user).toMatchObject({ plan: 'trial' });
    expect(JSON.parse(String((session?.session as Record<string, unknown>).pipelineData))).toEqual({ tier: 'gold' });

    const { token } = await fixture.auth.api.getToken({ headers: clientHeaders(cookie) });
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ plan: 'trial', company: 'example.com', sub: user.id, email: 'ada@example.com' });
    // Registered claims are not a script's to set.
    expect(claims.iss).not.toBe('forged');
    expect(claims).not.toHaveProperty('pipelineData');

    await vi.waitFor(() => expect(hooksOf(fixture.invocations)).toContain('signin.after'));
    const signin = fixture.invocations.find((invocation) => invocation.hook === 'signin.before');
    expect(signin?.event).toMatchObject({
      method: 'password',
      user: { id: user.id, email: 'ada@example.com', metadata: { company: 'example.com' }, plan: 'trial' },
    });
    const tokenEvent = fixture.invocations.find((invocation) => invocation.hook === 'token.enrich');
    expect(tokenEvent?.event).toMatchObject({
      request: { ip: '203.0.113.9' },
      token: { type: 'access' },
      claims: { id: user.id, email: 'ada@example.com' },
    });
    expectValid(fixture.invocations);

    // What the runtime receives (and may capture or trace) never carries a credential: not the
    // password, not the session token of the cookie, not the issued JWT.
    const sent = JSON.stringify(fixture.invocations);
    const sessionToken = /session_token=([^.;]+)/.exec(cookie)?.[1] ?? '';
    expect(sessionToken.length).toBeGreaterThan(10);
    expect(sent).not.toContain('correct horse battery');
    expect(sent).not.toContain(sessionToken);
    expect(sent).not.toContain(token);
  });

  it('maps the rest of the lifecycle: sign-in deny, password, email, linking, sign-out, deletion', async () => {
    const fixture = await start();
    const { auth, invocations } = fixture;
    const fired = (hook: string) => invocations.filter((invocation) => invocation.hook === hook);

    // signin.before denies with the script's reason; no session is created.
    await signUp(fixture, 'blocked-signin@example.com', 'no-signin');
    await expect(
      auth.api.signInEmail({
        body: { email: 'blocked-signin@example.com', password: 'correct horse battery' },
        headers: clientHeaders(),
      }),
    ).rejects.toMatchObject({
      statusCode: 403,
      body: { message: 'sign-in refused by policy', code: 'SIGNIN_BLOCKED' },
    });

    const { cookie, user } = await signUp(fixture, 'grace@example.com', 'Grace');

    // password-reset.before: denied for some addresses, allowed (and the reset completes) for others.
    await expect(
      auth.api.requestPasswordReset({ body: { email: 'noreset@example.com' }, headers: clientHeaders() }),
    ).rejects.toMatchObject({ body: { message: 'password resets are disabled', code: 'NO_RESET' } });
    await auth.api.requestPasswordReset({ body: { email: 'grace@example.com' }, headers: clientHeaders() });
    const reset = fixture.outbox.reset.find((mail) => mail.email === 'grace@example.com');
    expect(reset).toBeDefined();
    await auth.api.resetPassword({
      body: { token: reset?.token ?? '', newPassword: 'a brand new password' },
      headers: clientHeaders(),
    });
    await vi.waitFor(() => expect(fired('password-change.after')).toHaveLength(1));
    expect(fired('password-change.after')[0]?.event).toMatchObject({ user: { id: user.id } });

    // password-change.after for a signed-in change too.
    const signedIn = await auth.api.signInEmail({
      body: { email: 'grace@example.com', password: 'a brand new password' },
      headers: clientHeaders(),
      returnHeaders: true,
    });
    let session = cookieFrom(signedIn.headers);
    const changed = await auth.api.changePassword({
      body: {
        currentPassword: 'a brand new password',
        newPassword: 'another new password',
        revokeOtherSessions: false,
      },
      headers: clientHeaders(session),
      returnHeaders: true,
    });
    session = cookieFrom(changed.headers) || session;
    await vi.waitFor(() => expect(fired('password-change.after')).toHaveLength(2));

    // email-change.before: the new address is checked.
    await expect(
      auth.api.changeEmail({ body: { newEmail: `grace@${blockedDomain}` }, headers: clientHeaders(session) }),
    ).rejects.toMatchObject({ body: { message: 'that address is not accepted', code: 'BLOCKED_DOMAIN' } });
    expect(fired('email-change.before')[0]?.event).toMatchObject({
      user: { id: user.id, email: 'grace@example.com' },
      newEmail: `grace@${blockedDomain}`,
    });

    // email-verify.after once the verification link is followed.
    await auth.api.sendVerificationEmail({ body: { email: 'grace@example.com' }, headers: clientHeaders() });
    const verify = fixture.outbox.verify.find((mail) => mail.email === 'grace@example.com');
    await auth.api.verifyEmail({ query: { token: verify?.token ?? '' }, headers: clientHeaders() });
    await vi.waitFor(() => expect(fired('email-verify.after')).toHaveLength(1));
    expect(fired('email-verify.after')[0]?.event).toMatchObject({ user: { id: user.id, emailVerified: true } });

    // account-link.before/after when an account is added to an existing user.
    const context = await auth.$context;
    await expect(
      context.internalAdapter.createAccount({ userId: user.id, providerId: 'evil', accountId: 'e-1' }),
    ).rejects.toMatchObject({ body: { message: 'this provider cannot be linked', code: 'NO_LINK' } });
    await context.internalAdapter.createAccount({ userId: user.id, providerId: 'github', accountId: 'gh-42' });
    await vi.waitFor(() => expect(fired('account-link.after')).toHaveLength(1));
    expect(fired('account-link.before').at(-1)?.event).toMatchObject({
      user: { id: user.id },
      provider: 'github',
      providerAccountId: 'gh-42',
    });

    // signout.after with the session that ended.
    await auth.api.signOut({ headers: clientHeaders(session) });
    await vi.waitFor(() => expect(fired('signout.after')).toHaveLength(1));
    expect(fired('signout.after')[0]?.event).toMatchObject({
      user: { id: user.id },
      session: { id: expect.any(String) },
    });

    // user-delete.before denies for a protected account; user-delete.after after a deletion.
    const kept = await signUp(fixture, 'keep@example.com', 'keep-me');
    await expect(auth.api.deleteUser({ body: {}, headers: clientHeaders(kept.cookie) })).rejects.toMatchObject({
      body: { message: 'this account cannot be deleted', code: 'KEEP' },
    });
    await auth.api.deleteUser({ body: {}, headers: clientHeaders(cookie) });
    await vi.waitFor(() => expect(fired('user-delete.after')).toHaveLength(1));
    expect(fired('user-delete.after')[0]?.event).toMatchObject({ user: { id: user.id, email: 'grace@example.com' } });

    const every = new Set(hooksOf(invocations));
    expect([...every].sort()).toEqual(
      [
        'signup.before',
        'signup.enrich',
        'signup.after',
        'signin.before',
        'signin.after',
        'session.enrich',
        'signout.after',
        'account-link.before',
        'account-link.after',
        'password-reset.before',
        'password-change.after',
        'email-change.before',
        'email-verify.after',
        'user-delete.before',
        'user-delete.after',
      ].sort(),
    );
    expectValid(invocations);
    expect(fixture.logged).toEqual([]);
  });
});
