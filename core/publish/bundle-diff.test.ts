import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../shared/engine';
import { diffBundles, diffSummary } from './bundle-diff';

const base: Bundle = {
  format: 'pipeline-studio/bundle@1',
  name: 'acme',
  scripts: {
    a: { file: 'scripts/a.lua', source: 'return true\n' },
    b: { file: 'scripts/b.lua', source: 'return { claims = {} }\n' },
  },
  hooks: { 'signup.before': { layers: [['a']] }, 'token.enrich': { layers: [['b']] }, 'signin.before': { layers: [] } },
  env: { REGION: 'eu', MODE: 'strict' },
  secrets: ['API_KEY'],
};

describe('diffBundles', () => {
  it('lists everything as added against an empty runtime', () => {
    const diff = diffBundles(null, base);
    expect(diff.identical).toBe(false);
    expect(diff.scripts.map((s) => [s.id, s.change, s.before, s.after])).toEqual([
      ['a', 'added', undefined, 'return true\n'],
      ['b', 'added', undefined, 'return { claims = {} }\n'],
    ]);
    // Empty hooks are left out; lifecycle order.
    expect(diff.hooks.map((h) => [h.hook, h.change])).toEqual([
      ['signup.before', 'added'],
      ['token.enrich', 'added'],
    ]);
    expect(diff.env).toEqual([
      { key: 'MODE', change: 'added', after: 'strict' },
      { key: 'REGION', change: 'added', after: 'eu' },
    ]);
    expect(diff.secrets).toEqual([{ name: 'API_KEY', change: 'added' }]);
    expect(diffSummary(diff)).toBe('scripts: 2 added; hooks: 2 added; env: 2 added; secrets: 1 added');
  });

  it('is identical to itself', () => {
    const diff = diffBundles(base, structuredClone(base));
    expect(diff.identical).toBe(true);
    expect(diff.scripts.every((s) => s.change === 'unchanged')).toBe(true);
    expect(diffSummary(diff)).toMatch(/no change/);
  });

  it('finds changed, added and removed entries, settings included', () => {
    const after: Bundle = structuredClone(base);
    after.scripts.a = { file: 'scripts/a.lua', source: 'return true\n', timeoutMs: 500 };
    delete after.scripts.b;
    after.scripts.c = { file: 'scripts/c.lua', source: 'return false\n' };
    after.hooks = { 'signup.before': { layers: [['a', 'c']] } };
    after.env = { REGION: 'us', NEW: '1' };
    after.secrets = ['OTHER'];
    const diff = diffBundles(base, after);
    expect(diff.identical).toBe(false);
    expect(diff.scripts.map((s) => [s.id, s.change])).toEqual([
      ['a', 'changed'],
      ['b', 'removed'],
      ['c', 'added'],
    ]);
    expect(diff.scripts[1]).toEqual({ id: 'b', change: 'removed', before: 'return { claims = {} }\n' });
    expect(diff.hooks).toEqual([
      { hook: 'signup.before', change: 'changed', before: [['a']], after: [['a', 'c']] },
      { hook: 'token.enrich', change: 'removed', before: [['b']], after: [] },
    ]);
    expect(diff.env).toEqual([
      { key: 'MODE', change: 'removed', before: 'strict' },
      { key: 'NEW', change: 'added', after: '1' },
      { key: 'REGION', change: 'changed', before: 'eu', after: 'us' },
    ]);
    expect(diff.secrets).toEqual([
      { name: 'API_KEY', change: 'removed' },
      { name: 'OTHER', change: 'added' },
    ]);
  });

  it('a rename alone is not identical', () => {
    const diff = diffBundles(base, { ...base, name: 'renamed' });
    expect(diff.identical).toBe(false);
    expect(diffSummary(diff)).toBe('only the bundle name changed');
  });
});
