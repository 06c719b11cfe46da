import { describe, expect, it } from 'vitest';
import type { HookId } from '../hooks/definitions';
import { modeOf } from '../hooks/definitions';
import { defaultLimits } from './limits';
import { runPipeline } from './pipeline';
import type {
  EngineClock,
  ExecutionPlan,
  FetchRecord,
  IdSource,
  JsonObject,
  JsonValue,
  LogEntry,
  ScriptOutcome,
  ScriptRunRequest,
  ScriptRunner,
  ScriptUnit,
} from './types';

// A plain in-test runner: each script id maps to a function of the request (so a script can echo
// what it saw), with an optional delay so that concurrency is observable.
type Answer = { value?: JsonValue; error?: ScriptOutcome['error']; logs?: LogEntry[]; fetches?: FetchRecord[] };
type Script = { answer: (request: ScriptRunRequest) => Answer | Promise<Answer>; delayMs?: number };

function fakeRunner(scripts: Record<string, Script>, clock: EngineClock) {
  const calls: ScriptRunRequest[] = [];
  const timeline: string[] = [];
  const runner: ScriptRunner = {
    async run(request) {
      const id = request.script.id;
      calls.push(request);
      timeline.push(`start ${id}`);
      const script = scripts[id];
      if (!script) throw new Error(`no fake for ${id}`);
      const startedAt = clock.now();
      if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
      const answer = await script.answer(request);
      timeline.push(`end ${id}`);
      const outcome: ScriptOutcome = {
        scriptId: id,
        ok: answer.error === undefined,
        logs: answer.logs ?? [],
        instructions: 1234,
        memoryPeakBytes: 4096,
        startedAt,
        durationMs: 2.5,
        fetches: answer.fetches ?? [],
      };
      if (answer.value !== undefined) outcome.value = answer.value;
      if (answer.error) outcome.error = answer.error;
      return outcome;
    },
  };
  return { runner, calls, timeline };
}

function testDeps(scripts: Record<string, Script>) {
  let t = 1_764_000_000_000.25;
  const clock: EngineClock = { now: () => (t += 1) };
  let n = 0;
  const ids: IdSource = {
    traceId: () => (++n).toString(16).padStart(32, 'a'),
    spanId: () => (++n).toString(16).padStart(16, '0'),
  };
  return { clock, ids, ...fakeRunner(scripts, clock) };
}

function plan(hook: HookId, layers: (string | ScriptUnit)[][]): ExecutionPlan {
  return {
    key: `bundlehash:${hook}`,
    hook,
    mode: modeOf(hook),
    layers: layers.map((layer) =>
      layer.map((s) => (typeof s === 'string' ? { id: s, source: `-- ${s}`, contentHash: `hash-${s}` } : s)),
    ),
    env: { REGION: 'eu' },
    secretNames: ['IPQS_API_KEY'],
    limits: { ...defaultLimits },
  };
}

const event: JsonObject = { request: { ip: '203.0.113.7' }, user: { email: 'a@example.com' }, provider: 'email' };
const value = (v: JsonValue): Script => ({ answer: () => ({ value: v }) });
const fails = (code: 'TIMEOUT' | 'RUNTIME_ERROR', message = 'boom'): Script => ({
  answer: () => ({ error: { code, message } }),
});

