import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox';
import { scriptRequest, type RequestOptions } from './testing';

// Adversarial: a script must not reach the OS, load bytecode, change what later runs see, reach
// host objects or pollute the host's prototypes. The sandbox keeps one idle engine, so every run
// here reuses the engine of the run before it: state carried over would show.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ services: { matches: () => false }, maxIdleEngines: 1 });
});
afterAll(() => sandbox.close());

const run = (source: string, options?: RequestOptions) => sandbox.run(scriptRequest(source, options));
const valueOf = async (source: string, options?: RequestOptions) => {
  const outcome = await run(source, options);
  expect(outcome.error).toBeUndefined();
  return outcome.value;
};

describe('globals are exactly those docs/engine.md lists', () => {
  test('nothing else is visible', async () => {
    const names = await valueOf(
      'local names = {} for k in pairs(_ENV) do names[#names + 1] = k end table.sort(names) return names',
    );
    expect(names).toEqual([
      '_VERSION',
      'assert',
      'coroutine',
      'ctx',
      'error',
      'event',
      'getmetatable',
      'helpers',
      'ipairs',
      'math',
      'next',
      'pairs',
      'pcall',
      'print',
      'select',
      'setmetatable',
      'string',
      'table',
      'tonumber',
      'tostring',
      'type',
      'utf8',
      'xpcall',
    ]);
    expect(await valueOf('local n = {} for k in pairs(helpers) do n[#n + 1] = k end table.sort(n) return n')).toEqual([
      'env',
      'fetch',
      'hash',
      'log',
      'matches',
      'now',
      'secret',
    ]);
  });
});

describe('OS, IO and packages', () => {
  const absent = [
    'os',
    'io',
    'package',
    'require',
    'dofile',
    'loadfile',
    'loadstring',
    'debug',
    'collectgarbage',
    'module',
    'setfenv',
    'getfenv',
    'unpack',
    'bit32',
    'jit',
    'ffi',
    'js',
    'global',
    'globalThis',
    'process',
    'Promise',
    'null',
    // Lua 5.4 has these, scripts do not get them (docs/engine.md, "Sandbox", gives each reason).
    'load',
    'rawget',
    'rawset',
    'rawequal',
    'rawlen',
    '_G',
    'warn',
  ];
  test.each(absent)('%s is not defined', async (name) => {
    expect(await valueOf(`return ${name} == nil`)).toBe(true);
  });

  test('calling them is a RUNTIME_ERROR, not an escape', async () => {
    const outcome = await run('\nos.execute("touch /tmp/pwned")');
    expect(outcome.error).toMatchObject({ code: 'RUNTIME_ERROR', line: 2 });
    expect(outcome.error?.message).toContain("global 'os'");
    expect((await run('return io.open("/etc/passwd"):read("a")')).error?.code).toBe('RUNTIME_ERROR');
    expect((await run('return require("os")')).error?.code).toBe('RUNTIME_ERROR');
  });

  test('the process environment is not reachable through helpers.env', async () => {
    expect(await valueOf('return helpers.env("HOME") == nil and helpers.env("PATH") == nil')).toBe(true);
  });
});

describe('Lua 5.4 globals that docs/engine.md removes', () => {
  const removed = ['load', 'rawget', 'rawset', 'rawequal', 'rawlen', '_G', 'warn'];
  test.each(removed)(
    '%s is nil in a script, calling it is a RUNTIME_ERROR, and a run cannot leave it',
    async (name) => {
      expect(
        await valueOf(
          `local listed = false for k in pairs(_ENV) do if k == "${name}" then listed = true end end return { type(${name}), listed }`,
        ),
      ).toEqual(['nil', false]);
      const outcome = await run(`\n${name}("return 1")`);
      expect(outcome.error).toMatchObject({ code: 'RUNTIME_ERROR', line: 2 });
      expect(outcome.error?.message).toContain(`attempt to call a nil value (global '${name}')`);
      expect(await valueOf(`${name} = print return type(${name})`)).toBe('function');
      expect(await valueOf(`return ${name} == nil`)).toBe(true);
    },
  );
});

describe('bytecode', () => {
  test('string.dump does not exist', async () => {
    expect(
      await valueOf('return string.dump == nil and ("").dump == nil and getmetatable("").__index.dump == nil'),
    ).toBe(true);
  });

  test('a binary chunk as the source is a SYNTAX_ERROR, never executed', async () => {
    const binary =
      '\u001bLuaT\u0000\u0019\u0093\r\n\u001a\n\u0004\u0008\u0008xV\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000(w@';
    expect((await run(binary)).error?.code).toBe('SYNTAX_ERROR');
    expect(await valueOf('return 1')).toBe(1);
  });
});

