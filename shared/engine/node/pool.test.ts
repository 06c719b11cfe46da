import { BroadcastChannel } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { defaultLimits, maxTimeoutMs } from '../limits';
import type { ExecutionPlan, ScriptUnit, SecretProvider } from '../types';
import { createEnginePool, type EnginePool, type EnginePoolOptions } from './pool';
import { sampleEvent, scriptRequest, type RequestOptions } from './sandbox/testing';

// The pool with the real bundled worker (dist/node/engine-worker.mjs, built by vitest's global
// setup): dispatching, the concurrency bound and queue, secrets from the main thread, plans.
// Nothing here depends on the machine's speed: runs have deadlines far away unless a test is
// about one, stall and start limits are out of the way unless a test is about them, and tests
// wait for events and results. How long anything may take is bounded by the test timeout only.

const testTimeout = 120_000;
const pools: EnginePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});
function pool(options: EnginePoolOptions = {}): EnginePool {
  const created = createEnginePool({ workers: 1, stallMs: 3_600_000, startMs: 3_600_000, ...options });
  pools.push(created);
  return created;
}
const epochNow = () => performance.timeOrigin + performance.now();
/** A run with a deadline far away. */
const request = (source: string, options: RequestOptions = {}) =>
  scriptRequest(source, { ...options, limits: { timeoutMs: 600_000, ...options.limits } });
/** Waits for a condition; how long it may take is bounded by the test timeout only. */
const eventually = <T>(read: () => T) => expect.poll(read, { timeout: testTimeout, interval: 10 });

/** A secret provider whose answers wait until the test opens the gate. */
function gatedSecrets() {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const asked: string[] = [];
  const provider: SecretProvider = {
    async get(name) {
      asked.push(name);
      await gate;
      return name === 'MISSING' ? undefined : `value-of-${name}`;
    },
  };
  return { provider, asked, open: () => open() };
}
// Compares rather than returns the value: a returned secret value is masked (sandbox/logs.ts).
const waitingScript = (id: string) =>
  request('return helpers.secret("TOKEN") == "value-of-TOKEN"', { id, secretNames: ['TOKEN'] });

const unit = (id: string, source: string, extra: Partial<ScriptUnit> = {}): ScriptUnit => ({
  id,
  source,
  contentHash: id,
  ...extra,
});
function plan(layers: ScriptUnit[][], extra: Partial<ExecutionPlan> = {}): ExecutionPlan {
  return {
    key: 'bundle:signup.before',
    hook: 'signup.before',
    mode: 'blocking',
    layers,
    env: {},
    secretNames: [],
    // The longest deadline a plan allows.
    limits: { ...defaultLimits, timeoutMs: maxTimeoutMs },
    ...extra,
  };
}

describe('running scripts', { timeout: testTimeout }, () => {
  test('a script runs in a worker and its outcome comes back', async () => {
    const outcome = await pool().runScript(
      request('print("hi") return { allow = event.user.email == "ada@example.com" }'),
    );
    expect(outcome).toMatchObject({ ok: true, value: { allow: true }, logs: [{ level: 'info', message: 'hi' }] });
  });

  test("runScript is a one-layer pipeline job that returns the script's own outcome, unjudged", async () => {
    const engines = pool();
    // A blocking hook would refuse "yes" (INVALID_RESULT); the lone script's caller judges it instead.
    const outcome = await engines.runScript(request('helpers.log("warn", "careful") return "yes"', { id: 'lone' }));
    expect(outcome).toMatchObject({ scriptId: 'lone', ok: true, value: 'yes', logs: [{ level: 'warn' }] });
    expect(outcome.error).toBeUndefined();
    expect(outcome.instructions).toBeGreaterThan(0);
  });

  test('many runs at once all complete, on every worker', async () => {
    const engines = pool({ workers: 2 });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => engines.runScript(request(`return ${i} * 2`))),
    );
    expect(outcomes.map((outcome) => outcome.value)).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    expect(engines.stats()).toMatchObject({ workers: 2, running: 0, queued: 0, restarts: 0 });
  });

  test('the least busy worker gets the next run', async () => {
    const secrets = gatedSecrets();
    const engines = pool({ workers: 2, secrets: secrets.provider });
    const runs = ['a', 'b', 'c', 'd'].map((id) => engines.runScript(waitingScript(id)));
    await eventually(() => secrets.asked.length).toBe(4);
    expect(engines.stats().load).toEqual([2, 2]);
    secrets.open();
    expect((await Promise.all(runs)).map((outcome) => outcome.value)).toEqual(Array(4).fill(true));
  });

  test('at most 20 runs are in the workers; the rest wait in the queue', async () => {
    const secrets = gatedSecrets();
    const engines = pool({ workers: 2, secrets: secrets.provider });
    const runs = Array.from({ length: 25 }, (_, i) => engines.runScript(waitingScript(`s${i}`)));
    await eventually(() => secrets.asked.length).toBe(20);
    expect(engines.stats()).toMatchObject({ running: 20, queued: 5 });
    secrets.open();
    expect((await Promise.all(runs)).every((outcome) => outcome.ok)).toBe(true);
    expect(secrets.asked).toHaveLength(25);
  });

  test('a full queue rejects at once with QUEUE_FULL, and the pool goes on', async () => {
    const secrets = gatedSecrets();
    const engines = pool({ secrets: secrets.provider, maxConcurrent: 1, maxQueue: 2 });
    const accepted = [1, 2, 3].map((i) => engines.runScript(waitingScript(`q${i}`)));
    await expect(engines.runScript(waitingScript('q4'))).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    await expect(engines.runPipeline(plan([[unit('p', 'return true')]]), sampleEvent)).rejects.toMatchObject({
      code: 'QUEUE_FULL',
    });
    secrets.open();
    expect((await Promise.all(accepted)).every((outcome) => outcome.ok)).toBe(true);
    expect((await engines.runScript(request('return 5'))).value).toBe(5);
  });

  test('close() rejects what is queued or running', async () => {
    const secrets = gatedSecrets();
    const engines = pool({ secrets: secrets.provider, maxConcurrent: 1 });
    const running = expect(engines.runScript(waitingScript('r'))).rejects.toThrow(/closed/);
    const queued = expect(engines.runScript(waitingScript('w'))).rejects.toThrow(/closed/);
    await eventually(() => secrets.asked.length).toBe(1);
    expect(engines.stats()).toMatchObject({ running: 1, queued: 1 });
    await engines.close();
    await running;
    await queued;
    await expect(engines.runScript(request('return 1'))).rejects.toThrow(/closed/);
  });
});

