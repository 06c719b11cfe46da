import { describe, expect, it } from 'vitest';
import { modeOf, type HookId } from '../hooks/definitions';
import { changedPaths, compareOutcome, summarizeReplay, toReplayLine } from './outcome';
import type { PipelineResult } from './types';

function result(hook: HookId, fields: Partial<PipelineResult> = {}): PipelineResult {
  return {
    hook,
    mode: modeOf(hook),
    ok: true,
    results: {},
    warnings: [],
    durationMs: 0.21349,
    traceId: 't'.repeat(32),
    scripts: [],
    ...fields,
  };
}

describe('compareOutcome', () => {
  const denied = result('signup.before', { allow: false, reason: 'disposable email', code: 'DISPOSABLE' });

  it('is null when nothing comparable was recorded', () => {
    expect(compareOutcome(denied, undefined)).toBeNull();
    expect(compareOutcome(denied, null)).toBeNull();
    expect(compareOutcome(denied, 'deny')).toBeNull();
    expect(compareOutcome(denied, {})).toBeNull();
  });

  it('is null when a blocking decision agrees', () => {
    expect(compareOutcome(denied, { allow: false, reason: 'disposable email' })).toBeNull();
    expect(compareOutcome(result('signup.before', { allow: true }), { allow: true })).toBeNull();
  });

  it('reports a changed decision', () => {
    const mismatch = compareOutcome(result('signup.before', { allow: true }), {
      allow: false,
      reason: 'disposable email',
    });
    expect(mismatch).toEqual({
      summary: 'allow: recorded false, replayed true',
      differences: [{ field: 'allow', recorded: false, replayed: true }],
    });
  });

  it('reports a changed reason or code when both denied', () => {
    const mismatch = compareOutcome(denied, { allow: false, reason: 'blocked domain', code: 'DISPOSABLE' });
    expect(mismatch?.differences).toEqual([
      { field: 'reason', recorded: 'blocked domain', replayed: 'disposable email' },
    ]);
    expect(compareOutcome(denied, { allow: false, code: 'OTHER' })?.differences).toEqual([
      { field: 'code', recorded: 'OTHER', replayed: 'DISPOSABLE' },
    ]);
  });

  it('lists the changed paths of enrichment data', () => {
    const replayed = result('token.enrich', { data: { claims: { tier: 'pro', roles: ['a'], org: 'acme' } } });
    expect(compareOutcome(replayed, { data: { claims: { tier: 'pro', roles: ['a'], org: 'acme' } } })).toBeNull();
    const mismatch = compareOutcome(replayed, {
      data: { claims: { tier: 'free', roles: ['a', 'b'], gone: 1, org: 'acme' } },
    });
    expect(mismatch?.differences).toEqual([{ field: 'data', paths: ['claims.gone', 'claims.roles', 'claims.tier'] }]);
    expect(mismatch?.summary).toBe('data differs at claims.gone, claims.roles, claims.tier');
  });

  it('compares async results when recorded, and a recorded error', () => {
    const replayed = result('signup.after', { results: { notify: { sent: true } } });
    expect(compareOutcome(replayed, { results: { notify: { sent: true } } })).toBeNull();
    expect(compareOutcome(replayed, { results: { notify: { sent: false } } })?.differences).toEqual([
      { field: 'results', paths: ['notify.sent'] },
    ]);
    const failed = result('signup.after', {
      ok: false,
      error: { code: 'TIMEOUT', message: 'slow', scriptId: 'notify' },
    });
    expect(compareOutcome(failed, { error: null })?.differences).toEqual([
      { field: 'error', recorded: null, replayed: 'TIMEOUT' },
    ]);
    expect(compareOutcome(failed, { error: { code: 'TIMEOUT' } })).toBeNull();
  });

  it('caps long path lists', () => {
    const before = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
    const paths = changedPaths(before, {});
    expect(paths).toHaveLength(51);
    expect(paths.at(-1)).toBe('…and 10 more');
  });
});

describe('toReplayLine', () => {
  it('gives allow and reason for blocking hooks, in the key order of docs/formats.md', () => {
    const line = toReplayLine('evt_1', result('signup.before', { allow: false, reason: 'disposable email' }), null);
    expect(line).toEqual({
      id: 'evt_1',
      hook: 'signup.before',
      ok: true,
      allow: false,
      reason: 'disposable email',
      durationMs: 0.213,
      traceId: 't'.repeat(32),
      mismatch: null,
    });
    expect(Object.keys(line)).toEqual(['id', 'hook', 'ok', 'allow', 'reason', 'durationMs', 'traceId', 'mismatch']);
  });

  it('gives data for enrichment, results for async, and the error when the pipeline failed', () => {
    expect(toReplayLine('e', result('token.enrich', { data: { claims: { tier: 'pro' } } }), null)).toMatchObject({
      data: { claims: { tier: 'pro' } },
    });
    const failed = result('signup.after', {
      ok: false,
      results: { a: null },
      error: { code: 'TIMEOUT', message: 'slow', scriptId: 'a' },
    });
    const line = toReplayLine('e', failed, null);
    expect(line).toMatchObject({ ok: false, results: { a: null }, error: { code: 'TIMEOUT', scriptId: 'a' } });
    expect(line.allow).toBeUndefined();
    expect(line.data).toBeUndefined();
  });

  it('summarises a replay', () => {
    const lines = [
      toReplayLine('1', result('signup.before', { allow: true }), null),
      toReplayLine('2', result('signup.before', { allow: false, reason: 'x' }), { summary: 's', differences: [] }),
      toReplayLine('3', result('token.enrich', { ok: false, data: {}, error: { code: 'TIMEOUT', message: '' } }), null),
    ];
    expect(summarizeReplay(lines, 1500)).toEqual({
      events: 3,
      allowed: 1,
      denied: 1,
      errors: 1,
      enriched: 0,
      accepted: 0,
      mismatches: 1,
      eventsPerSecond: 2,
    });
  });

  it('counts each event in exactly one bucket: a failed deny is an error, enrichment and async have their own', () => {
    const lines = [
      toReplayLine('deny', result('signup.before', { allow: false, reason: 'x' }), null),
      // a failed script whose onError denied: ok false and allow false, one error and no deny
      toReplayLine(
        'failed',
        result('signup.before', { ok: false, allow: false, error: { code: 'RUNTIME_ERROR', message: 'boom' } }),
        null,
      ),
      toReplayLine('enriched', result('token.enrich', { data: { a: 1 } }), null),
      toReplayLine('accepted', result('signup.after', { results: { a: null } }), null),
    ];
    const summary = summarizeReplay(lines, 0);
    expect(summary).toEqual({
      events: 4,
      allowed: 0,
      denied: 1,
      errors: 1,
      enriched: 1,
      accepted: 1,
      mismatches: 0,
      eventsPerSecond: 0,
    });
    expect(summary.allowed + summary.denied + summary.errors + summary.enriched + summary.accepted).toBe(
      summary.events,
    );
  });
});
