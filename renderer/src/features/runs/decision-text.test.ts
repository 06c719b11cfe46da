import { describe, expect, it } from 'vitest';
import { decisionOf, errorLocation, type ReplayLine } from './decision-text';

const base: ReplayLine = {
  id: 'evt_1',
  hook: 'signup.before',
  ok: true,
  durationMs: 1.2,
  traceId: 'a'.repeat(32),
  mismatch: null,
};

describe('decisionOf', () => {
  it('names allow, deny with its reason and code, and data', () => {
    expect(decisionOf({ ...base, allow: true })).toEqual({ kind: 'allow', text: 'allow' });
    expect(decisionOf({ ...base, allow: false, reason: 'disposable email', code: 'DISPOSABLE' })).toEqual({
      kind: 'deny',
      text: 'deny "disposable email" (DISPOSABLE)',
    });
    expect(decisionOf({ ...base, allow: false })).toEqual({ kind: 'deny', text: 'deny' });
    expect(decisionOf({ ...base, hook: 'token.enrich', data: { claims: {} } })).toEqual({ kind: 'data', text: 'data' });
    expect(decisionOf({ ...base, hook: 'signup.after' })).toEqual({ kind: 'ok', text: 'ok' });
  });

  it('names an error by its code', () => {
    const failed = { ...base, ok: false, error: { code: 'SCRIPT_ERROR', message: 'boom', line: 3, scriptId: 'risk' } };
    expect(decisionOf(failed)).toEqual({ kind: 'error', text: 'error SCRIPT_ERROR' });
    expect(decisionOf({ ...base, ok: false })).toEqual({ kind: 'error', text: 'error' });
    expect(errorLocation(failed)).toEqual({ scriptId: 'risk', line: 3 });
    expect(errorLocation({ ...failed, error: { code: 'TIMEOUT', message: 'slow' } })).toBeNull();
  });
});
