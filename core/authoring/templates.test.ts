import { describe, expect, it } from 'vitest';
import { hookDefinitions, modeOf, type HookMode } from '../../shared/hooks';
import { useAuthoringHarness } from './testing/authoring-harness';
import type { ScriptTemplate } from './templates';

const harness = useAuthoringHarness();

const expected: Record<HookMode, string> = { blocking: 'allow', enrichment: 'data', async: 'recorded' };

describe('script templates', () => {
  it.each<ScriptTemplate>(['blocking', 'enrichment', 'async', 'blank'])(
    '%s: compiles, and runs cleanly in the engine on the sample payload of every hook it is for',
    async (template) => {
      const { call, internalErrors } = harness();
      await call('scripts.create', { id: `from-${template}`, template });
      const { source } = await call('scripts.get', { id: `from-${template}` });
      expect(await call('scripts.check', { source })).toEqual([]);
      const hooks = hookDefinitions.filter((hook) => template === 'blank' || hook.mode === template);
      expect(hooks.length).toBeGreaterThan(0);
      for (const { id: hook } of hooks) {
        const { sample } = await call('hooks.schema', { hook });
        const run = await call('scripts.run', { source, hook, event: sample });
        expect(run, `${template} on ${hook}`).toMatchObject({ ok: true, error: null });
        expect(run.decision.kind, `${template} on ${hook}`).toBe(expected[modeOf(hook)]);
      }
      expect(internalErrors).toEqual([]);
    },
  );

  it('blocking: its example denies the domain it names, with a reason and a code', async () => {
    const { call } = harness();
    await call('scripts.create', { id: 'gate', template: 'blocking' });
    const { source } = await call('scripts.get', { id: 'gate' });
    const { sample } = await call('hooks.schema', { hook: 'signup.before' });
    const event = { ...sample, user: { email: 'Someone@Blocked.Example' } };
    expect(await call('scripts.run', { source, hook: 'signup.before', event })).toMatchObject({
      ok: true,
      decision: { kind: 'deny', code: 'DOMAIN_BLOCKED', reason: 'Sign-ups with this email domain are not allowed.' },
    });
  });

  it('enrichment returns a table of fields; async logs', async () => {
    const { call } = harness();
    await call('scripts.create', { id: 'enrich', template: 'enrichment' });
    await call('scripts.create', { id: 'after', template: 'async' });
    const { sample: signup } = await call('hooks.schema', { hook: 'signup.enrich' });
    const enrich = await call('scripts.run', {
      source: (await call('scripts.get', { id: 'enrich' })).source,
      hook: 'signup.enrich',
      event: signup,
    });
    expect(enrich.result).toEqual({ emailDomain: 'example.com' });
    const { sample: after } = await call('hooks.schema', { hook: 'signup.after' });
    const logged = await call('scripts.run', {
      source: (await call('scripts.get', { id: 'after' })).source,
      hook: 'signup.after',
      event: after,
    });
    expect(logged.logs).toMatchObject([{ level: 'info', message: 'signup.after for ada@example.com' }]);
  });
});
