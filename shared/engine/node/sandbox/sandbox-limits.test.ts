import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox';
import { ScriptRun } from './script-run';
import { scriptRequest, type RequestOptions } from './testing';
import type { ScriptLimits } from '../../types';

// Adversarial: limits hold whatever the script does (docs/engine.md, "Sandbox"). Every case is
// followed by a normal run on the same engine (one idle engine is kept), which must still work.
// Runaways inside a single C call (a string pattern) cannot be stopped here; see pool-watchdog.test.ts.
// No test here depends on the machine's speed: time limits are either far away or passed for sure
// (a helper that returns only once the clock is past the deadline).

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ services: { matches: () => false }, maxIdleEngines: 1 });
});
afterAll(() => sandbox.close());

// The instruction budget, never the clock, must end the runaways here: the deadline is far away.
const small: Partial<ScriptLimits> = { timeoutMs: 60_000, instructionBudget: 2_000_000, memoryBytes: 8 * 1024 * 1024 };
const run = (source: string, options: RequestOptions = {}) =>
  sandbox.run(scriptRequest(source, { ...options, limits: { ...small, ...options.limits } }));

async function expectCode(source: string, codes: string[], options?: RequestOptions) {
  const outcome = await run(source, options);
  expect(outcome.ok).toBe(false);
  expect(codes).toContain(outcome.error?.code);
  // The engine that ran it serves the next run normally.
  const after = await run('return { ok = true, n = #event.user.roles }');
  expect(after.value).toEqual({ ok: true, n: 1 });
  return outcome;
}

describe('runaway loops', () => {
  test('a plain loop hits the instruction budget', async () => {
    const outcome = await expectCode('local x = 0 while true do x = x + 1 end', ['INSTRUCTION_LIMIT']);
    expect(outcome.instructions).toBeGreaterThan(2_000_000);
  });

  test('the budget is deterministic: the same script uses the same instructions', async () => {
    const source = 'local x = 0 for i = 1, 300000 do x = x + i end return x';
    const [a, b] = [await run(source), await run(source)];
    expect(a.ok).toBe(true);
    expect(a.instructions).toBe(b.instructions);
    expect(a.instructions).toBeGreaterThan(0);
  });

  test('the wall-clock deadline stops a loop with a large budget', async () => {
    // An endless loop: it outlives any deadline on any machine.
    await expectCode('while true do end', ['TIMEOUT'], { limits: { timeoutMs: 150, instructionBudget: 1e12 } });
  });

  test('pcall around the loop does not swallow the limit (sticky hook)', async () => {
    await expectCode('while true do pcall(function() while true do end end) end', ['INSTRUCTION_LIMIT']);
    await expectCode('for i = 1, 1e9 do pcall(error, "x") end', ['INSTRUCTION_LIMIT'], {
      limits: { instructionBudget: 100_000 },
    });
    await expectCode('local ok, e = pcall(function() while true do end end) return { caught = e }', [
      'INSTRUCTION_LIMIT',
    ]);
  });

  test('coroutines inherit the hook', async () => {
    await expectCode('local co = coroutine.wrap(function() while true do end end) co()', ['INSTRUCTION_LIMIT']);
    await expectCode(
      `
      local co = coroutine.create(function() while true do coroutine.yield() end end)
      while true do coroutine.resume(co) end`,
      ['INSTRUCTION_LIMIT'],
    );
    await expectCode('while true do pcall(coroutine.wrap(function() while true do end end)) end', [
      'INSTRUCTION_LIMIT',
    ]);
  });

  // Loops that would run with hooks off (an xpcall message handler, __close of a coroutine a
  // limit killed) are in pool-watchdog.test.ts: a regression there would hang this thread.
  test('xpcall calls its handler with the error, as ordinary code', async () => {
    expect((await run('return { xpcall(error, function(e) return "handled " .. e end, "x", 0) }')).value).toEqual([
      false,
      'handled x',
    ]);
    expect((await run('return { xpcall(function(a) return a + 1 end, print, 41) }')).value).toEqual([true, 42]);
  });

  test('a looping __tostring or __index is metered', async () => {
    await expectCode('return tostring(setmetatable({}, { __tostring = function() while true do end end }))', [
      'INSTRUCTION_LIMIT',
    ]);
    await expectCode('print(setmetatable({}, { __tostring = function() while true do end end }))', [
      'INSTRUCTION_LIMIT',
    ]);
    await expectCode('local t = setmetatable({}, { __index = function(t, k) return t[k] end }) return t.x', [
      'RUNTIME_ERROR',
    ]);
    await expectCode('table.sort({ 3, 2, 1, 5, 4 }, function(a, b) while true do end end)', ['INSTRUCTION_LIMIT']);
    await expectCode('string.gsub("aaa", "a", function() while true do end end)', ['INSTRUCTION_LIMIT']);
  });
});