describe('runPipeline: layers', () => {
  it('runs layers in order and shows earlier results to later layers through ctx.results', async () => {
    const deps = testDeps({
      a: value({ allow: true, seen: 'a' }),
      b: { answer: (r) => ({ value: { allow: true, saw: Object.keys(r.ctx.results) } }) },
      c: { answer: (r) => ({ value: { allow: true, saw: r.ctx.results } }) },
    });
    const { result } = await runPipeline({ plan: plan('signup.before', [['a'], ['b'], ['c']]), event }, deps);
    expect(deps.calls.map((c) => c.script.id)).toEqual(['a', 'b', 'c']);
    expect(result.results.b).toEqual({ allow: true, saw: ['a'] });
    expect(result.results.c).toEqual({
      allow: true,
      saw: { a: { allow: true, seen: 'a' }, b: { allow: true, saw: ['a'] } },
    });
    expect(result).toMatchObject({ ok: true, allow: true, mode: 'blocking' });
    expect(deps.calls[0]?.ctx).toMatchObject({ hook: 'signup.before', env: { REGION: 'eu' }, results: {} });
    expect(deps.calls[0]?.secretNames).toEqual(['IPQS_API_KEY']);
  });

  it('starts every script of a layer before any of them finishes', async () => {
    const deps = testDeps({
      a: { ...value(null), delayMs: 20 },
      b: { ...value(null), delayMs: 20 },
      c: value(null),
    });
    await runPipeline({ plan: plan('signup.before', [['a', 'b'], ['c']]), event }, deps);
    expect(deps.timeline.slice(0, 2).sort()).toEqual(['start a', 'start b']);
    expect(deps.timeline.slice(2, 4).sort()).toEqual(['end a', 'end b']);
    expect(deps.timeline.slice(4)).toEqual(['start c', 'end c']);
  });

  it('gives each script its own copy of the event and ctx', async () => {
    const deps = testDeps({
      mutator: {
        answer: (r) => {
          (r.event.user as JsonObject).email = 'changed@example.com';
          r.ctx.env.REGION = 'us';
          return { value: null };
        },
      },
      reader: {
        delayMs: 10,
        answer: (r) => ({
          value: { allow: true, email: (r.event.user as JsonObject).email ?? null, region: r.ctx.env.REGION ?? null },
        }),
      },
      later: { answer: (r) => ({ value: { allow: true, email: (r.event.user as JsonObject).email ?? null } }) },
    });
    const input = { plan: plan('signup.before', [['mutator', 'reader'], ['later']]), event };
    const { result } = await runPipeline(input, deps);
    expect(result.results.reader).toEqual({ allow: true, email: 'a@example.com', region: 'eu' });
    expect(result.results.later).toEqual({ allow: true, email: 'a@example.com' });
    expect((event.user as JsonObject).email).toBe('a@example.com');
    expect(input.plan.env.REGION).toBe('eu');
    expect(deps.calls[0]?.event).not.toBe(deps.calls[1]?.event);
  });

  it('passes each script its own timeout, capped at 10 s, with the plan limits otherwise', async () => {
    const deps = testDeps({ own: value(null), none: value(null), huge: value(null) });
    const units: ScriptUnit[] = [
      { id: 'own', source: '', contentHash: 'h1', timeoutMs: 2500 },
      { id: 'none', source: '', contentHash: 'h2' },
      { id: 'huge', source: '', contentHash: 'h3', timeoutMs: 60_000 },
    ];
    const p = plan('signup.before', [units]);
    p.limits.timeoutMs = 1500;
    await runPipeline({ plan: p, event }, deps);
    const timeouts = Object.fromEntries(deps.calls.map((c) => [c.script.id, c.limits.timeoutMs]));
    expect(timeouts).toEqual({ own: 2500, none: 1500, huge: 10_000 });
    expect(deps.calls[0]?.limits.instructionBudget).toBe(defaultLimits.instructionBudget);
  });

  it('runs an empty plan: a blocking hook allows', async () => {
    const { result, trace } = await runPipeline({ plan: plan('signin.before', []), event }, testDeps({}));
    expect(result).toMatchObject({ ok: true, allow: true, results: {} });
    expect(trace.spans).toHaveLength(1);
  });
});

