import { describe, expect, it } from 'vitest';
import { hookIds } from '../../shared/hooks';
import { useAuthoringHarness, type AuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();

async function withScripts(h: AuthoringHarness, ids: string[]): Promise<void> {
  for (const id of ids) await h.call('scripts.create', { id, template: 'blank' });
}

describe('pipeline channels', () => {
  it('shows every hook, with [] where nothing is attached', async () => {
    const { call } = harness();
    const state = await call('pipeline.get', {});
    expect(Object.keys(state.hooks).sort()).toEqual([...hookIds].sort());
    expect(Object.values(state.hooks).every((layers) => layers.length === 0)).toBe(true);
    expect(state).toMatchObject({ env: {}, secrets: [] });
  });

  it("replaces one hook's layers, dropping the layers the editor emptied", async () => {
    const h = harness();
    await withScripts(h, ['a', 'b', 'c']);
    const state = await h.call('pipeline.setLayers', { hook: 'signup.before', layers: [['a', 'b'], [], ['c']] });
    expect(state.hooks['signup.before']).toEqual([['a', 'b'], ['c']]);
    expect(state.hooks['signin.before']).toEqual([]);
    // Moving c into the first layer and detaching b.
    const moved = await h.call('pipeline.setLayers', { hook: 'signup.before', layers: [['c', 'a']] });
    expect(moved.hooks['signup.before']).toEqual([['c', 'a']]);
    expect(
      (await h.call('pipeline.setLayers', { hook: 'signup.before', layers: [[]] })).hooks['signup.before'],
    ).toEqual([]);
  });

  it('answers PIPELINE_INVALID naming every problem and where it is, and changes nothing', async () => {
    const h = harness();
    const ids = Array.from({ length: 11 }, (_, i) => `s${i + 1}`);
    await withScripts(h, ids);
    await h.call('pipeline.setLayers', { hook: 'token.enrich', layers: [['s1']] });

    const tooMany = await h.fail('pipeline.setLayers', { hook: 'token.enrich', layers: ids.map((id) => [id]) });
    expect(tooMany.code).toBe('PIPELINE_INVALID');
    expect(tooMany.message).toContain('token.enrich: 11 layers; a hook holds at most 10');

    const several = await h.fail('pipeline.setLayers', {
      hook: 'token.enrich',
      layers: [
        ['s1', 's2', 's3', 's4', 's5', 's6'],
        ['s7', 's1'],
        ['ghost', 's8', 's8'],
      ],
    });
    expect(several.code).toBe('PIPELINE_INVALID');
    expect(several.message).toContain('token.enrich, layer 1: 6 scripts; a layer holds 1 to 5');
    expect(several.message).toContain('token.enrich, layer 2: script "s1" is already in layer 1');
    expect(several.message).toContain('token.enrich, layer 3: there is no script "ghost"');
    expect(several.message).toContain('token.enrich, layer 3: script "s8" is twice in this layer');
    expect((await h.call('pipeline.get', {})).hooks['token.enrich']).toEqual([['s1']]);

    const bad = await h.fail('pipeline.setLayers', { hook: 'nope.before' as 'signup.before', layers: [] });
    expect(bad.code).toBe('INVALID_INPUT');
    expect(h.internalErrors).toEqual([]);
  });

  it('replaces the variables, refusing a name the bundle cannot carry', async () => {
    const { call, fail } = harness();
    const state = await call('pipeline.setEnv', { env: { REGION: 'eu', allowed_domains: 'example.com' } });
    expect(state.env).toEqual({ REGION: 'eu', allowed_domains: 'example.com' });
    const error = await fail('pipeline.setEnv', { env: { '1BAD': 'x' } });
    expect(error.code).toBe('INVALID');
    expect(error.message).toContain('1BAD');
    expect((await call('pipeline.get', {})).env).toEqual({ REGION: 'eu', allowed_domains: 'example.com' });
  });
});
