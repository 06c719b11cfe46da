import { describe, expect, it } from 'vitest';
import { BundleInvalidError, type Bundle } from './bundle';
import { defaultLimits } from './limits';
import { effectiveTimeoutMs, planHook } from './plan';

const bundle: Bundle = {
  format: 'pipeline-studio/bundle@1',
  name: 'acme',
  scripts: {
    a: { file: 'scripts/a.lua', source: 'return true', timeoutMs: 2500, onError: 'allow' },
    b: { file: 'scripts/b.lua', source: 'return nil' },
    c: { file: 'scripts/c.lua', source: 'return {}' },
  },
  hooks: { 'signup.before': { layers: [['a', 'b'], ['c']] } },
  env: { REGION: 'eu' },
  secrets: ['API_KEY'],
};

describe('planHook', () => {
  it('builds the plan of one hook with its key, layers, hashes, env, secrets and limits', () => {
    const plan = planHook(bundle, 'signup.before', { bundleHash: 'abc123', scriptHashes: (source) => `h(${source})` });
    expect(plan.key).toBe('abc123:signup.before');
    expect(plan.mode).toBe('blocking');
    expect(plan.layers).toEqual([
      [
        { id: 'a', source: 'return true', contentHash: 'h(return true)', timeoutMs: 2500, onError: 'allow' },
        { id: 'b', source: 'return nil', contentHash: 'h(return nil)' },
      ],
      [{ id: 'c', source: 'return {}', contentHash: 'h(return {})' }],
    ]);
    expect(plan.env).toEqual({ REGION: 'eu' });
    expect(plan.env).not.toBe(bundle.env);
    expect(plan.secretNames).toEqual(['API_KEY']);
    expect(plan.limits).toEqual(defaultLimits);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('takes precomputed hashes and refuses a script without one', () => {
    const hashes = { a: 'ha', b: 'hb', c: 'hc' };
    const plan = planHook(bundle, 'signup.before', { bundleHash: 'x', scriptHashes: hashes });
    expect(plan.layers.flat().map((s) => s.contentHash)).toEqual(['ha', 'hb', 'hc']);
    expect(() => planHook(bundle, 'signup.before', { bundleHash: 'x', scriptHashes: { a: 'ha' } })).toThrow(
      BundleInvalidError,
    );
  });

  it('plans an unconfigured hook with no layers, and refuses a missing script', () => {
    expect(planHook(bundle, 'token.enrich', { bundleHash: 'x', scriptHashes: () => 'h' })).toMatchObject({
      mode: 'enrichment',
      layers: [],
    });
    const broken: Bundle = { ...bundle, hooks: { 'signin.before': { layers: [['ghost']] } } };
    expect(() => planHook(broken, 'signin.before', { bundleHash: 'x', scriptHashes: () => 'h' })).toThrow(/ghost/);
  });

  it('applies limit overrides, capping timeouts at 10 s', () => {
    const plan = planHook(bundle, 'signup.before', {
      bundleHash: 'x',
      scriptHashes: () => 'h',
      limits: { timeoutMs: 50_000, memoryBytes: 1024 },
    });
    expect(plan.limits).toMatchObject({ timeoutMs: 10_000, memoryBytes: 1024 });
    const [a, b] = plan.layers[0] ?? [];
    expect(a && effectiveTimeoutMs(plan, a)).toBe(2500);
    expect(b && effectiveTimeoutMs(plan, b)).toBe(10_000);
  });
});