describe('memory bombs', () => {
  test('string.rep beyond the cap', async () => {
    await expectCode('return #string.rep("x", 1e9)', ['MEMORY_LIMIT']);
  });

  test('pcall cannot hide a memory overrun', async () => {
    await expectCode('local ok, e = pcall(string.rep, "x", 1e9) return { ok = ok, e = e }', ['MEMORY_LIMIT']);
  });

  test('doubling a string, growing a table', async () => {
    await expectCode('local s = "x" while true do s = s .. s end', ['MEMORY_LIMIT']);
    await expectCode('local t = {} for i = 1, 1e8 do t[i] = i end', ['MEMORY_LIMIT']);
    await expectCode('local t = {} for i = 1, 1e8 do t[i] = { i, tostring(i) } end', ['MEMORY_LIMIT']);
  });

  test('the peak is reported, and garbage of a big run does not count against the next', async () => {
    const big = await run('local t = {} for i = 1, 1e5 do t[i] = tostring(i) .. "-padding" end return #t', {
      limits: { memoryBytes: 32 * 1024 * 1024 },
    });
    expect(big.value).toBe(100_000);
    expect(big.memoryPeakBytes).toBeGreaterThan(2_000_000);
    const next = await run('local t = {} for i = 1, 5e4 do t[i] = tostring(i) end return #t', {
      limits: { memoryBytes: 4 * 1024 * 1024 },
    });
    expect(next.value).toBe(50_000);
  });
});

describe('deep recursion', () => {
  test('Lua recursion ends in a stack overflow or the memory cap', async () => {
    const outcome = await expectCode(
      'local function f(n) return 1 + f(n + 1) end return f(1)',
      ['RUNTIME_ERROR', 'MEMORY_LIMIT'],
      {
        limits: { instructionBudget: 1e9, memoryBytes: 32 * 1024 * 1024 },
      },
    );
    if (outcome.error?.code === 'RUNTIME_ERROR') expect(outcome.error.message).toMatch(/stack overflow/);
  });

  test('recursion through C functions stops at the C stack limit', async () => {
    const outcome = await expectCode('local function f(s) return (string.gsub(s, ".", f)) end return f("ab")', [
      'RUNTIME_ERROR',
    ]);
    expect(outcome.error?.message).toMatch(/stack overflow/);
    await expectCode(
      'local t t = setmetatable({}, { __tostring = function() return tostring(t) end }) return tostring(t)',
      ['RUNTIME_ERROR'],
    );
    await expectCode('local function f() return pcall(f) end local ok, e = f() error(e)', ['RUNTIME_ERROR']);
  });

  test('deeply nested source is a syntax error, not a crash', async () => {
    await expectCode(`return ${'('.repeat(2000)}1${')'.repeat(2000)}`, ['SYNTAX_ERROR']);
  });
});

describe('output floods', () => {
  test('print in an endless loop is capped and metered', async () => {
    const outcome = await expectCode('while true do print("flood", string.rep("x", 100)) end', ['INSTRUCTION_LIMIT']);
    expect(outcome.logs).toHaveLength(100);
    expect(outcome.logsDropped?.entries).toBeGreaterThan(1000);
  });

  test("huge log lines count against the byte cap, not the host's memory", async () => {
    const outcome = await run(
      'local s = string.rep("y", 1e6) for i = 1, 200 do helpers.log("warn", s) end return "done"',
      {
        limits: { memoryBytes: 32 * 1024 * 1024 },
      },
    );
    expect(outcome.value).toBe('done');
    expect(outcome.logs.reduce((sum, entry) => sum + entry.message.length, 0)).toBeLessThan(17 * 1024);
    expect(outcome.logsDropped?.bytes).toBeGreaterThan(199e6);
  });
});

