import { beforeAll, describe, expect, it } from 'vitest';
import { samplePayloads } from '../../shared/hooks';
import { requireRealKeychain } from '../secrets/testing/real-keychain';
import { Workspace } from '../store';
import { unreachableKeychain, useAuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();
const signup = samplePayloads['signup.before'];
const after = samplePayloads['signup.after'];

beforeAll(requireRealKeychain);

describe('scripts.run', () => {
  it("judges the value by the hook's mode: allow, deny, data, recorded", async () => {
    const { call, internalErrors } = harness();
    const run = (
      source: string,
      hook: 'signup.before' | 'token.enrich' | 'signup.after',
      event = samplePayloads[hook],
    ) => call('scripts.run', { source, hook, event });
    expect(await run('print("checking", event.user.email)\nreturn true', 'signup.before')).toMatchObject({
      ok: true,
      hook: 'signup.before',
      decision: { kind: 'allow' },
      result: true,
      error: null,
      logs: [{ level: 'info', message: 'checking\tada@example.com' }],
    });
    const denied = await run('return { allow = false, reason = "Not today", code = "NOPE" }', 'signup.before');
    expect(denied).toMatchObject({ ok: true, decision: { kind: 'deny', reason: 'Not today', code: 'NOPE' } });
    expect(await run('return { tier = "gold" }', 'token.enrich')).toMatchObject({
      ok: true,
      decision: { kind: 'data' },
      result: { tier: 'gold' },
    });
    const recorded = await run('return 42', 'signup.after');
    expect(recorded).toMatchObject({ ok: true, decision: { kind: 'recorded' }, result: 42 });
    expect(recorded.durationMs).toBeGreaterThan(0);
    expect(recorded.instructions).toBeGreaterThanOrEqual(0);
    expect(internalErrors).toEqual([]);
  });

  it('reports failures as an error decision: runtime errors with their line, invalid results, limits', async () => {
    const { call } = harness();
    const failed = await call('scripts.run', {
      source: 'local x = 1\nerror("broken here")',
      hook: 'signup.before',
      event: signup,
    });
    expect(failed).toMatchObject({
      ok: false,
      decision: { kind: 'error', code: 'RUNTIME_ERROR' },
      error: { code: 'RUNTIME_ERROR', line: 2 },
    });
    expect(failed.error?.message).toContain('broken here');
    const invalid = await call('scripts.run', { source: 'return "yes"', hook: 'signup.before', event: signup });
    expect(invalid).toMatchObject({ ok: false, decision: { kind: 'error', code: 'INVALID_RESULT' } });
    const syntax = await call('scripts.run', { source: 'return (', hook: 'signup.before', event: signup });
    expect(syntax).toMatchObject({ ok: false, error: { code: 'SYNTAX_ERROR', line: 1 } });
    const loop = await call('scripts.run', { source: 'while true do end', hook: 'signup.after', event: after });
    expect(loop.ok).toBe(false);
    expect(['TIMEOUT', 'INSTRUCTION_LIMIT']).toContain(loop.error?.code);
  });

  it("answers with the run's trace: the draft as a pipeline of one layer", async () => {
    const { call } = harness();
    const run = await call('scripts.run', {
      source: 'print("tracing")\nreturn { allow = false, reason = "Not today" }',
      hook: 'signup.before',
      event: signup,
    });
    expect(run.trace?.hook).toBe('signup.before');
    expect(run.trace?.spans.map((span) => [span.kind, span.name])).toEqual([
      ['hook', 'hook signup.before'],
      ['layer', 'layer 1'],
      ['script', 'script draft'],
    ]);
    expect(run.trace?.spans[0]?.attributes).toMatchObject({
      'pipeline.decision': 'deny',
      'pipeline.reason': 'Not today',
    });
    expect(run.trace?.spans[2]?.events.map((event) => event.attributes['script.log.message'])).toContain('tracing');
  });

  it('runs of different environments at the same time each read their own values', async () => {
    const { call } = harness();
    await call('secrets.set', { environment: 'staging', name: 'API_KEY', value: 'staging-value-1a2' });
    await call('secrets.set', { environment: 'production', name: 'API_KEY', value: 'production-value-3b4' });
    const source = 'return { allow = helpers.secret("API_KEY") == "production-value-3b4" }';
    const runs = await Promise.all(
      ['staging', 'production', 'staging', 'production'].map((environment) =>
        call('scripts.run', { source, hook: 'signup.before', event: signup, environment }),
      ),
    );
    expect(runs.map((run) => run.decision.kind)).toEqual(['deny', 'allow', 'deny', 'allow']);
  });

  it('refuses an event that does not fit the hook, naming the field', async () => {
    const { fail } = harness();
    const error = await fail('scripts.run', {
      source: 'return true',
      hook: 'signup.before',
      event: { request: { ip: '203.0.113.7' }, user: { name: 'no email' }, provider: 'email' },
    });
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message).toContain('user.email');
    // Unknown extra fields are kept, as in a messy recorded event.
    const { call } = harness();
    const kept = await call('scripts.run', {
      source: 'return { allow = event.extra.flag == true }',
      hook: 'signup.before',
      event: { ...signup, extra: { flag: true } },
    });
    expect(kept.decision.kind).toBe('allow');
  });

  it("gives the script the pipeline's variables", async () => {
    const { call } = harness();
    await call('pipeline.setEnv', { env: { REGION: 'eu-west', MODE: 'strict' } });
    const run = await call('scripts.run', {
      source: 'return { region = helpers.env("REGION"), mode = ctx.env.MODE, hook = ctx.hook }',
      hook: 'session.enrich',
      event: samplePayloads['session.enrich'],
    });
    expect(run.result).toEqual({ region: 'eu-west', mode: 'strict', hook: 'session.enrich' });
  });

  it("reads the chosen environment's secrets from the keychain (staging by default), masked in logs", async () => {
    const { call, fail } = harness();
    await call('secrets.set', { environment: 'staging', name: 'API_KEY', value: 'staging-value-7f3' });
    await call('secrets.set', { environment: 'production', name: 'API_KEY', value: 'production-value-9c1' });
    const source = [
      'local key = helpers.secret("API_KEY")',
      'print("key is " .. key)',
      'return { allow = key == "staging-value-7f3" }',
    ].join('\n');
    const staging = await call('scripts.run', { source, hook: 'signup.before', event: signup });
    expect(staging).toMatchObject({ ok: true, decision: { kind: 'allow' }, logs: [{ message: 'key is [secret]' }] });
    const production = await call('scripts.run', {
      source,
      hook: 'signup.before',
      event: signup,
      environment: 'production',
    });
    expect(production.decision.kind).toBe('deny');
    expect(JSON.stringify([staging, production])).not.toMatch(/staging-value|production-value/);

    const undeclared = await call('scripts.run', {
      source: 'return helpers.secret("NOT_DECLARED")',
      hook: 'signup.after',
      event: after,
    });
    expect(undeclared.error).toMatchObject({ code: 'SECRET_NOT_FOUND' });
    expect(undeclared.error?.message).toContain('not declared');
    expect(
      await fail('scripts.run', { source: 'return 1', hook: 'signup.after', event: after, environment: 'qa' }),
    ).toEqual({
      code: 'INVALID_INPUT',
      message: 'There is no environment "qa".',
    });
  });

  it('runs scripts that need no secret without a keychain, and says so when one needs it', async () => {
    const { call, dir, internalErrors } = harness({ keychain: unreachableKeychain() });
    const plain = await call('scripts.run', { source: 'return true', hook: 'signup.before', event: signup });
    expect(plain).toMatchObject({ ok: true, decision: { kind: 'allow' } });
    // Declared (as an imported bundle declares it), but there is no keychain to read a value from.
    const workspace = Workspace.open({ dir });
    workspace.pipeline.declareSecret('API_KEY');
    workspace.close();
    const reader = await call('scripts.run', {
      source: 'return helpers.secret("API_KEY")',
      hook: 'signup.after',
      event: after,
    });
    expect(reader).toMatchObject({ ok: false, decision: { kind: 'error', code: 'SECRET_NOT_FOUND' } });
    expect(reader.error?.message).toMatch(
      /^SECRET_NOT_FOUND: secret "API_KEY" could not be read: No OS keychain is reachable/,
    );
    expect(internalErrors).toEqual([]);
  });
});
