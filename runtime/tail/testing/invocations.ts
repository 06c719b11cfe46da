import type { FinishedInvocation } from '../tail-types';

// Test support: finished invocations as runtime/invoke.ts reports them, numbered so that a test
// can tell which ones a follower was sent.

export function invocation(n: number, fields: Partial<FinishedInvocation> = {}): FinishedInvocation {
  return {
    at: 1_700_000_000_000 + n,
    hook: 'signup.before',
    mode: 'blocking',
    outcome: 'allow',
    version: 1,
    durationMs: 2,
    traceId: `trace-${String(n).padStart(6, '0')}`,
    ...fields,
  };
}
