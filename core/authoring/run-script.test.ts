import { describe, expect, it } from 'vitest';
import type { JsonValue, ScriptOutcome } from '../../shared/engine';
import { judgeScriptRun } from './run-script';

function outcome(value: JsonValue | undefined, extra: Partial<ScriptOutcome> = {}): ScriptOutcome {
  return {
    scriptId: 'draft',
    ok: true,
    ...(value === undefined ? {} : { value }),
    logs: [{ level: 'info', message: 'hi', t: 0.1234567 }],
    instructions: 3000,
    memoryPeakBytes: 1024,
    startedAt: 0,
    durationMs: 1.23456789,
    fetches: [],
    ...extra,
  };
}

describe('judgeScriptRun', () => {
  it('blocking: nil, true and { allow = true } allow; { allow = false } denies with its reason and code', () => {
    for (const value of [undefined, null, true, { allow: true }]) {
      expect(judgeScriptRun('signup.before', outcome(value)).decision).toEqual({ kind: 'allow' });
    }
    const denied = judgeScriptRun('signup.before', outcome({ allow: false, reason: 'no', code: 'BLOCKED' }));
    expect(denied).toMatchObject({ ok: true, decision: { kind: 'deny', reason: 'no', code: 'BLOCKED' }, error: null });
    expect(judgeScriptRun('signin.before', outcome({ allow: false })).decision).toEqual({ kind: 'deny' });
  });

  it('turns a value the hook does not accept into INVALID_RESULT', () => {
    const judged = judgeScriptRun('signup.before', outcome('yes'));
    expect(judged).toMatchObject({
      ok: false,
      decision: { kind: 'error', code: 'INVALID_RESULT' },
      error: { code: 'INVALID_RESULT' },
      result: 'yes',
    });
    expect(judgeScriptRun('token.enrich', outcome([1, 2])).error?.code).toBe('INVALID_RESULT');
  });

  it('enrichment is data, async is recorded, whatever they return', () => {
    expect(judgeScriptRun('token.enrich', outcome({ tier: 'gold' }))).toMatchObject({
      ok: true,
      decision: { kind: 'data' },
      result: { tier: 'gold' },
    });
    expect(judgeScriptRun('signup.after', outcome('anything'))).toMatchObject({ decision: { kind: 'recorded' } });
    expect(judgeScriptRun('signup.after', outcome(undefined)).result).toBeNull();
  });

  it('a failed script is an error decision carrying its code; times are rounded to microseconds', () => {
    const failed = outcome(undefined, {
      ok: false,
      error: { code: 'RUNTIME_ERROR', message: 'boom', line: 3 },
      logsDropped: { entries: 2, bytes: 40 },
    });
    const judged = judgeScriptRun('signup.before', failed);
    expect(judged).toEqual({
      ok: false,
      decision: { kind: 'error', code: 'RUNTIME_ERROR' },
      result: null,
      error: { code: 'RUNTIME_ERROR', message: 'boom', line: 3 },
      logs: [{ level: 'info', message: 'hi', t: 0.123 }],
      logsDropped: { entries: 2, bytes: 40 },
      durationMs: 1.235,
      instructions: 3000,
    });
  });
});
