import { describe, expect, it } from 'vitest';
import {
  defaultRolloutForm,
  differenceOutcomeText,
  differencesText,
  errorRateText,
  guardText,
  parsePercent,
  steeringBlocker,
  toRolloutRequest,
  type RolloutView,
} from './rollout-text';

const rollout: RolloutView = {
  id: 'r1',
  mode: 'canary',
  percent: 10,
  stickyBy: 'user.id',
  guard: { maxErrorRate: 0.05, maxP99Ms: null, minSamples: 50 },
  state: 'running',
  startedAt: '2026-12-03T10:00:00.000Z',
  author: 'ada',
  message: 'try it',
  baseVersion: 1,
  baseHash: 'a'.repeat(64),
  candidateVersion: 2,
  candidateHash: 'b'.repeat(64),
  stats: {
    active: { n: 0, errors: 0, p50Ms: 0, p99Ms: 0 },
    candidate: { n: 40, errors: 3, p50Ms: 1, p99Ms: 4 },
    differences: { n: 4, allowToDeny: 1, denyToAllow: 2, reasonChanged: 0, dataChanged: 1 },
    shadowSkipped: 0,
  },
};

describe('toRolloutRequest', () => {
  it('sends the defaults as the contract wants them (a rate, not a percentage; no p99: the deadline)', () => {
    expect(toRolloutRequest(defaultRolloutForm)).toEqual({
      request: {
        mode: 'canary',
        percent: 10,
        stickyBy: 'user.id',
        guard: { maxErrorRate: 0.05, minSamples: 50 },
      },
    });
  });

  it('leaves the sticky key out of a shadow run and keeps a typed p99', () => {
    const checked = toRolloutRequest({ ...defaultRolloutForm, mode: 'shadow', maxP99Ms: '250', maxErrorRate: '5.1' });
    expect(checked).toEqual({
      request: { mode: 'shadow', percent: 10, guard: { maxErrorRate: 0.051, maxP99Ms: 250, minSamples: 50 } },
    });
  });

  it('refuses what is not plainly a number in range, field by field', () => {
    for (const percent of ['0', '101', '1e1', '-5', '10.5', '', ' ', '0x10', 'ten']) {
      const checked = toRolloutRequest({ ...defaultRolloutForm, percent });
      expect(checked, percent).toEqual({ problems: { percent: 'A whole number from 1 to 100.' } });
    }
    const checked = toRolloutRequest({
      ...defaultRolloutForm,
      maxErrorRate: '101',
      maxP99Ms: '0',
      minSamples: '0',
    });
    expect('problems' in checked && Object.keys(checked.problems).sort()).toEqual([
      'maxErrorRate',
      'maxP99Ms',
      'minSamples',
    ]);
    expect(toRolloutRequest({ ...defaultRolloutForm, maxP99Ms: '600001' })).toHaveProperty('problems.maxP99Ms');
    expect(toRolloutRequest({ ...defaultRolloutForm, minSamples: '1000001' })).toHaveProperty('problems.minSamples');
  });

  it('accepts the edges of each range', () => {
    expect(toRolloutRequest({ ...defaultRolloutForm, percent: ' 100 ', maxErrorRate: '0', minSamples: '1' })).toEqual({
      request: { mode: 'canary', percent: 100, stickyBy: 'user.id', guard: { maxErrorRate: 0, minSamples: 1 } },
    });
    expect(parsePercent('1')).toEqual({ percent: 1 });
  });
});

describe('rollout text', () => {
  it('says error rates, limits, counts and why steering is closed', () => {
    expect(errorRateText(rollout.stats.active)).toBe('—');
    expect(errorRateText(rollout.stats.candidate)).toBe('7.5 %');
    expect(guardText(rollout.guard)).toBe(
      'Rolls back above 5.0 % errors or a p99 above the hook’s deadline, once the candidate has 50 runs.',
    );
    expect(differencesText(rollout.stats.differences)).toBe(
      '4 differences: 1 allow → deny, 2 deny → allow, 0 reason, 1 data',
    );
    expect(steeringBlocker(rollout)).toBeNull();
    expect(steeringBlocker({ ...rollout, state: 'rolled-back' })).toBe(
      'The rollout is rolled back: nothing left to steer.',
    );
    expect(steeringBlocker(null)).toBe('No rollout on this environment.');
  });

  it('describes an outcome of any shape without trusting it', () => {
    expect(differenceOutcomeText({ allow: true })).toBe('allow');
    expect(differenceOutcomeText({ allow: false, reason: 'blocked range' })).toBe('deny "blocked range"');
    expect(differenceOutcomeText({ error: { code: 'TIMEOUT' } })).toBe('error TIMEOUT');
    expect(differenceOutcomeText({ data: { roles: [] } })).toBe('data');
    expect(differenceOutcomeText(undefined)).toBe('none');
    expect(differenceOutcomeText('x'.repeat(500))).toHaveLength(120);
    expect(differenceOutcomeText({ allow: false, reason: 'r'.repeat(500) }).length).toBeLessThan(120);
  });
});
