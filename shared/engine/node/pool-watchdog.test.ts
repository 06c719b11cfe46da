import { afterEach, describe, expect, test } from 'vitest';
import { defaultLimits } from '../limits';
import type { ExecutionPlan, ScriptUnit, SecretProvider } from '../types';
import { createEnginePool, type EnginePool, type EnginePoolOptions } from './pool';
import { sampleEvent, scriptRequest } from './sandbox/testing';

// Adversarial: runaways inside a single C function never return to Lua, so no hook can stop them
// (notes/wasmoon.md, pitfall 4). The pool's watchdog must: it replaces the worker, the stuck run
// gets TIMEOUT, other runs in that worker are retried once, and the pool keeps serving.
// The only timing asserted is a generous bound proving that a hang was stopped.

const pools: EnginePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});
function pool(options: EnginePoolOptions = {}): EnginePool {
  const created = createEnginePool({ workers: 1, ...options });
  pools.push(created);
  return created;
}

const stuckInC: Array<[string, string]> = [
  ['a string pattern', "return ('a'):rep(3e4):find('.-b')"],
  ['string.rep of an empty string', 'return #string.rep("", 1e13)'],
  ['table.move over a huge range', 'return table.move({}, 1, 1e13, 2)'],
  ['gsub with a pattern that backtracks', "return (('a'):rep(2e4) .. 'c'):gsub('a-a-a-a-b', 'x')"],
  // RE2 is linear, but a large counted repetition on 64 KB still takes seconds (helpers/matches.ts).
  ['helpers.matches with a costly RE2 program', 'return helpers.matches(string.rep("ab", 32768), "[ab]*a[ab]{999}c")'],
];

/** A provider that never answers until released: keeps a run in flight inside the worker. */
function heldSecrets() {
  const asked: string[] = [];
  const provider: SecretProvider = {
    async get(name) {
      asked.push(name);
      await new Promise((resolve) => setTimeout(resolve, 400));
      return `value-of-${name}`;
    },
  };
  return { provider, asked };
}

