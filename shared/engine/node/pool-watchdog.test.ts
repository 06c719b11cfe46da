import { afterEach, describe, expect, test } from 'vitest';
import { defaultLimits, maxTimeoutMs } from '../limits';
import type { ExecutionPlan, ScriptLimits, ScriptUnit, SecretProvider } from '../types';
import { createEnginePool, type EnginePool, type EnginePoolOptions } from './pool';
import { sampleEvent, scriptRequest, type RequestOptions } from './sandbox/testing';

// Adversarial: runaways inside a single C function never return to Lua, so no hook can stop them.
// The pool's watchdog must: it replaces the worker, the stuck run gets TIMEOUT, other runs in that
// worker are retried once, and the pool keeps serving.
// Nothing here depends on the machine's speed: a stuck script's work is astronomically larger than
// any deadline (or endless), a run that must not time out has a deadline far away, and tests wait
// for events and results, never for durations. The only bound on how long a stop may take is the
// test timeout.

const testTimeout = 120_000;
const pools: EnginePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});
/** Stall and start limits are out of the way: only the deadlines of the scripts are judged here. */
function pool(options: EnginePoolOptions = {}): EnginePool {
  const created = createEnginePool({ workers: 1, stallMs: 3_600_000, startMs: 3_600_000, ...options });
  pools.push(created);
  return created;
}
/** A run that only a limit of its own (not the clock) may end. */
const request = (source: string, options: RequestOptions = {}) =>
  scriptRequest(source, { ...options, limits: { timeoutMs: 600_000, ...options.limits } });
const stuckLimits: Partial<ScriptLimits> = { timeoutMs: 200, instructionBudget: 1e12 };
/** Waits for a condition; how long it may take is bounded by the test timeout only. */
const eventually = <T>(read: () => T) => expect.poll(read, { timeout: testTimeout, interval: 10 });

// RE2 is linear, but text × program size can still be huge: 256 KB of pseudo-random hex (no two
// windows alike, so the DFA cache thrashes and RE2 falls back to its NFA) against eight counted
// repetitions of 999 ran for more than 30 s without finishing on the development machine, and the
// deadline here is 200 ms.
const re2Pattern = Array.from({ length: 8 }, (_, i) => `[0-9a-f]*${i}[0-9a-f]{999}x`).join('|');
const re2Script = `local parts = {}
for i = 1, 4096 do parts[i] = helpers.hash("sha256", i) end
return helpers.matches(table.concat(parts), "${re2Pattern}")`;

/** Scripts stuck in one C call: [name, source, whether they may end before reaching it]. */
const stuckInC: Array<[string, string, boolean]> = [
  // Each start position scans the rest of the text twice over: about 1.7e17 steps.
  ['a string pattern', "return ('a'):rep(1e6):find('.-.-b')", false],
  ['string.rep of an empty string', 'return #string.rep("", 1e13)', false],
  ['table.move over a huge range', 'return table.move({}, 1, 1e13, 2)', false],
  ['gsub with a pattern that backtracks', "return (('a'):rep(2e4) .. 'c'):gsub('a-a-a-a-b', 'x')", false],
  // Building the text takes 4096 helper calls, in which the deadline may pass on a loaded machine:
  // then the run is a TIMEOUT without a restart.
  ['helpers.matches with a costly RE2 program', re2Script, true],
];
const patternScript = stuckInC[0]![1];