describe('runPipeline: blocking decisions', () => {
  it('ends the pipeline at the first deny; later layers do not run', async () => {
    const deps = testDeps({
      a: value({ allow: false, reason: 'disposable email', code: 'DISPOSABLE' }),
      b: value(true),
    });
    const { result, trace } = await runPipeline({ plan: plan('signup.before', [['a'], ['b']]), event }, deps);
    expect(result).toMatchObject({ ok: true, allow: false, reason: 'disposable email', code: 'DISPOSABLE' });
    expect(deps.calls.map((c) => c.script.id)).toEqual(['a']);
    expect(trace.spans.filter((s) => s.kind === 'layer')).toHaveLength(1);
    expect(trace.spans[0]?.attributes).toMatchObject({
      'pipeline.decision': 'deny',
      'pipeline.denied_by': 'a',
      'pipeline.layers_run': 1,
    });
  });

  it('takes the first deny in layer order, not the first to finish', async () => {
    const deps = testDeps({
      slow: { delayMs: 15, answer: () => ({ value: { allow: false, reason: 'slow says no' } }) },
      fast: value({ allow: false, reason: 'fast says no' }),
    });
    const { result } = await runPipeline({ plan: plan('signin.before', [['slow', 'fast']]), event }, deps);
    expect(result.reason).toBe('slow says no');
    expect(deps.timeline.indexOf('end fast')).toBeLessThan(deps.timeline.indexOf('end slow'));
  });

  it.each([
    ['nil', null],
    ['true', true],
    ['{ allow = true }', { allow: true, note: 'fine' }],
  ])('allows on %s', async (_label, returned) => {
    const { result } = await runPipeline(
      { plan: plan('signup.before', [['a']]), event },
      testDeps({ a: value(returned) }),
    );
    expect(result).toMatchObject({ ok: true, allow: true });
    expect(result.reason).toBeUndefined();
  });

  it.each([
    ['false', false],
    ['a string', 'no'],
    ['a table without allow', { reason: 'x' }],
    ['allow that is not a boolean', { allow: 'no' }],
    ['a reason that is not a string', { allow: false, reason: 42 }],
  ])('treats %s as INVALID_RESULT and denies by default', async (_label, returned) => {
    const { result } = await runPipeline(
      { plan: plan('signup.before', [['a']]), event },
      testDeps({ a: value(returned) }),
    );
    expect(result).toMatchObject({
      ok: false,
      allow: false,
      code: 'INVALID_RESULT',
      error: { code: 'INVALID_RESULT', scriptId: 'a' },
    });
    expect(result.results.a).toBeNull();
    expect(result.scripts[0]).toMatchObject({ ok: false, error: { code: 'INVALID_RESULT' } });
  });

  it('denies on a script failure when onError is deny (the default), without leaking the message', async () => {
    const deps = testDeps({ a: fails('TIMEOUT', 'wall time 1000 ms exceeded at internal.lua'), b: value(true) });
    const { result } = await runPipeline({ plan: plan('signup.before', [['a'], ['b']]), event }, deps);
    expect(result).toMatchObject({ ok: false, allow: false, reason: 'script "a" failed (TIMEOUT)', code: 'TIMEOUT' });
    expect(result.error).toMatchObject({
      code: 'TIMEOUT',
      scriptId: 'a',
      message: 'wall time 1000 ms exceeded at internal.lua',
    });
    expect(deps.calls).toHaveLength(1);
  });

  it('allows past a failing script whose onError is allow, and keeps running later layers', async () => {
    const deps = testDeps({ a: fails('RUNTIME_ERROR'), b: value(true) });
    const unit: ScriptUnit = { id: 'a', source: '', contentHash: 'h', onError: 'allow' };
    const { result, trace } = await runPipeline({ plan: plan('signup.before', [[unit], ['b']]), event }, deps);
    expect(result).toMatchObject({ ok: false, allow: true, error: { code: 'RUNTIME_ERROR', scriptId: 'a' } });
    expect(result.reason).toBeUndefined();
    expect(deps.calls.map((c) => c.script.id)).toEqual(['a', 'b']);
    expect(trace.spans.find((s) => s.name === 'script a')?.attributes).toMatchObject({
      'script.on_error': 'allow',
      'script.decision': 'allow',
    });
  });

  it('turns a runner that rejects into a failed script, keeping a known error code', async () => {
    const queueFull = Object.assign(new Error('queue is full'), { code: 'QUEUE_FULL' });
    const deps = testDeps({
      a: { answer: () => Promise.reject(queueFull) },
      b: { answer: () => Promise.reject(new Error('worker died')) },
    });
    const units: ScriptUnit[] = [
      { id: 'a', source: '', contentHash: 'h', onError: 'allow' },
      { id: 'b', source: '', contentHash: 'h', onError: 'allow' },
    ];
    const { result } = await runPipeline({ plan: plan('signup.before', [units]), event }, deps);
    expect(result.scripts.map((s) => s.error?.code)).toEqual(['QUEUE_FULL', 'RUNTIME_ERROR']);
    expect(result).toMatchObject({ ok: false, allow: true, error: { code: 'QUEUE_FULL', scriptId: 'a' } });
  });
});

