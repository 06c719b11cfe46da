import { describe, expect, it } from 'vitest';
import { bundleHash } from '../shared/engine/node/bundle-files';
import { buildPlanSet, scriptCapOf } from './active-set';
import { parseRuntimeConfig } from './config';
import { bundleOf } from './testing/harness';

describe('the active plan set', () => {
  it('plans each configured hook once, capping script limits a margin below the hook deadline', () => {
    const bundle = bundleOf(
      { a: { source: 'return true', timeoutMs: 5000 }, b: 'return {}', c: 'return 1' },
      {
        'signup.before': { layers: [['a']] },
        'token.enrich': { layers: [['b']] },
        'signup.after': { layers: [['c']] },
      },
    );
    const config = parseRuntimeConfig({ deadlines: { blockingMs: 300, enrichmentMs: 5000, asyncMs: 20_000 } });
    const set = buildPlanSet(
      { version: 1, hash: bundleHash(bundle), bundle, publishedAt: 1, author: 'a', message: '', kind: 'publish' },
      config,
    );
    expect([...set.plans.keys()].sort()).toEqual(['signup.after', 'signup.before', 'token.enrich']);
    expect(scriptCapOf(300)).toBe(240);
    expect(scriptCapOf(2000)).toBe(1900);
    expect(set.plans.get('signup.before')?.layers[0]?.[0]?.timeoutMs).toBe(240);
    expect(set.plans.get('signup.before')?.limits.timeoutMs).toBe(240);
    expect(set.plans.get('token.enrich')?.limits.timeoutMs).toBe(1000);
    expect(set.plans.get('signup.after')?.key).toBe(`${bundleHash(bundle)}:signup.after`);
    expect(Object.isFrozen(set)).toBe(true);
  });
});