describe('secrets and fetch across the thread boundary', { timeout: testTimeout }, () => {
  test("the worker gets declared secrets from the main thread's provider", async () => {
    const secrets = gatedSecrets();
    secrets.open();
    const engines = pool({ secrets: secrets.provider });
    const reading = request('print(helpers.secret("API")) return #helpers.secret("API")', {
      secretNames: ['API', 'MISSING'],
    });
    const outcome = await engines.runScript(reading);
    expect(outcome.value).toBe('value-of-API'.length);
    expect(outcome.logs[0]?.message).toBe('[secret]');
    expect(
      (await engines.runScript(request('return helpers.secret("MISSING")', { secretNames: ['MISSING'] }))).error?.code,
    ).toBe('SECRET_NOT_FOUND');
    expect((await engines.runScript(request('return helpers.secret("API")'))).error?.code).toBe('SECRET_NOT_FOUND');
    expect(secrets.asked).toEqual(['API', 'API', 'MISSING']);
  });

  test('a secret that arrives after the deadline ends the run as TIMEOUT, with no worker replaced', async () => {
    const secrets = gatedSecrets();
    const engines = pool({ secrets: secrets.provider, watchdogGraceMs: 3_600_000 });
    const outcome = engines.runScript(
      request('return helpers.secret("TOKEN") == "value-of-TOKEN"', {
        secretNames: ['TOKEN'],
        limits: { timeoutMs: 50 },
      }),
    );
    // The run started before it asked: answer only once the clock is surely past its deadline.
    await eventually(() => secrets.asked.length).toBe(1);
    const asked = epochNow();
    await eventually(() => epochNow() - asked > 50).toBe(true);
    secrets.open();
    expect((await outcome).error).toEqual({ code: 'TIMEOUT', message: 'the script ran longer than 50 ms' });
    expect(engines.stats().restarts).toBe(0);
  });

  test('without a provider every secret is missing', async () => {
    const outcome = await pool().runScript(request('return helpers.secret("A")', { secretNames: ['A'] }));
    expect(outcome.error?.code).toBe('SECRET_NOT_FOUND');
  });

  test('helpers.fetch refuses loopback through the guarded fetch, and can be switched off', async () => {
    const guarded = await pool().runScript(request('return helpers.fetch("https://127.0.0.1/admin")'));
    expect(guarded.error?.code).toBe('FETCH_BLOCKED');
    expect(guarded.fetches[0]?.error?.code).toBe('FETCH_BLOCKED');
    const off = await pool({ fetch: false }).runScript(request('return helpers.fetch("https://example.com")'));
    expect(off.error).toMatchObject({
      code: 'FETCH_BLOCKED',
      message: 'FETCH_BLOCKED: helpers.fetch is not available here',
    });
  });
});

