import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultLimits, maxTimeoutMs, type ExecutionPlan } from '../../shared/engine';
import { createEnginePool } from '../../shared/engine/node';
import { scriptHash } from '../../shared/engine/node/bundle-files';
import { checkRecordedEvent } from '../../shared/engine/recorded-events';
import { generateEvents } from '../../shared/hooks/event-generator';
import { bundleTarget } from './bundle-target';
import { runGenerated, type GenerateTarget } from './generate-run';
import type { GenerateFailure } from './generate-report';

// The real pool (worker threads, the Lua sandbox) on generated events.

const pool = createEnginePool({ workers: 1 });
afterAll(() => pool.close());

const script = (source: string): GenerateTarget => ({
  kind: 'script',
  scriptId: 'draft',
  source,
  env: {},
  secretNames: [],
});

describe('runGenerated', () => {
  it('finds the events where a script crashes on a missing optional field, each with its event', async () => {
    const seen: GenerateFailure[] = [];
    const report = await runGenerated({
      pool,
      hook: 'signup.before',
      target: script('if #event.user.name > 40 then return { allow = false, reason = "long name" } end\nreturn true'),
      count: 120,
      seed: 42,
      keepFailures: 5,
      onFailure: (failure) => seen.push(failure),
    });
    const events = [...generateEvents('signup.before', 42, 120)];
    const user = (e: (typeof events)[number]) => e.event.user as Record<string, unknown>;
    const nameless = events.filter((e) => user(e).name === undefined);
    const long = events.filter((e) => typeof user(e).name === 'string' && (user(e).name as string).length > 40);
    expect(nameless.length).toBeGreaterThan(0);
    expect(long.length).toBeGreaterThan(0);
    expect(report).toMatchObject({ hook: 'signup.before', seed: 42, events: 120, failures: nameless.length });
    expect(report.crashes).toBe(nameless.length);
    expect(report.errors).toEqual({ RUNTIME_ERROR: nameless.length });
    expect(report.decisions).toEqual({
      allow: 120 - nameless.length - long.length,
      deny: long.length,
      data: 0,
      recorded: 0,
      error: nameless.length,
    });
    expect(report.denyReasons).toEqual({ 'long name': long.length });
    expect(report.edgeCases['optional-missing'].failures).toBe(nameless.length);
    // Every failure, in the order of the events; the report keeps the first five.
    expect(seen.map((f) => f.index)).toEqual(nameless.map((e) => e.index));
    expect(report.failed).toEqual(seen.slice(0, 5));
    expect(report.failedOmitted).toBe(nameless.length - 5);
    for (const failure of seen) {
      expect(failure).toMatchObject({ kind: 'crash', error: { code: 'RUNTIME_ERROR', line: 1 } });
      expect(failure.edgeCases).toContain('optional-missing');
      expect(failure.recorded.id).toBe(`generated-signup.before-42-${failure.index}`);
      // Ready for the library: the recorded form validates as an import would validate it.
      expect(checkRecordedEvent(JSON.parse(JSON.stringify(failure.recorded)))).toMatchObject({ ok: true });
    }
  });

  it('runs every generated event of every kind through the sandbox without a failure', async () => {
    for (const hook of ['token.enrich', 'session.enrich', 'signup.after'] as const) {
      const report = await runGenerated({
        pool,
        hook,
        target: script('local n = 0\nfor k, v in pairs(event) do n = n + 1 end\nreturn { fields = n }'),
        count: 150,
        seed: 7,
      });
      expect(report.errors).toEqual({});
      expect(report.failures).toBe(0);
      const kind = hook === 'signup.after' ? 'recorded' : 'data';
      expect(report.decisions[kind]).toBe(150);
      for (const counts of Object.values(report.edgeCases)) expect(counts.failures).toBe(0);
    }
  });

  it('counts invalid results and limit hits in a pipeline', async () => {
    const unit = (id: string, source: string) => ({ id, source, contentHash: scriptHash(source) });
    const plan: ExecutionPlan = {
      key: 'generate-test:signin.before',
      hook: 'signin.before',
      mode: 'blocking',
      layers: [
        [unit('spin', 'if event.request.userAgent == nil then while true do end end\nreturn nil')],
        [unit('answer', 'return "yes"')],
      ],
      env: {},
      secretNames: [],
      limits: { ...defaultLimits, instructionBudget: 200_000, timeoutMs: maxTimeoutMs },
    };
    const report = await runGenerated({
      pool,
      hook: 'signin.before',
      target: { kind: 'pipeline', plan },
      count: 80,
      seed: 3,
    });
    const spins = [...generateEvents('signin.before', 3, 80)].filter(
      (e) => (e.event.request as Record<string, unknown>).userAgent === undefined,
    ).length;
    expect(spins).toBeGreaterThan(0);
    expect(report.limits).toEqual({ INSTRUCTION_LIMIT: spins });
    expect(report.invalidResults).toBe(80 - spins);
    expect(report.decisions.error).toBe(80);
    expect(report.failed[0]?.error).toMatchObject({ scriptId: expect.any(String) });
  });

  it("plans a bundle folder's pipeline for a hook", async () => {
    const read = await bundleTarget(path.join(__dirname, '../../examples/acme-auth'), 'signup.before');
    expect(read).toMatchObject({ ok: true, scripts: 1 });
    if (!read.ok) return;
    const report = await runGenerated({ pool, hook: 'signup.before', target: read.target, count: 40, seed: 1 });
    expect(report.events).toBe(40);
    expect(report.decisions.allow + report.decisions.deny + report.decisions.error).toBe(40);
    expect(await bundleTarget(path.join(__dirname, 'nowhere'), 'signup.before')).toMatchObject({ ok: false });
  });
});
