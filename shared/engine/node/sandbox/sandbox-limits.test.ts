import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox';
import { scriptRequest, type RequestOptions } from './testing';
import type { ScriptLimits } from '../../types';

// Adversarial: limits hold whatever the script does (hooks.md). Every case is followed by a
// normal run on the same engine (one idle engine is kept), which must still work.
// Runaways inside a single C call (a string pattern) cannot be stopped here; see pool-watchdog.test.ts.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ services: { matches: () => false }, maxIdleEngines: 1 });
});
afterAll(() => sandbox.close());

const small: Partial<ScriptLimits> = { timeoutMs: 2_000, instructionBudget: 2_000_000, memoryBytes: 8 * 1024 * 1024 };
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
        limits: { instructionBudget: 1e9, timeoutMs: 5000, memoryBytes: 32 * 1024 * 1024 },
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