describe('pipelines', { timeout: testTimeout }, () => {
  test('a pipeline runs in one worker job: layers, ctx.results, the decision and a trace', async () => {
    const engines = pool();
    const run = await engines.runPipeline(
      plan([
        [
          unit('domain', 'return { allow = true, domain = event.user.email:match("@(.+)$") }'),
          unit('log', 'print("layer 1") return true'),
        ],
        [unit('decide', 'return { allow = ctx.results.domain.domain ~= "example.com", reason = "blocked domain" }')],
      ]),
      sampleEvent,
    );
    expect(run.result).toMatchObject({ ok: true, allow: false, reason: 'blocked domain' });
    expect(run.result.scripts.map((outcome) => outcome.scriptId)).toEqual(['domain', 'log', 'decide']);
    expect(run.trace.spans[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.trace.spans.length).toBeGreaterThanOrEqual(4);
  });

  test("the same key with other content is not served from a worker's cache", async () => {
    const engines = pool();
    const script = [[unit('env', 'return { allow = helpers.env("MODE") == "open" }')]];
    const first = await engines.runPipeline(plan(script, { env: { MODE: 'open' } }), sampleEvent);
    const second = await engines.runPipeline(plan(script, { env: { MODE: 'closed' } }), sampleEvent);
    expect([first.result.allow, second.result.allow]).toEqual([true, false]);
  });

  test('a plan the worker evicted is sent again', async () => {
    const engines = pool();
    const first = plan([[unit('one', 'return true')]], { key: 'plan-0:signup.before' });
    await engines.runPipeline(first, sampleEvent);
    for (let i = 1; i <= 70; i++)
      await engines.runPipeline(plan([[unit('x', 'return true')]], { key: `plan-${i}:signup.before` }), sampleEvent);
    expect((await engines.runPipeline(first, sampleEvent)).result).toMatchObject({ ok: true, allow: true });
  });

  test('script errors follow onError, and a thrown pipeline never hangs the caller', async () => {
    const engines = pool();
    const run = await engines.runPipeline(
      plan([[unit('bad', 'error("nope")', { onError: 'allow' })], [unit('ok', 'return true')]]),
      sampleEvent,
    );
    expect(run.result).toMatchObject({ ok: false, allow: true, error: { code: 'RUNTIME_ERROR', scriptId: 'bad' } });
  });
});

describe('worker start', { timeout: testTimeout }, () => {
  const realWorker = new URL('../../../dist/node/engine-worker.mjs', import.meta.url).href;
  /**
   * The real worker, loaded only once the test opens a gate: a start as slow as the test wants.
   * The worker says it is waiting before the test opens (a message on a BroadcastChannel reaches
   * only the channels open at the time); once open, the gate lets every later worker through.
   */
  function gatedStart() {
    const name = `engine-start-gate-${process.pid}-${Math.random()}`;
    const workerUrl = new URL(
      `data:text/javascript,${encodeURIComponent(
        `const gate = new BroadcastChannel(${JSON.stringify(name)});
         await new Promise((resolve) => {
           gate.onmessage = (message) => { if (message.data === 'start') resolve(); };
           gate.postMessage('waiting');
         });
         gate.close();
         await import(${JSON.stringify(realWorker)});`,
      )}`,
    );
    const gate = new BroadcastChannel(name);
    let open = false;
    let onWaiting: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => {
      onWaiting = resolve;
    });
    gate.onmessage = (message) => {
      if ((message as MessageEvent).data !== 'waiting') return;
      onWaiting();
      if (open) gate.postMessage('start');
    };
    return {
      workerUrl,
      waiting,
      open() {
        open = true;
        gate.postMessage('start');
      },
      close: () => gate.close(),
    };
  }

  test('a slow start is not a stall: stallMs applies once the worker is ready', async () => {
    // Before the start allowance, a start longer than stallMs was replaced three times and the
    // pool gave up ("fail to start"). What happens after the start depends on the machine's load
    // (a saturated machine may stall a ready worker too), so only the start is judged.
    const stallMs = 100;
    const start = gatedStart();
    try {
      const engines = pool({ workerUrl: start.workerUrl, stallMs });
      const spawned = epochNow();
      const outcome = engines.runScript(request('return { allow = true }'));
      // A run that ends before the worker even waits (the pool gave up on it) fails here.
      await Promise.race([start.waiting, outcome]);
      await eventually(() => epochNow() - spawned > 3 * stallMs).toBe(true);
      // Timers fire in the order they are due: the watchdog's, due every 25 ms, has looked at
      // the waiting worker by the time this one, due later, fires. An ordering, not a duration.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(engines.stats()).toMatchObject({ restarts: 0, workers: 1 });
      start.open();
      const result = await outcome;
      expect(result.error?.message ?? '').not.toMatch(/fail to start/);
      if (result.ok) expect(result.value).toEqual({ allow: true });
    } finally {
      start.close();
    }
  });

  test('a worker that never gets ready fails the runs with a clear error after startMs', async () => {
    const neverReady = new URL(`data:text/javascript,${encodeURIComponent('setInterval(() => {}, 1000);')}`);
    const stuck = pool({ workerUrl: neverReady, startMs: 100 });
    await expect(stuck.runScript(request('return { allow = true }'))).rejects.toThrow(/engine workers fail to start/);
  });
});
