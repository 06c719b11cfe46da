import { describe, expect, it } from 'vitest';
import {
  changedCount,
  flipCount,
  impactHeadline,
  isFlip,
  kindCounts,
  outcomeText,
  sameBundle,
  type ImpactProgress,
  type ImpactSummary,
} from './impact-text';

const summary: ImpactSummary = {
  events: 40,
  unchanged: 33,
  allowToDeny: 2,
  denyToAllow: 1,
  reasonChanged: 1,
  dataChanged: 0,
  newErrors: 2,
  fixedErrors: 1,
  changedErrors: 0,
  latencyMs: { baseline: { p50: 1, p95: 2, p99: 3 }, candidate: { p50: 1, p95: 2, p99: 4 } },
};

const progress = (status: ImpactProgress['status'], extra: Partial<ImpactProgress> = {}): ImpactProgress => ({
  impactId: 'i1',
  environment: 'staging',
  status,
  total: 40,
  done: status === 'running' ? 12 : 40,
  summary,
  baselineHash: 'a'.repeat(64),
  candidateHash: 'b'.repeat(64),
  candidate: { kind: 'workspace' },
  ...extra,
});

describe('impact text', () => {
  it('counts every kind in a fixed order, flips first', () => {
    const counts = kindCounts(summary);
    expect(counts.map((entry) => entry.kind)).toEqual([
      'allow→deny',
      'deny→allow',
      'reason',
      'data',
      'error-new',
      'error-fixed',
      'error-changed',
    ]);
    expect(counts.map((entry) => entry.count)).toEqual([2, 1, 1, 0, 2, 1, 0]);
    expect(flipCount(summary)).toBe(3);
    expect(changedCount(summary)).toBe(7);
  });

  it('knows which kinds are flips (the contract says so)', () => {
    expect(isFlip('allow→deny')).toBe(true);
    expect(isFlip('deny→allow')).toBe(true);
    expect(isFlip('reason')).toBe(false);
    expect(isFlip('error-new')).toBe(false);
  });

  it('says an outcome in a few words', () => {
    expect(outcomeText({ ok: true, allow: true })).toBe('allow');
    expect(outcomeText({ ok: true, allow: false, reason: 'disposable email', code: 'DISPOSABLE' })).toBe(
      'deny "disposable email" (DISPOSABLE)',
    );
    expect(outcomeText({ ok: true, allow: false })).toBe('deny');
    expect(outcomeText({ ok: false, error: { code: 'TIMEOUT', message: 'slow', scriptId: 'geo' } })).toBe(
      'error TIMEOUT in geo',
    );
    expect(outcomeText({ ok: false })).toBe('error');
    expect(outcomeText({ ok: true, data: { roles: ['admin'] } })).toBe('data');
    expect(outcomeText({ ok: true })).toBe('ok');
  });

  it('heads the progress with what is known', () => {
    expect(impactHeadline(progress('running'))).toBe('Comparing… 12 of 40 events');
    expect(impactHeadline(progress('done'))).toBe('7 of 40 events changed, 3 decisions flipped.');
    expect(impactHeadline(progress('done', { summary: { ...summary, allowToDeny: 1, denyToAllow: 0 } }))).toBe(
      '5 of 40 events changed, 1 decision flipped.',
    );
    const none = { ...summary, allowToDeny: 0, denyToAllow: 0, reasonChanged: 0, newErrors: 0, fixedErrors: 0 };
    expect(impactHeadline(progress('done', { summary: none }))).toBe("No event's outcome changed (40 compared).");
    expect(impactHeadline(progress('cancelled', { done: 9 }))).toBe('Cancelled after 9 of 40 events.');
    expect(impactHeadline(progress('failed', { message: 'runtime unreachable' }))).toBe(
      'The impact failed: runtime unreachable',
    );
  });

  it('compares bundle hashes with or without their prefix', () => {
    expect(sameBundle(`sha256:${'a'.repeat(64)}`, 'A'.repeat(64))).toBe(true);
    expect(sameBundle('a'.repeat(64), 'b'.repeat(64))).toBe(false);
  });
});