describe('instruction counts', () => {
  // Exact, not in steps of the hook interval (engine.ts): a count difference is the number of
  // instructions the scripts differ by. An empty numeric for loop runs one FORLOOP per iteration.
  const loop = (n: number) => `for i = 1, ${n} do end return 1`;
  const count = async (source: string) => {
    const outcome = await run(source);
    expect(outcome.ok).toBe(true);
    return outcome.instructions;
  };

  test('a tiny script counts more than zero, the same on every run', async () => {
    const counts = [await count('return 1'), await count('return 1'), await count('return 1')];
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThan(1000);
    expect(new Set(counts).size).toBe(1);
  });

  test('two scripts differ by the instructions between them', async () => {
    expect((await count(loop(107))) - (await count(loop(100)))).toBe(7);
    // Across many hook firings.
    expect((await count(loop(12_345))) - (await count(loop(100)))).toBe(12_245);
    // Three constants loaded, FORPREP, one FORLOOP.
    expect((await count(loop(1))) - (await count('return 1'))).toBe(5);
  });

  test("a coroutine's instructions count, whether it is alive at the end or was collected", async () => {
    const wrapped = (n: number) => `coroutine.wrap(function() for i = 1, ${n} do end end)() return 1`;
    expect((await count(wrapped(107))) - (await count(wrapped(100)))).toBe(7);
    const suspended = (n: number) =>
      `local co = coroutine.create(function() for i = 1, ${n} do end coroutine.yield() end)
       coroutine.resume(co) return 1`;
    expect((await count(suspended(1107))) - (await count(suspended(100)))).toBe(1007);
    // Enough coroutines and garbage for the collector to free some of them during the run.
    const many = (n: number) =>
      `for k = 1, 3000 do local t = { k, k, k, k } coroutine.wrap(function() for i = 1, ${n} do end end)() end return 1`;
    expect((await count(many(11))) - (await count(many(10)))).toBe(3000);
  });
});

describe('the deadline is strict', () => {
  // helpers.matches here returns only once `text` milliseconds have passed since it was called:
  // asked for the run's timeout, it surely returns after the deadline, on any machine.
  let held: Sandbox;
  beforeAll(async () => {
    const wait = new Int32Array(new SharedArrayBuffer(4));
    held = await createSandbox({
      services: {
        matches(text) {
          const until = performance.now() + Number(text);
          while (performance.now() <= until) Atomics.wait(wait, 0, 0, 1);
          return true;
        },
      },
      maxIdleEngines: 1,
    });
  });
  afterAll(() => held.close());
  const runHeld = (source: string, timeoutMs: number) =>
    held.run(scriptRequest(source, { limits: { timeoutMs, instructionBudget: 1e12 } }));

  test('a helper that returns after the deadline ends the run as TIMEOUT, not with its result', async () => {
    const outcome = await runHeld('return helpers.matches("40", "x")', 40);
    expect(outcome.error).toEqual({ code: 'TIMEOUT', message: 'the script ran longer than 40 ms' });
    expect(outcome.value).toBeUndefined();
    expect(outcome.durationMs).toBeGreaterThan(40);
  });

  test('pcall cannot swallow it, and the script runs no further', async () => {
    const outcome = await runHeld(
      'local ok = pcall(helpers.matches, "30", "x") print("after", ok) for i = 1, 10 do pcall(print, i) end return ok',
      30,
    );
    expect(outcome.error?.code).toBe('TIMEOUT');
    expect(outcome.logs).toEqual([]);
    expect((await runHeld('return helpers.matches("0", "x")', 60_000)).value).toBe(true);
  });

  test('a run that ends past its deadline is a TIMEOUT whatever it returned', () => {
    const request = scriptRequest('return 1', { limits: { timeoutMs: 0 } });
    const late = new ScriptRun(request, { matches: () => false });
    while (performance.now() <= late.deadline) {
      // Until the clock has moved past the deadline.
    }
    expect(late.finish({ kind: 'value', json: '1' }).error?.code).toBe('TIMEOUT');
    const inTime = new ScriptRun(scriptRequest('return 1', { limits: { timeoutMs: 60_000 } }), {
      matches: () => false,
    });
    expect(inTime.finish({ kind: 'value', json: '1' })).toMatchObject({ ok: true, value: 1 });
  });
});
