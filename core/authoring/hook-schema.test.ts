import { describe, expect, it } from 'vitest';
import { hookIds, modeOf, validateEvent } from '../../shared/hooks';
import { useAuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();

describe('hooks.schema', () => {
  it('gives every hook its mode, its payload as JSON Schema and a sample that fits it', async () => {
    const { call } = harness();
    for (const hook of hookIds) {
      const answer = await call('hooks.schema', { hook });
      expect(answer.hook).toBe(hook);
      expect(answer.mode).toBe(modeOf(hook));
      expect(answer.schema).toMatchObject({ type: 'object', properties: { request: expect.any(Object) } });
      expect(validateEvent(hook, answer.sample).ok, hook).toBe(true);
    }
    const signup = await call('hooks.schema', { hook: 'signup.before' });
    expect(signup.schema).toMatchObject({ properties: { user: { properties: { email: expect.any(Object) } } } });
  });

  it('refuses a hook that does not exist', async () => {
    const { fail } = harness();
    expect(await fail('hooks.schema', { hook: 'login.before' as 'signup.before' })).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
