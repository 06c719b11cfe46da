import path from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { jwt } from 'better-auth/plugins';
import { afterEach } from 'vitest';
import type { Bundle } from '../../../shared/engine';
import type { HookId } from '../../../shared/hooks';
import { createRuntime, type Runtime } from '../../../runtime';
import { bundleOf, testKey } from '../../../runtime/testing/harness';
import { pipelineStudio, type PipelineStudioOptions } from '../index';

// Test support: a real better-auth instance on a temporary SQLite file with the plugin and the
// jwt plugin, and a real embedded runtime whose every invocation is recorded (hook and the event
// exactly as the plugin sent it, before the runtime redacts anything).

export const blockedDomain = 'blocked.example';

/** One script per hook: blocking ones deny on recognisable inputs, the others return data. */
export function recordingBundle(): Bundle {
  const deny = (condition: string, reason: string, code: string) =>
    `if ${condition} then return { allow = false, reason = "${reason}", code = "${code}" } end\nreturn true`;
  const scripts: Record<string, string> = {
    'signup-before': deny(
      `string.match(event.user.email, "@(.+)$") == "${blockedDomain}"`,
      'sign-ups from this domain are not accepted',
      'BLOCKED_DOMAIN',
    ),
    'signup-enrich': 'return { plan = "trial", company = string.match(event.user.email, "@(.+)$") }',
    'signin-before': deny('event.user.name == "no-signin"', 'sign-in refused by policy', 'SIGNIN_BLOCKED'),
    'session-enrich': 'return { tier = "gold" }',
    'token-enrich':
      'local m = event.user.metadata or {}\nreturn { claims = { plan = event.user.plan, company = m.company, iss = "forged" } }',
    'account-link-before': deny('event.provider == "evil"', 'this provider cannot be linked', 'NO_LINK'),
    'password-reset-before': deny(
      'string.sub(event.user.email, 1, 7) == "noreset"',
      'password resets are disabled',
      'NO_RESET',
    ),
    'email-change-before': deny(
      `string.match(event.newEmail, "@(.+)$") == "${blockedDomain}"`,
      'that address is not accepted',
      'BLOCKED_DOMAIN',
    ),
    'user-delete-before': deny('event.user.name == "keep-me"', 'this account cannot be deleted', 'KEEP'),
    recorded: 'return { seen = ctx.hook }',
  };
  const asyncHooks: HookId[] = [
    'signup.after',
    'signin.after',
    'signout.after',
    'account-link.after',
    'password-change.after',
    'email-verify.after',
    'user-delete.after',
  ];
  const hooks: Bundle['hooks'] = {
    'signup.before': { layers: [['signup-before']] },
    'signup.enrich': { layers: [['signup-enrich']] },
    'signin.before': { layers: [['signin-before']] },
    'session.enrich': { layers: [['session-enrich']] },
    'token.enrich': { layers: [['token-enrich']] },
    'account-link.before': { layers: [['account-link-before']] },
    'password-reset.before': { layers: [['password-reset-before']] },
    'email-change.before': { layers: [['email-change-before']] },
    'user-delete.before': { layers: [['user-delete-before']] },
    ...Object.fromEntries(asyncHooks.map((hook) => [hook, { layers: [['recorded']] }])),
  };
  return bundleOf(scripts, hooks);
}

export interface Invocation {
  hook: string;
  event: Record<string, unknown>;
}

export interface AuthFixtureOptions {
  plugin?: Omit<PipelineStudioOptions, 'runtime'> & { runtime?: PipelineStudioOptions['runtime'] | false };
  bundle?: Bundle;
}

/** Mail that better-auth "sends" (reset and verification links), by kind. */
export interface Outbox {
  reset: { email: string; token: string }[];
  verify: { email: string; token: string }[];
}

export function useAuthFixture(makeDir: () => string) {
  const opened: Runtime[] = [];
  afterEach(async () => {
    for (const runtime of opened.splice(0)) await runtime.close();
  });

  return async (options: AuthFixtureOptions = {}) => {
    const dir = makeDir();
    const runtime = await createRuntime({
      dataDir: path.join(dir, 'runtime'),
      secretsKey: testKey,
      config: { workers: 1 },
      log: () => {},
    });
    opened.push(runtime);
    await runtime.publish({ bundle: options.bundle ?? recordingBundle(), expectedHash: null, author: 'test' });
    const invocations: Invocation[] = [];
    const recording = {
      runHook(hook: string, event: unknown) {
        invocations.push({ hook, event: event as Record<string, unknown> });
        return runtime.runHook(hook, event);
      },
    };
    const { runtime: given, ...pluginOptions } = options.plugin ?? {};
    const logged: string[] = [];
    const plugin = pipelineStudio({
      logger: { warn: (message) => logged.push(message), error: (message) => logged.push(message) },
      ...pluginOptions,
      ...(given === false ? {} : { runtime: given ?? recording }),
    });
    const outbox: Outbox = { reset: [], verify: [] };
    const auth = betterAuth({
      database: new Database(path.join(dir, 'auth.db')),
      secret: 'a-test-secret-that-is-long-enough-for-better-auth',
      baseURL: 'http://127.0.0.1:3000',
      logger: { disabled: true },
      emailAndPassword: {
        enabled: true,
        sendResetPassword: async ({ user, token }) => {
          outbox.reset.push({ email: user.email, token });
        },
      },
      emailVerification: {
        sendVerificationEmail: async ({ user, token }) => {
          outbox.verify.push({ email: user.email, token });
        },
      },
      user: {
        additionalFields: { plan: { type: 'string', required: false, input: false } },
        changeEmail: { enabled: true, updateEmailWithoutVerification: true },
        deleteUser: { enabled: true },
      },
      plugins: [plugin, jwt({ jwt: { definePayload: plugin.definePayload }, disableSettingJwtHeader: true })],
    });
    await (await auth.$context).runMigrations();
    return { auth, runtime, plugin, invocations, logged, outbox, database: path.join(dir, 'auth.db') };
  };
}

/** Request headers as a browser behind a proxy would send them. */
export function clientHeaders(cookie?: string): Headers {
  const headers = new Headers({ 'x-forwarded-for': '203.0.113.9', 'user-agent': 'vitest-browser/1.0' });
  if (cookie) headers.set('cookie', cookie);
  return headers;
}

/** The cookie header a browser would send back, from a response's set-cookie headers. */
export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
}

/** The claims of a JWT (not verified: the test reads what better-auth signed). */
export function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