/** A provider whose answers wait for the test to release them: keeps a run in flight in its worker. */
function heldSecrets() {
  const asked: string[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const provider: SecretProvider = {
    async get(name) {
      asked.push(name);
      await released;
      return `value-of-${name}`;
    },
  };
  return { provider, asked, release: () => release() };
}

describe('a script stuck inside a C function', { timeout: testTimeout }, () => {
  test.each(stuckInC)('%s is stopped with TIMEOUT and the pool serves on', async (_name, source, mayEndBefore) => {
    const engines = pool();
    const outcome = await engines.runScript(request(source, { limits: stuckLimits }));
    expect(outcome.error?.code).toBe('TIMEOUT');
    expect(outcome.error?.message).toMatch(/^the script ran longer than 200 ms\b/);
    if (mayEndBefore) expect(engines.stats().restarts).toBeLessThanOrEqual(1);
    else expect(engines.stats().restarts).toBe(1);
    expect(engines.stats().workers).toBe(1);
    expect((await engines.runScript(request('return "still serving"'))).value).toBe('still serving');
  });

  test('runs in other workers are not disturbed', async () => {
    const engines = pool({ workers: 2 });
    const [stuck, ...others] = await Promise.all([
      engines.runScript(request(patternScript, { limits: stuckLimits })),
      ...Array.from({ length: 20 }, (_, i) => engines.runScript(request(`return ${i}`))),
    ]);
    expect(stuck?.error?.code).toBe('TIMEOUT');
    expect(others.map((outcome) => outcome.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('a run that outlives its deadline without being stopped', { timeout: testTimeout }, () => {
  // The script calls a C function with ever larger work until the clock says its time is up: it
  // surely ends after its deadline, on any machine, and the last call returns on its own. The
  // watchdog's grace is an hour, so the worker is never replaced: the limit holds all the same.
  const overrun = (ms: number) => `local start, n = helpers.now(), 1
    while helpers.now() - start <= ${ms} do string.rep("", n) n = n * 2 end
    return "finished"`;

  test('is a TIMEOUT, not its result', async () => {
    const engines = pool({ watchdogGraceMs: 3_600_000 });
    const outcome = await engines.runScript(
      request(overrun(50), { limits: { timeoutMs: 50, instructionBudget: 1e12 } }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'TIMEOUT', message: 'the script ran longer than 50 ms' },
    });
    expect(outcome.value).toBeUndefined();
    expect(outcome.durationMs).toBeGreaterThan(50);
    expect(engines.stats().restarts).toBe(0);
  });

  test("in a pipeline, the script's onError applies as for any TIMEOUT, and the trace says so", async () => {
    const engines = pool({ watchdogGraceMs: 3_600_000 });
    const run = await engines.runPipeline(
      {
        key: 'overrun:signup.before',
        hook: 'signup.before',
        mode: 'blocking',
        layers: [
          [
            { id: 'late', source: overrun(50), contentHash: 'late', timeoutMs: 50, onError: 'allow' },
            { id: 'fine', source: 'return true', contentHash: 'fine' },
          ],
        ],
        env: {},
        secretNames: [],
        limits: { ...defaultLimits, timeoutMs: maxTimeoutMs, instructionBudget: 1e12 },
      },
      sampleEvent,
    );
    expect(run.result).toMatchObject({ ok: false, allow: true, error: { code: 'TIMEOUT', scriptId: 'late' } });
    const span = run.trace.spans.find((candidate) => candidate.attributes['script.id'] === 'late');
    expect(span?.attributes).toMatchObject({
      'script.ok': false,
      'script.error.code': 'TIMEOUT',
      'script.error.message': 'the script ran longer than 50 ms',
    });
    expect(engines.stats().restarts).toBe(0);
  });
});

describe('runs that shared the stuck worker', { timeout: testTimeout }, () => {
  test('are retried once on a fresh worker and succeed', async () => {
    const secrets = heldSecrets();
    const engines = pool({ secrets: secrets.provider });
    const innocent = engines.runScript(
      request('print("start") return helpers.secret("TOKEN") == "value-of-TOKEN"', { secretNames: ['TOKEN'] }),
    );
    await eventually(() => secrets.asked.length).toBe(1);
    const stuck = await engines.runScript(request(patternScript, { limits: stuckLimits }));
    expect(stuck.error?.code).toBe('TIMEOUT');
    // The retry asks again, from the fresh worker; only then may the answers come.
    await eventually(() => secrets.asked.length).toBe(2);
    secrets.release();
    const retried = await innocent;
    expect(retried).toMatchObject({ ok: true, value: true });
    expect(retried.logs.map((entry) => entry.message)).toEqual(['start']);
    expect(secrets.asked).toEqual(['TOKEN', 'TOKEN']);
    expect(engines.stats().restarts).toBe(1);
  });

  test('a run caught in two restarts fails instead of retrying forever', async () => {
    const secrets = heldSecrets();
    const engines = pool({ secrets: secrets.provider });
    const innocent = engines.runScript(request('return helpers.secret("TOKEN")', { secretNames: ['TOKEN'] }));
    await eventually(() => secrets.asked.length).toBe(1);
    await engines.runScript(request(patternScript, { limits: stuckLimits }));
    await eventually(() => secrets.asked.length).toBe(2);
    await engines.runScript(request(patternScript, { limits: stuckLimits }));
    const outcome = await innocent;
    expect(outcome.error).toMatchObject({
      code: 'RUNTIME_ERROR',
      message: 'the engine worker stopped twice while this run was in it',
    });
    expect(engines.stats().restarts).toBe(2);
    expect((await engines.runScript(request('return 1'))).value).toBe(1);
  });
});

describe('pipelines', { timeout: testTimeout }, () => {
  const unit = (id: string, source: string, extra: Partial<ScriptUnit> = {}): ScriptUnit => ({
    id,
    source,
    contentHash: id,
    ...extra,
  });
  const stuck = (id: string, source: string, extra: Partial<ScriptUnit> = {}) =>
    unit(id, source, { timeoutMs: 200, ...extra });
  // The other scripts get the longest deadline a plan allows.
  const plan = (layers: ScriptUnit[][]): ExecutionPlan => ({
    key: 'watchdog:signup.before',
    hook: 'signup.before',
    mode: 'blocking',
    layers,
    env: {},
    secretNames: [],
    limits: { ...defaultLimits, timeoutMs: maxTimeoutMs, instructionBudget: 1e12 },
  });

  test("the stuck script settles as TIMEOUT and the pipeline's rules apply to it", async () => {
    const engines = pool();
    const run = await engines.runPipeline(
      plan([
        [unit('fine', 'return true'), stuck('stuck', patternScript, { onError: 'allow' })],
        [unit('later', 'return { allow = false, reason = "later layer ran: " .. tostring(ctx.results.fine) }')],
      ]),
      sampleEvent,
    );
    expect(run.result.scripts.map((outcome) => [outcome.scriptId, outcome.error?.code ?? 'ok'])).toEqual([
      ['fine', 'ok'],
      ['stuck', 'TIMEOUT'],
      ['later', 'ok'],
    ]);
    expect(run.result).toMatchObject({
      ok: false,
      allow: false,
      reason: 'later layer ran: true',
      error: { code: 'TIMEOUT', scriptId: 'stuck' },
    });
    expect(run.result.scripts[1]?.error?.message).toMatch(/^the script ran longer than 200 ms\b/);
    expect(engines.stats().restarts).toBe(1);
  });

  test('with onError deny, the stuck script denies', async () => {
    const engines = pool();
    const run = await engines.runPipeline(
      plan([[stuck('stuck', stuckInC[1]![1])], [unit('never', 'return true')]]),
      sampleEvent,
    );
    expect(run.result).toMatchObject({ allow: false, error: { code: 'TIMEOUT', scriptId: 'stuck' } });
    expect(run.result.scripts.map((outcome) => outcome.scriptId)).toEqual(['stuck']);
  });
});

// These loops would run with hooks off if the sandbox regressed (xpcall message handlers, __close
// of a killed coroutine and __gc finalizers run with hooks disabled): the hook could not stop them,
// and in the calling thread they would hang the test. Here the watchdog would stop them once
// their (distant) deadline passed, with TIMEOUT and a restart, so a regression fails cleanly.
describe('loops no hook could stop, were the sandbox to regress', { timeout: testTimeout }, () => {
  const budgetOnly: Partial<ScriptLimits> = { instructionBudget: 1_000_000, timeoutMs: 30_000 };
  const metered: Array<[string, string]> = [
    ['an xpcall message handler', 'xpcall(function() while true do end end, function() while true do end end)'],
    ['an xpcall handler of a plain error', 'xpcall(error, function() while true do end end)'],
    [
      '__close of a wrapped coroutine killed by a limit',
      `local looping = setmetatable({}, { __close = function() while true do end end })
       local co = coroutine.wrap(function() local x <close> = looping while true do end end)
       co()`,
    ],
    [
      '__close run by coroutine.close after a limit',
      `local looping = setmetatable({}, { __close = function() while true do end end })
       local co = coroutine.create(function() local x <close> = looping while true do end end)
       coroutine.resume(co)
       coroutine.close(co)`,
    ],
    [
      '__close of the script itself',
      'local x <close> = setmetatable({}, { __close = function() while true do end end }) return 1',
    ],
  ];
  test.each(metered)('%s ends with INSTRUCTION_LIMIT inside the engine', async (_name, source) => {
    const engines = pool();
    const outcome = await engines.runScript(request(source, { limits: budgetOnly }));
    expect(outcome.error?.code).toBe('INSTRUCTION_LIMIT');
    expect(engines.stats().restarts).toBe(0);
  });

  test('an error object whose __tostring loops is never converted', async () => {
    const engines = pool();
    const outcome = await engines.runScript(
      request('error(setmetatable({}, { __tostring = function() while true do end end }))', { limits: budgetOnly }),
    );
    expect(outcome.error).toMatchObject({ code: 'RUNTIME_ERROR', message: '(error object is a table value)' });
    expect(engines.stats().restarts).toBe(0);
  });

  test('finalizers never run: __gc is refused, and a __gc added later does not mark the table', async () => {
    const engines = pool();
    const refused = await engines.runScript(request('setmetatable({}, { __gc = function() while true do end end })'));
    expect(refused.error?.message).toMatch(/__gc metamethods are not allowed/);
    expect((await engines.runScript(request('setmetatable({}, { __gc = true })'))).error?.code).toBe('RUNTIME_ERROR');
    const later =
      'for i = 1, 100 do local mt = {} setmetatable({}, mt) mt.__gc = function() while true do end end end return 1';
    expect((await engines.runScript(request(later))).ok).toBe(true);
    // Enough garbage for full collections in the same engine: a finalizer would loop now.
    const churn = await engines.runScript(
      request('local t = {} for i = 1, 3e5 do t[i % 1000 + 1] = { i } end return #t', {
        limits: { timeoutMs: 30_000 },
      }),
    );
    expect(churn.value).toBe(1000);
    expect(engines.stats().restarts).toBe(0);
  });
});