describe('metatables', () => {
  test('getmetatable and setmetatable work on tables', async () => {
    expect(
      await valueOf(
        'local mt = { __index = function(_, k) return k .. "!" end } local t = setmetatable({}, mt) return { t.hi, getmetatable(t) == mt }',
      ),
    ).toEqual(['hi!', true]);
  });

  test('getmetatable("") is a read-only stand-in: the string metatable cannot be reached or changed', async () => {
    expect(
      await valueOf(`
        local shown = getmetatable("")
        return { type(shown), shown == getmetatable("x"), next(shown) == nil, shown.__index.upper("a"),
          shown.__index == string, getmetatable(shown) == false, getmetatable(shown.__index) == false }`),
    ).toEqual(['table', true, true, 'A', false, true, true]);
    const attempts = [
      'setmetatable("", {})',
      'local s = "x" s.upper = function() return "pwned" end',
      'getmetatable("").__index = { upper = function() return "pwned" end }',
      'getmetatable("").__index.upper = function() return "pwned" end',
      'getmetatable("").__index.trim = function() return "pwned" end',
      'setmetatable(getmetatable(""), { __index = { __index = { upper = function() return "pwned" end } } })',
      'setmetatable(getmetatable("").__index, { __index = { upper = function() return "pwned" end } })',
      'table.insert(getmetatable("").__index, "pwned")',
      'table.move({ "pwned" }, 1, 1, 1, getmetatable("").__index)',
    ];
    for (const source of attempts) {
      const outcome = await run(source);
      expect(outcome.error?.code, source).toBe('RUNTIME_ERROR');
      expect(outcome.error?.message, source).not.toMatch(/sandbox/);
    }
    expect(
      await valueOf(
        'return { ("a"):upper(), ("a").trim == nil, next(getmetatable("")) == nil, next(getmetatable("").__index) == nil }',
      ),
    ).toEqual(['A', true, true, true]);
  });

  test('replacing string functions does not change string methods, in this run or the next', async () => {
    expect(
      await valueOf(
        'string.upper = function() return "pwned" end string.rep = nil return { ("a"):upper(), string.rep == nil }',
      ),
    ).toEqual(['A', true]);
    expect(await valueOf('return { ("a"):upper(), string.upper("b"), type(string.rep) }')).toEqual([
      'A',
      'B',
      'function',
    ]);
  });

  // __gc is refused by setmetatable; finalizers would run with hooks off, so the cases that
  // would hang on a regression are in pool-watchdog.test.ts.
  test('__gc metamethods are refused', async () => {
    expect((await run('setmetatable({}, { __gc = print })')).error?.message).toMatch(
      /__gc metamethods are not allowed/,
    );
  });
});

describe('state carried between runs', () => {
  test('globals set by one run are gone in the next', async () => {
    await valueOf('leaked = "yes" _ENV.other = 1 return true');
    expect(await valueOf('return { leaked == nil, other == nil }')).toEqual([true, true]);
  });

  test("a script's assignment to _ENV does not carry into the next run of the same compiled chunk", async () => {
    const source =
      'local before = type(print) local f = function() return x end _ENV = { x = 7 } return { before, f() }';
    expect(await valueOf(source)).toEqual(['function', 7]);
    expect(await valueOf(source)).toEqual(['function', 7]);
    expect(await valueOf('return type(print)')).toBe('function');
  });

  test('library tables are fresh in every run', async () => {
    await valueOf(`
      table.insert = function() error("pwned") end
      math.floor = nil
      coroutine.wrap = nil
      utf8.char = nil
      pairs = nil
      helpers.log = nil
      return true`);
    expect(
      await valueOf(
        'local t = {} table.insert(t, 1) return { #t, math.floor(1.5), type(coroutine.wrap), type(utf8.char), type(pairs), type(helpers.log) }',
      ),
    ).toEqual([1, 1, 'function', 'function', 'function', 'function']);
  });

  test('a suspended coroutine of an earlier run cannot run again', async () => {
    const first = await run(
      'local co = coroutine.create(function() while true do coroutine.yield() end end) coroutine.resume(co) return tostring(co)',
    );
    expect(first.ok).toBe(true);
    expect(await valueOf('return 2')).toBe(2);
  });

  test("math.randomseed in one run does not fix the next run's numbers", async () => {
    const seeded = await valueOf('math.randomseed(42) return { math.random(1, 1e9), math.random(1, 1e9) }');
    const next = await valueOf('return { math.random(1, 1e9), math.random(1, 1e9) }');
    expect(next).not.toEqual(seeded);
  });
});

describe('host objects', () => {
  test('event, ctx and helpers are plain Lua values without host proxies', async () => {
    expect(
      await valueOf(
        'return { type(event), getmetatable(event) == nil, type(helpers.log), type(ctx.results), getmetatable(helpers) == nil }',
      ),
    ).toEqual(['table', true, 'function', 'table', true]);
  });

  test("coroutine.running does not show the host's thread as a way out", async () => {
    expect(
      await valueOf(
        'local co, main = coroutine.running() return { main, coroutine.isyieldable(), coroutine.status(co) }',
      ),
    ).toEqual([true, false, 'running']);
    expect((await run('coroutine.yield(1)')).error?.message).toMatch(/attempt to yield from outside a coroutine/);
  });
});

describe('prototype pollution', () => {
  test('an event with __proto__, constructor and prototype keys reaches the script without them', async () => {
    const event = JSON.parse(
      '{"user":{"email":"a@b.c","__proto__":{"isAdmin":true}},"constructor":{"prototype":{"x":1}},"prototype":1}',
    ) as never;
    expect(
      await valueOf(
        'return { event.user.__proto__ == nil, event.constructor == nil, event.prototype == nil, event.user.isAdmin == nil }',
        { event },
      ),
    ).toEqual([true, true, true, true]);
  });

  test('a returned __proto__ never becomes a prototype, and nothing is polluted', async () => {
    const value = await valueOf(`return {
      __proto__ = { isAdmin = true }, constructor = { prototype = { polluted = true } }, prototype = 1,
      nested = { __proto__ = { isAdmin = true }, ok = 1 }, list = { { __proto__ = { polluted = true } } },
    }`);
    expect(value).toEqual({ nested: { ok: 1 }, list: [{}] });
    const result = value as Record<string, unknown> & { nested: Record<string, unknown> };
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.isAdmin).toBeUndefined();
    expect(result.nested.isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  test('writing __proto__ through the event changes nothing on the host', async () => {
    await valueOf('event.__proto__ = { polluted = true } event.user.__proto__ = { polluted = true } return event');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
