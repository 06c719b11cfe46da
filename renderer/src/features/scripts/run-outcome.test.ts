import { describe, expect, it } from 'vitest';
import { compareWithRecorded, draftPipelineResult, outcomeText, type RunResult } from './run-outcome';

function run(overrides: Partial<RunResult> & { deny?: { reason?: string; code?: string } }): RunResult {
  const { deny, ...rest } = overrides;
  const attributes: Record<string, string> = { 'pipeline.decision': deny ? 'deny' : 'allow' };
  if (deny?.reason) attributes['pipeline.reason'] = deny.reason;
  if (deny?.code) attributes['pipeline.code'] = deny.code;
  return {
    ok: true,
    hook: 'signup.before',
    decision: deny ? { kind: 'deny', ...deny } : { kind: 'allow' },
    result: deny ? { allow: false } : true,
    error: null,
    logs: [],
    durationMs: 1,
    instructions: 10,
    trace: {
      traceId: 't1',
      hook: 'signup.before',
      spans: [
        {
          traceId: 't1',
          spanId: 's1',
          name: 'signup.before',
          kind: 'hook',
          startTimeUnixNano: '0',
          endTimeUnixNano: '1000',
          status: { code: 'OK' },
          attributes,
          events: [],
        },
      ],
    },
    ...rest,
  };
}

describe("the Run panel's comparison with a recorded outcome", () => {
  it('agrees when the draft decides as recorded, with the replay comparison', () => {
    expect(compareWithRecorded(run({}), { allow: true })).toEqual({ mismatch: null });
    const denied = run({ deny: { reason: 'disposable email', code: 'DISPOSABLE' } });
    expect(compareWithRecorded(denied, { allow: false, reason: 'disposable email', code: 'DISPOSABLE' })).toEqual({
      mismatch: null,
    });
  });

  it('names what differs when the draft decides otherwise', () => {
    const compared = compareWithRecorded(run({}), { allow: false, reason: 'blocked' });
    expect(compared?.mismatch?.summary).toMatch(/allow/);
  });

  it('says nothing comparable was recorded rather than guessing', () => {
    expect(compareWithRecorded(run({}), undefined)).toBeNull();
    expect(compareWithRecorded(run({}), { results: {} })).toBeNull();
    expect(
      compareWithRecorded(run({ hook: 'signup.after', decision: { kind: 'recorded' } }), { results: { a: 1 } }),
    ).toBeNull();
  });

  it('takes the decision from the trace, as a replay of the one-layer pipeline would', () => {
    const result = draftPipelineResult(run({ deny: { reason: 'no', code: 'X' } }));
    expect(result).toMatchObject({ hook: 'signup.before', mode: 'blocking', allow: false, reason: 'no', code: 'X' });
  });

  it('describes a recorded outcome in a line', () => {
    expect(outcomeText({ allow: false, reason: 'disposable email', code: 'DISPOSABLE' })).toBe(
      'denied — disposable email (DISPOSABLE)',
    );
    expect(outcomeText({ error: { code: 'TIMEOUT' } })).toBe('error TIMEOUT');
    expect(outcomeText(undefined)).toBe('no outcome was recorded');
  });
});
