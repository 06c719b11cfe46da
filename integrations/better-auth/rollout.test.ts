import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../runtime/testing/harness';
import { clientHeaders, recordingBundle, useAuthFixture } from './testing/auth-fixture';

// A rollout seen from the host application: the plugin runs hooks in the embedded runtime, and the
// host steers a canary of that same runtime through the library (docs/runtime.md, "Rollouts").
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
    const { runtime } = fixture;
    const rollout = await runtime.startRollout({
      bundle: closedSignups(),
      mode: 'canary',
      percent: 100,
      author: 'test',
      expectedHash: runtime.activeHash(),
    });
    expect(rollout).toMatchObject({ state: 'running', percent: 100 });

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

      expect(await runtime.abortRollout('test')).toMatchObject({ id: rollout.id, state: 'aborted' });
      const { user } = await signUp('ada@example.com');
      expect(user).toMatchObject({ email: 'ada@example.com', plan: 'trial' });
      expect(db.prepare('select count(*) as n from user').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