describe('a script stuck inside a C function', () => {
  test.each(stuckInC)('%s is stopped with TIMEOUT and the pool serves on', async (_name, source) => {
    const engines = pool();
    const started = Date.now();
    const outcome = await engines.runScript(
      scriptRequest(source, { limits: { timeoutMs: 200, instructionBudget: 1e12 } }),
    );
    expect(outcome.error?.code).toBe('TIMEOUT');
    expect(outcome.error?.message).toMatch(/ran longer than 200 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(engines.stats()).toMatchObject({ restarts: 1, workers: 1 });
    expect((await engines.runScript(scriptRequest('return "still serving"'))).value).toBe('still serving');
  });

  test('runs in other workers are not disturbed', async () => {
    const engines = pool({ workers: 2 });
    const [stuck, ...others] = await Promise.all([
      engines.runScript(scriptRequest(stuckInC[0]![1], { limits: { timeoutMs: 200 } })),
      ...Array.from({ length: 20 }, (_, i) => engines.runScript(scriptRequest(`return ${i}`))),
    ]);
    expect(stuck?.error?.code).toBe('TIMEOUT');
    expect(others.map((outcome) => outcome.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('runs that shared the stuck worker', () => {
  test('are retried once on a fresh worker and succeed', async () => {
    const secrets = heldSecrets();
    const engines = pool({ secrets: secrets.provider });
    const innocent = engines.runScript(
      scriptRequest('print("start") return helpers.secret("TOKEN") == "value-of-TOKEN"', {
        secretNames: ['TOKEN'],
        limits: { timeoutMs: 5000 },
      }),
    );
    await expect.poll(() => secrets.asked.length, { timeout: 10_000 }).toBe(1);
    const stuck = await engines.runScript(scriptRequest(stuckInC[0]![1], { limits: { timeoutMs: 200 } }));
    expect(stuck.error?.code).toBe('TIMEOUT');
    const retried = await innocent;
    expect(retried).toMatchObject({ ok: true, value: true });
    expect(retried.logs.map((entry) => entry.message)).toEqual(['start']);
    expect(secrets.asked).toEqual(['TOKEN', 'TOKEN']);
    expect(engines.stats().restarts).toBe(1);
  });

  test('a run caught in two restarts fails instead of retrying forever', async () => {
    const secrets = heldSecrets();
    const engines = pool({ secrets: secrets.provider });
    const innocent = engines.runScript(
      scriptRequest('return helpers.secret("TOKEN")', { secretNames: ['TOKEN'], limits: { timeoutMs: 10_000 } }),
    );
    await expect.poll(() => secrets.asked.length, { timeout: 10_000 }).toBe(1);
    await engines.runScript(scriptRequest(stuckInC[0]![1], { limits: { timeoutMs: 100 } }));
    await expect.poll(() => secrets.asked.length, { timeout: 10_000 }).toBe(2);
    await engines.runScript(scriptRequest(stuckInC[0]![1], { limits: { timeoutMs: 100 } }));
    const outcome = await innocent;
    expect(outcome.error).toMatchObject({
      code: 'RUNTIME_ERROR',
      message: 'the engine worker stopped twice while this run was in it',
    });
    expect(engines.stats().restarts).toBe(2);
    expect((await engines.runScript(scriptRequest('return 1'))).value).toBe(1);
  });
});

describe('pipelines', () => {
  const unit = (id: string, source: string, extra: Partial<ScriptUnit> = {}): ScriptUnit => ({
    id,
    source,
    contentHash: id,
    ...extra,
  });
  const plan = (layers: ScriptUnit[][]): ExecutionPlan => ({
    key: 'watchdog:signup.before',
    hook: 'signup.before',
    mode: 'blocking',
    layers,
    env: {},
    secretNames: [],
    limits: { ...defaultLimits, timeoutMs: 200 },
  });

  test("the stuck script settles as TIMEOUT and the pipeline's rules apply to it", async () => {
    const engines = pool();
    const run = await engines.runPipeline(
      plan([
        [unit('fine', 'return true'), unit('stuck', stuckInC[0]![1], { onError: 'allow' })],
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
    expect(engines.stats().restarts).toBe(1);
  });

  test('with onError deny, the stuck script denies', async () => {
    const engines = pool();
    const run = await engines.runPipeline(
      plan([[unit('stuck', stuckInC[1]![1])], [unit('never', 'return true')]]),
      sampleEvent,
    );
    expect(run.result).toMatchObject({ allow: false, error: { code: 'TIMEOUT', scriptId: 'stuck' } });
    expect(run.result.scripts.map((outcome) => outcome.scriptId)).toEqual(['stuck']);
  });
});

// These loops would run with hooks off if the sandbox regressed (notes/wasmoon.md, pitfall 3):
// the hook could not stop them, and in the calling thread they would hang the test. Here the
// watchdog would stop them instead, with TIMEOUT and a restart, so a regression fails cleanly.
describe('loops no hook could stop, were the sandbox to regress', () => {
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
    const outcome = await engines.runScript(
      scriptRequest(source, { limits: { instructionBudget: 1_000_000, timeoutMs: 2000 } }),
    );
    expect(outcome.error?.code).toBe('INSTRUCTION_LIMIT');
    expect(engines.stats().restarts).toBe(0);
  });

  test('an error object whose __tostring loops is never converted', async () => {
    const engines = pool();
    const outcome = await engines.runScript(
      scriptRequest('error(setmetatable({}, { __tostring = function() while true do end end }))'),
    );
    expect(outcome.error).toMatchObject({ code: 'RUNTIME_ERROR', message: '(error object is a table value)' });
    expect(engines.stats().restarts).toBe(0);
  });

  test('finalizers never run: __gc is refused, and a __gc added later does not mark the table', async () => {
    const engines = pool();
    const refused = await engines.runScript(
      scriptRequest('setmetatable({}, { __gc = function() while true do end end })'),
    );
    expect(refused.error?.message).toMatch(/__gc metamethods are not allowed/);
    expect((await engines.runScript(scriptRequest('setmetatable({}, { __gc = true })'))).error?.code).toBe(
      'RUNTIME_ERROR',
    );
    const later =
      'for i = 1, 100 do local mt = {} setmetatable({}, mt) mt.__gc = function() while true do end end end return 1';
    expect((await engines.runScript(scriptRequest(later))).ok).toBe(true);
    // Enough garbage for full collections in the same engine: a finalizer would loop now.
    const churn = await engines.runScript(
      scriptRequest('local t = {} for i = 1, 3e5 do t[i % 1000 + 1] = { i } end return #t', {
        limits: { timeoutMs: 3000 },
      }),
    );
    expect(churn.value).toBe(1000);
    expect(engines.stats().restarts).toBe(0);
  });
});
