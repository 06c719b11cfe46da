import { afterAll, describe, expect, it } from 'vitest';
import {
  interpretBlockingValue,
  type JsonObject,
  type JsonValue,
  type ScriptOutcome,
  type SecretProvider,
} from '../../shared/engine';
import { createEnginePool, type EnginePool } from '../../shared/engine/node';
import { samplePayloads, type HookId } from '../../shared/hooks';
import { judgeScriptRun, runSingleScript, scriptsOwnOutcome } from './run-script';

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

describe('runSingleScript: a one-layer pipeline in the real pool', { timeout: 120_000 }, () => {
  let pool: EnginePool | undefined;
  afterAll(async () => {
    await pool?.close();
  });
  const run = (source: string, hook: HookId, secrets?: SecretProvider) => {
    pool ??= createEnginePool({ workers: 1 });
    return runSingleScript({
      pool,
      scriptId: 'draft',
      source,
      hook,
      event: samplePayloads[hook] as JsonObject,
      env: { REGION: 'eu' },
      secretNames: ['API_KEY'],
      ...(secrets ? { secrets } : {}),
    });
  };

  it("judges the script's own value, in the words it always used, and gives the run's trace", async () => {
    const ran = await run('return "yes"', 'signup.before');
    const expected = interpretBlockingValue('yes');
    expect(ran.outcome).toMatchObject({ ok: true, value: 'yes' });
    expect(judgeScriptRun('signup.before', ran.outcome)).toMatchObject({
      ok: false,
      decision: { kind: 'error', code: 'INVALID_RESULT' },
      error: { code: 'INVALID_RESULT', message: expected.kind === 'invalid' ? expected.message : '' },
      result: 'yes',
    });
    // The trace is the pipeline's: the hook, its layer and the script, with the pipeline's decision.
    expect(ran.trace?.hook).toBe('signup.before');
    expect(ran.trace?.spans.map((span) => span.kind)).toEqual(['hook', 'layer', 'script']);
    expect(ran.trace?.spans[0]?.attributes).toMatchObject({ 'pipeline.decision': 'deny' });
    expect(ran.trace?.spans[2]?.attributes).toMatchObject({ 'script.id': 'draft' });
  });

  it("reads this run's secrets and variables; a failure keeps the sandbox's own error", async () => {
    const secrets: SecretProvider = { get: async (name) => (name === 'API_KEY' ? 'k-123' : undefined) };
    const ran = await run(
      'return { allow = helpers.secret("API_KEY") == "k-123" and ctx.env.REGION == "eu" }',
      'signup.before',
      secrets,
    );
    expect(judgeScriptRun('signup.before', ran.outcome).decision).toEqual({ kind: 'allow' });
    const failed = await run('error("broken")', 'token.enrich');
    expect(failed.outcome).toMatchObject({ ok: false, error: { code: 'RUNTIME_ERROR', line: 1 } });
    expect(failed.outcome.value).toBeUndefined();
  });
});

describe('scriptsOwnOutcome', () => {
  it("undoes only the pipeline's INVALID_RESULT of a returned value", () => {
    const invalid = outcome('yes', { ok: false, error: { code: 'INVALID_RESULT', message: 'INVALID_RESULT: no' } });
    expect(scriptsOwnOutcome(invalid)).toEqual(outcome('yes'));
    const sandboxInvalid = outcome(undefined, { ok: false, error: { code: 'INVALID_RESULT', message: 'not JSON' } });
    expect(scriptsOwnOutcome(sandboxInvalid)).toBe(sandboxInvalid);
    const timeout = outcome(undefined, { ok: false, error: { code: 'TIMEOUT', message: 'late' } });
    expect(scriptsOwnOutcome(timeout)).toBe(timeout);
  });
});
