import { describe, expect, it } from 'vitest';
import { emptyTailFilter, matchesTailFilter, sameTailFilter, toTailFilter } from './tail-filter';
import type { TailItem } from './tail-rows';

const hooks = ['signup.before', 'signin.before'];
const row: TailItem = {
  at: '2026-12-03T10:00:00.000Z',
  hook: 'signup.before',
  mode: 'blocking',
  outcome: 'error',
  version: 2,
  durationMs: 3,
  error: { code: 'SCRIPT_ERROR', script: 'Block-Disposable' },
  traceId: 'ab'.repeat(16),
  rollout: { id: 'r1', role: 'candidate' },
};

describe('toTailFilter', () => {
  it('sends only what is set', () => {
    expect(toTailFilter(emptyTailFilter, hooks)).toEqual({ filter: {} });
    expect(
      toTailFilter({ hooks: ['signup.before'], outcomes: ['deny', 'error'], version: ' 3 ', text: ' geo ' }, hooks),
    ).toEqual({ filter: { hooks: ['signup.before'], outcomes: ['deny', 'error'], version: 3, text: 'geo' } });
  });

  it('refuses a version that is not a whole number from 1, long text and unknown hooks', () => {
    for (const version of ['0', '-1', '1.5', '1e2', 'v2']) {
      expect(toTailFilter({ ...emptyTailFilter, version }, hooks)).toHaveProperty('problem');
    }
    expect(toTailFilter({ ...emptyTailFilter, text: 'x'.repeat(201) }, hooks)).toHaveProperty('problem');
    expect(toTailFilter({ ...emptyTailFilter, hooks: ['nope'] }, hooks)).toEqual({ problem: '“nope” is not a hook.' });
  });
});

describe('matchesTailFilter', () => {
  it('matches hooks, outcomes and version exactly, text anywhere and in any case', () => {
    expect(matchesTailFilter(row, {})).toBe(true);
    expect(matchesTailFilter(row, { outcomes: ['deny'] })).toBe(false);
    expect(matchesTailFilter(row, { outcomes: ['error'], hooks: ['signup.before'], version: 2 })).toBe(true);
    expect(matchesTailFilter(row, { version: 1 })).toBe(false);
    expect(matchesTailFilter(row, { hooks: ['signin.before'] })).toBe(false);
    expect(matchesTailFilter(row, { text: 'block-disposable' })).toBe(true);
    expect(matchesTailFilter(row, { text: 'script_error' })).toBe(true);
    expect(matchesTailFilter(row, { text: 'ABAB' })).toBe(true);
    expect(matchesTailFilter(row, { text: 'nothing' })).toBe(false);
  });

  it('compares filters whatever the order of their lists', () => {
    expect(sameTailFilter({ outcomes: ['deny', 'error'] }, { outcomes: ['error', 'deny'] })).toBe(true);
    expect(sameTailFilter({ outcomes: ['deny'] }, {})).toBe(false);
  });
});