describe('runPipeline: enrichment and async', () => {
  it('merges deeply, the later script of a layer winning with a warning naming both', async () => {
    const deps = testDeps({
      a: value({ claims: { tier: 'free', roles: ['user'] }, region: 'eu' }),
      b: value({ claims: { tier: 'pro', extra: true } }),
    });
    const { result, trace } = await runPipeline({ plan: plan('token.enrich', [['a', 'b']]), event }, deps);
    expect(result.data).toEqual({ claims: { tier: 'pro', roles: ['user'], extra: true }, region: 'eu' });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/claims\.tier.*"a".*"b"/);
    const warning = trace.spans[0]?.events.find((e) => e.name === 'pipeline.warning');
    expect(warning?.attributes).toMatchObject({
      'pipeline.warning.kind': 'merge_conflict',
      'pipeline.merge.path': 'claims.tier',
      'pipeline.merge.winner': 'b',
      'pipeline.merge.overridden': 'a',
      'pipeline.layer': 1,
    });
  });

  it('shows the merged data of earlier layers as ctx.data; a later layer overrides without a warning', async () => {
    const deps = testDeps({
      a: value({ plan: 'free', org: { id: 'o1' } }),
      b: {
        answer: (r) => ({
          value: { plan: r.ctx.data.plan === 'free' ? 'trial' : 'x', sawOrg: r.ctx.data.org ?? null },
        }),
      },
    });
    const { result } = await runPipeline({ plan: plan('signup.enrich', [['a'], ['b']]), event }, deps);
    expect(deps.calls[0]?.ctx.data).toEqual({});
    expect(deps.calls[1]?.ctx.data).toEqual({ plan: 'free', org: { id: 'o1' } });
    expect(result.data).toEqual({ plan: 'trial', org: { id: 'o1' }, sawOrg: { id: 'o1' } });
    expect(result.warnings).toEqual([]);
  });

  it('continues without a failing or invalid script’s data and records the error', async () => {
    const deps = testDeps({
      bad: value('not a table'),
      broken: fails('RUNTIME_ERROR'),
      good: value({ a: 1 }),
      none: value(null),
      next: value({ b: 2 }),
    });
    const { result } = await runPipeline(
      { plan: plan('session.enrich', [['bad', 'broken', 'good', 'none'], ['next']]), event },
      deps,
    );
    expect(result.data).toEqual({ a: 1, b: 2 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_RESULT', scriptId: 'bad' } });
    expect(result.results).toEqual({ bad: null, broken: null, good: { a: 1 }, none: null, next: { b: 2 } });
    expect(result.allow).toBeUndefined();
  });

  it('runs every layer of an async hook and records each result or failure', async () => {
    const deps = testDeps({ a: fails('RUNTIME_ERROR'), b: value([1, 'two']) });
    const { result } = await runPipeline({ plan: plan('signup.after', [['a'], ['b']]), event }, deps);
    expect(result.results).toEqual({ a: null, b: [1, 'two'] });
    expect(result).toMatchObject({ ok: false, mode: 'async', error: { scriptId: 'a' } });
    expect(result.data).toBeUndefined();
  });
});

describe('runPipeline: trace', () => {
  it('has a root, a span per layer, script and fetch, linked by parent ids', async () => {
    const deps = testDeps({
      a: { answer: () => ({ value: { x: 1 }, logs: [{ level: 'info', message: 'hello', t: 0.5 }] }) },
      b: fails('RUNTIME_ERROR', 'attempt to index nil'),
      c: {
        answer: () => ({
          value: { y: 2 },
          fetches: [
            {
              url: 'https://user:pw@api.example.com/v1/check?key=SECRET#frag',
              method: 'GET',
              status: 200,
              startedAt: 1_764_000_000_100,
              durationMs: 12,
            },
            {
              url: 'https://10.0.0.1/',
              method: 'POST',
              startedAt: 1_764_000_000_200,
              durationMs: 0.1,
              error: { code: 'FETCH_BLOCKED', message: 'FETCH_BLOCKED: private address' },
            },
          ],
        }),
      },
    });
    const { result, trace } = await runPipeline({ plan: plan('token.enrich', [['a', 'b'], ['c']]), event }, deps);
    const spans = trace.spans;
    expect(spans.map((s) => s.kind)).toEqual([
      'hook',
      'layer',
      'script',
      'script',
      'layer',
      'script',
      'fetch',
      'fetch',
    ]);
    const [root] = spans;
    expect(root?.parentSpanId).toBeUndefined();
    expect(trace.traceId).toBe(result.traceId);
    for (const span of spans) {
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.traceId).toBe(trace.traceId);
      expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
      expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano)).toBe(true);
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    const byName = (name: string) => spans.find((s) => s.name === name);
    expect(byName('layer 1')?.parentSpanId).toBe(root?.spanId);
    expect(byName('script a')?.parentSpanId).toBe(byName('layer 1')?.spanId);
    expect(byName('script c')?.parentSpanId).toBe(byName('layer 2')?.spanId);
    const fetches = spans.filter((s) => s.kind === 'fetch');
    expect(fetches.every((s) => s.parentSpanId === byName('script c')?.spanId)).toBe(true);

    expect(root?.status).toEqual({ code: 'ERROR', message: 'script "b": RUNTIME_ERROR: attempt to index nil' });
    expect(byName('layer 1')?.status.code).toBe('ERROR');
    expect(byName('layer 2')?.status).toEqual({ code: 'OK' });
    expect(byName('script b')?.status).toEqual({ code: 'ERROR', message: 'RUNTIME_ERROR: attempt to index nil' });
    expect(byName('script a')?.attributes).toMatchObject({
      'script.id': 'a',
      'script.content_hash': 'hash-a',
      'script.instructions': 1234,
      'script.memory_peak_bytes': 4096,
      'script.duration_ms': 2.5,
      'script.ok': true,
      'script.result': '{"x":1}',
    });
    expect(byName('script a')?.events).toEqual([
      {
        name: 'log',
        timeUnixNano: expect.stringMatching(/^\d+$/),
        attributes: { 'script.log.level': 'info', 'script.log.message': 'hello' },
      },
    ]);
    expect(fetches[0]?.attributes['script.fetch.url']).toBe('https://api.example.com/v1/check');
    expect(JSON.stringify(trace)).not.toContain('SECRET');
    expect(fetches[0]?.startTimeUnixNano).toBe('1764000000100000000');
    expect(fetches[0]?.endTimeUnixNano).toBe('1764000000112000000');
    expect(fetches[1]?.status).toEqual({ code: 'ERROR', message: 'FETCH_BLOCKED: private address' });
    expect(root?.attributes).toMatchObject({
      'pipeline.hook': 'token.enrich',
      'pipeline.plan_key': 'bundlehash:token.enrich',
      'pipeline.layers': 2,
    });
  });
});
