import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../runtime/auth/tokens';
import { createRuntimeServer } from '../../runtime/server/runtime-server';
import { api, useTempDirs } from '../../runtime/testing/harness';
import { startedRollout, steer } from '../../runtime/testing/rollout-fixtures';
import { clientHeaders, recordingBundle, useAuthFixture } from './testing/auth-fixture';

// A rollout seen from the host application: the plugin runs hooks in the embedded runtime, and an
// operator steers a canary of that same runtime over its HTTP API (docs/runtime.md, "Rollouts").
// While the canary's candidate decides, its refusal is what better-auth answers; once the rollout
// is aborted, the active bundle decides again.

const makeDir = useTempDirs('better-auth-rollout-');
const start = useAuthFixture(makeDir);

const closedSignups = () => {
  const bundle = recordingBundle();
  const script = bundle.scripts['signup-before'];
  if (!script) throw new Error('the recording bundle has no signup-before script');
  return {
    ...bundle,
    name: 'closed-signups',
    scripts: {
      ...bundle.scripts,
      'signup-before': {
        ...script,
        source: 'return { allow = false, reason = "sign-ups are closed", code = "CLOSED" }',
      },
    },
  };
};

describe('the better-auth plugin during a rollout', () => {
  it('refuses a sign-up while a canary at 100% denies it, and accepts it after the abort', async () => {
    const fixture = await start();
    const server = createRuntimeServer(fixture.runtime, { log: () => {} });
    const url = await server.listen(0, '127.0.0.1');
    try {
      const operator = { url, token: (await createToken(fixture.runtime.storage, { scopes: ['publish'] })).token };
      await startedRollout(operator, { bundle: closedSignups(), mode: 'canary', percent: 100 });

      const signUp = (email: string) =>
        fixture.auth.api.signUpEmail({
          body: { email, password: 'correct horse battery', name: 'Ada' },
          headers: clientHeaders(),
        });
      await expect(signUp('ada@example.com')).rejects.toMatchObject({
        statusCode: 403,
        body: { message: 'sign-ups are closed', code: 'CLOSED' },
      });
      const db = new Database(fixture.database, { readonly: true });
      try {
        expect(db.prepare('select count(*) as n from user').get()).toEqual({ n: 0 });

        expect((await steer(operator, 'abort')).status).toBe(200);
        const current = await api(url, 'GET', '/v1/rollouts/current', { token: operator.token });
        expect(current.json).toMatchObject({ state: 'aborted' });
        const { user } = await signUp('ada@example.com');
        expect(user).toMatchObject({ email: 'ada@example.com', plan: 'trial' });
        expect(db.prepare('select count(*) as n from user').get()).toEqual({ n: 1 });
      } finally {
        db.close();
      }
    } finally {
      await server.close();
    }
  });
});
