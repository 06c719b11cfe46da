import { afterAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../shared/contract';
import {
  bundleFormat,
  type Bundle,
  type ExecutionPlan,
  type JsonObject,
  type RecordedEvent,
} from '../../shared/engine';
import { createEnginePool, type EnginePool } from '../../shared/engine/node';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import type { PipelineExecutor } from '../replay/replay-runner';
import { compareBundles } from './compare-bundles';
import type { ImpactChange, ImpactSide } from './impact-types';

// compareBundles over a real engine pool and real bundles: a baseline and a candidate that differ
// so that every kind of change comes out of a real run, plus an unchanged event of each hook.

let pool: EnginePool | undefined;
const engine = () => (pool ??= createEnginePool({ workers: 2 }));
afterAll(async () => {
  await pool?.close();
});

const audit = 'return true\n';
const baselineGate = `local email = event.user.email
if email:find("reason-", 1, true) then return { allow = false, reason = "old reason" } end
if email:find("was-denied", 1, true) then return { allow = false, reason = "denied" } end
if email:find("crash-old", 1, true) then error("boom") end
if email:find("changed-error", 1, true) then error("boom") end
return true
`;
const candidateGate = `local email = event.user.email
if email:find("reason-", 1, true) then return { allow = false, reason = "new reason" } end
if email:find("now-denied", 1, true) then return { allow = false, reason = "blocked range" } end
if email:find("crash-new", 1, true) then error("boom") end
if email:find("changed-error", 1, true) then return { allow = "yes" } end
return true
`;
const baselineEnrich = 'return { plan = "free" }\n';
const candidateEnrich = `if event.user.email:find("pro", 1, true) then return { plan = "pro" } end
return { plan = "free" }
`;

function side(gate: string, enrich: string): ImpactSide {
  const bundle: Bundle = {
    format: bundleFormat,
    name: 'impact-test',
    scripts: {
      gate: { file: 'scripts/gate.lua', source: gate },
      audit: { file: 'scripts/audit.lua', source: audit },
      enrich: { file: 'scripts/enrich.lua', source: enrich },
    },
    hooks: { 'signup.before': { layers: [['gate', 'audit']] }, 'token.enrich': { layers: [['enrich']] } },
    env: {},
    secrets: [],
  };
  return { bundle, hash: bundleHash(bundle) };
}
const baseline = side(baselineGate, baselineEnrich);
const candidate = side(candidateGate, candidateEnrich);

function event(id: string, email: string, hook: RecordedEvent['hook'] = 'signup.before'): RecordedEvent {
  const payload: JsonObject = { user: { id: id, email }, request: { ip: '203.0.113.7' } };
  return { id, hook, event: payload };
}

const events: RecordedEvent[] = [
  event('same-1', 'a@example.com'),
  event('flip-deny', 'now-denied@example.com'),
  event('flip-allow', 'was-denied@example.com'),
  event('reason', 'reason-x@example.com'),
  event('data', 'pro@example.com', 'token.enrich'),
  event('same-2', 'free@example.com', 'token.enrich'),
  event('new-error', 'crash-new@example.com'),
  event('fixed-error', 'crash-old@example.com'),
  event('changed-error', 'changed-error@example.com'),
  event('flip-deny', 'a-duplicate-id-is-skipped@example.com'),
];

describe('compareBundles', { timeout: 60_000 }, () => {
  it('reports every kind of change from real runs, in input order, with the scripts that changed', async () => {
    const changes: ImpactChange[] = [];
    const traceIds: string[][] = [];
    const progress: [number, number][] = [];
    const summary = await compareBundles({
      executor: engine(),
      baseline,
      candidate,
      events,
      onChange: (change, traces) => {
        changes.push(change);
        traceIds.push([traces.baseline.traceId, traces.candidate.traceId]);
      },
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(changes.map((c) => [c.id, c.change, c.changes])).toEqual([
      ['flip-deny', 'allow→deny', ['allow→deny']],
      ['flip-allow', 'deny→allow', ['deny→allow']],
      ['reason', 'reason', ['reason']],
      ['data', 'data', ['data']],
      ['new-error', 'error-new', ['error-new', 'allow→deny']],
      ['fixed-error', 'error-fixed', ['error-fixed', 'deny→allow']],
      ['changed-error', 'error-changed', ['error-changed', 'reason']],
    ]);
    const byId = new Map(changes.map((c) => [c.id, c]));
    expect(byId.get('flip-deny')).toMatchObject({
      hook: 'signup.before',
      baseline: { allow: true },
      candidate: { allow: false, reason: 'blocked range' },
      scripts: ['gate'],
    });
    expect(byId.get('data')).toMatchObject({
      baseline: { data: { plan: 'free' } },
      candidate: { data: { plan: 'pro' } },
      scripts: ['enrich'],
    });
    expect(byId.get('new-error')?.candidate.error).toMatchObject({ code: 'RUNTIME_ERROR', scriptId: 'gate' });
    expect(byId.get('changed-error')?.candidate.error).toMatchObject({ code: 'INVALID_RESULT' });
    // Each change names the traces of its own two runs.
    for (const [i, change] of changes.entries()) {
      expect([change.baselineTraceId, change.candidateTraceId]).toEqual(traceIds[i]);
      expect(change.baselineTraceId).not.toBe(change.candidateTraceId);
    }

    expect(summary).toMatchObject({
      events: 9,
      total: 9,
      duplicates: 1,
      unchanged: 2,
      allowToDeny: 1,
      denyToAllow: 1,
      reasonChanged: 1,
      dataChanged: 1,
      newErrors: 1,
      fixedErrors: 1,
      changedErrors: 1,
      cancelled: false,
    });
    expect(summary.latencyMs.baseline.p99).toBeGreaterThan(0);
    expect(summary.latencyMs.candidate.p50).toBeLessThanOrEqual(summary.latencyMs.candidate.p95);
    expect(progress).toEqual(Array.from({ length: 9 }, (_, i) => [i + 1, 9]));
  });

  it('reports nothing changed when both sides are the same bundle', async () => {
    const changes: ImpactChange[] = [];
    const summary = await compareBundles({
      executor: engine(),
      baseline,
      candidate: baseline,
      events,
      onChange: (change) => changes.push(change),
    });
    expect(changes).toEqual([]);
    expect(summary).toMatchObject({ events: 9, unchanged: 9, allowToDeny: 0, newErrors: 0 });
  });

  it('has both sides of an event in the pool at once', async () => {
    const inFlight = new Map<string, number>();
    let together = 0;
    const executor: PipelineExecutor = {
      async runPipeline(plan: ExecutionPlan, payload, options) {
        inFlight.set(plan.key, (inFlight.get(plan.key) ?? 0) + 1);
        const keys = [...inFlight].filter(([, n]) => n > 0).map(([key]) => key.split(':')[0]);
        if (keys.includes(baseline.hash) && keys.includes(candidate.hash)) together += 1;
        try {
          return await engine().runPipeline(plan, payload, options);
        } finally {
          inFlight.set(plan.key, inFlight.get(plan.key)! - 1);
        }
      },
    };
    await compareBundles({ executor, baseline, candidate, events, concurrency: 1 });
    // One event at a time, and still every event had its two runs in flight together.
    expect(together).toBe(9);
  });

  it('stops starting events when cancelled and reports the ones that finished', async () => {
    const many = Array.from({ length: 400 }, (_, i) => event(`e${i}`, `now-denied-${i}@example.com`));
    const controller = new AbortController();
    const seen: string[] = [];
    const summary = await compareBundles({
      executor: engine(),
      baseline,
      candidate,
      events: many,
      concurrency: 2,
      signal: controller.signal,
      onChange: (change) => seen.push(change.id),
      onProgress: (done) => {
        if (done === 1) controller.abort();
      },
    });
    expect(summary.cancelled).toBe(true);
    expect(summary.events).toBeGreaterThanOrEqual(1);
    expect(summary.events).toBeLessThan(400);
    expect(summary.total).toBe(400);
    expect(seen).toEqual(many.slice(0, summary.events).map((e) => e.id));
  });

  it('refuses a side that cannot be planned before running anything, naming the side', async () => {
    const broken = structuredClone(candidate);
    broken.bundle.hooks['signup.before'] = { layers: [['missing']] };
    let runs = 0;
    const executor: PipelineExecutor = {
      runPipeline: (plan, payload, options) => {
        runs += 1;
        return engine().runPipeline(plan, payload, options);
      },
    };
    const refused = compareBundles({ executor, baseline, candidate: broken, events });
    await expect(refused).rejects.toBeInstanceOf(ContractError);
    await expect(refused).rejects.toMatchObject({
      code: 'PIPELINE_INVALID',
      message: expect.stringMatching(/^candidate: /),
    });
    expect(runs).toBe(0);
  });

  it('counts a run the pool refuses as that side failing', async () => {
    const executor: PipelineExecutor = {
      runPipeline: (plan, payload, options) =>
        plan.key.startsWith(candidate.hash)
          ? Promise.reject(Object.assign(new Error('the engine queue is full'), { code: 'QUEUE_FULL' }))
          : engine().runPipeline(plan, payload, options),
    };
    const changes: ImpactChange[] = [];
    await compareBundles({ executor, baseline, candidate, events: [events[0]!], onChange: (c) => changes.push(c) });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      change: 'error-new',
      candidate: { allow: false, error: { code: 'QUEUE_FULL' } },
      candidateTraceId: '',
    });
  });
});
