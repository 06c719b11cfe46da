import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox';
import { scriptRequest, type RequestOptions } from './testing';

// The contract of one script run (docs/engine.md, "Sandbox" and "Helpers"): values in and out,
// logs, helpers, errors.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({
    services: {
      matches: (text, pattern) => {
        if (pattern === '(') throw new Error('bad pattern: missing )');
        return new RegExp(pattern).test(text);
      },
    },
  });
});
afterAll(() => sandbox.close());

const run = (source: string, options?: RequestOptions) => sandbox.run(scriptRequest(source, options));

describe('values in and out', () => {
  test('the script sees its event, ctx and env, and returns plain data', async () => {
    const outcome = await run(`
      return {
        email = event.user.email, verified = event.user.emailVerified, hook = ctx.hook,
        region = helpers.env("REGION"), missing = helpers.env("NOPE"), ctxRegion = ctx.env.REGION,
        roles = event.user.roles, tags = event.user.tags, n = 1.5, i = 42, big = 2^53, neg = -0.25,
      }`);
    expect(outcome.error).toBeUndefined();
    expect(outcome.value).toEqual({
      email: 'ada@example.com',
      verified: true,
      hook: 'signup.before',
      region: 'eu',
      ctxRegion: 'eu',
      roles: ['admin'],
      tags: [],
      n: 1.5,
      i: 42,
      big: 2 ** 53,
      neg: -0.25,
    });
  });

  test('nil, true and strings come back as JSON values; nil is null', async () => {
    expect((await run('return nil')).value).toBeNull();
    expect((await run('')).value).toBeNull();
    expect((await run('return true')).value).toBe(true);
    expect((await run('return "a\\0b\\n\\"é"')).value).toBe('a\u0000b\n"é');
    expect((await run('return { "a", nil, "c" }')).value).toEqual(['a', null, 'c']);
    expect((await run('return { [1] = "x", [2] = "y", k = 1 }')).value).toEqual({ '1': 'x', '2': 'y', k: 1 });
  });

  test('strings with escapes and non-ASCII text round-trip', async () => {
    const name = 'Zoë "Q" \\ \u2028 \u{1F600} \t tab';
    const outcome = await run('return event.user.name', { event: { user: { name } } });
    expect(outcome.value).toBe(name);
  });

  test('a shared (non-cyclic) table may appear twice', async () => {
    expect((await run('local t = { 1 } return { a = t, b = t }')).value).toEqual({ a: [1], b: [1] });
  });

  test('each run gets its own copy of the event', async () => {
    const request = scriptRequest('event.user.email = "evil@example.com" return event.user.email');
    expect((await sandbox.run(request)).value).toBe('evil@example.com');
    expect(request.event).toMatchObject({ user: { email: 'ada@example.com' } });
  });
});

describe('invalid results', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a function', 'return { f = print }', /result\.f is a function/],
    ['a coroutine', 'return { co = coroutine.create(print) }', /result\.co is a thread/],
    ['a cycle', 'local t = {} t.self = t return t', /result\.self refers back/],
    ['NaN', 'return { x = 0/0 }', /result\.x is not a finite number/],
    ['infinity', 'return { x = math.huge }', /not a finite number/],
    ['-infinity', 'return { list = { 1, -math.huge } }', /result\.list\[2\] is not a finite number/],
    ['a boolean key', 'return { [true] = 1 }', /key that is not a string/],
    ['a table key', 'return { [{}] = 1 }', /key that is not a string/],
    [
      'deep nesting',
      'local t = {} local c = t for i = 1, 40 do c.x = {} c = c.x end return t',
      /nested deeper than 32/,
    ],
    ['a huge value', 'return string.rep("x", 2 * 1024 * 1024)', /larger than 1048576 bytes/],
  ];
  test.each(cases)('%s is INVALID_RESULT', async (_name, source, message) => {
    const outcome = await run(source);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('INVALID_RESULT');
    expect(outcome.error?.message).toMatch(message);
  });

  test('a metatable does not make a value invalid, and its metamethods do not run', async () => {
    const outcome = await run(`
      local t = setmetatable({ a = 1 }, { __pairs = function() error("ran") end, __index = function() error("ran") end })
      return t`);
    expect(outcome.value).toEqual({ a: 1 });
  });
});

describe('errors', () => {
  test('SYNTAX_ERROR with the line', async () => {
    const outcome = await run('local a = 1\nlocal b = = 2\n');
    expect(outcome.error).toMatchObject({ code: 'SYNTAX_ERROR', line: 2 });
    expect(outcome.error?.message).toContain("unexpected symbol near '='");
  });

  test("a syntax error's message is Lua's own for the script's text, on its first line too", async () => {
    expect((await run('x = = 1')).error).toEqual({
      code: 'SYNTAX_ERROR',
      line: 1,
      message: "script:1: unexpected symbol near '='",
    });
    // The text is compiled as it is: it cannot close a function of the sandbox's and open another.
    expect((await run('end, function(...)')).error).toMatchObject({ code: 'SYNTAX_ERROR', line: 1 });
  });

  test('RUNTIME_ERROR with the line of a raised error, a bad index and a non-string error', async () => {
    expect((await run('local x = 1\n\nerror("boom")')).error).toMatchObject({
      code: 'RUNTIME_ERROR',
      line: 3,
      message: 'script:3: boom',
    });
    expect((await run('local t = nil\nreturn t.x')).error).toMatchObject({ code: 'RUNTIME_ERROR', line: 2 });
    expect((await run('\n\nerror({ code = "E1", message = "custom" })')).error).toMatchObject({
      line: 3,
      message: 'custom',
    });
    expect((await run('\nerror("no position", 0)')).error).toMatchObject({ line: 2, message: 'no position' });
    expect((await run('error(42)')).error).toMatchObject({ code: 'RUNTIME_ERROR', message: '42' });
  });

  test("bad arguments to the sandbox's wrapped functions blame the script, not the sandbox", async () => {
    const cases = [
      'local f = coroutine.wrap(1)',
      'local ok = coroutine.resume("x")',
      'local ok = coroutine.close(coroutine.running())',
      'local t = setmetatable({}, { __metatable = "locked" })\nlocal u = setmetatable(t, {})',
      'local s = tostring(setmetatable({}, { __tostring = function() return {} end }))',
      'local y = coroutine.isyieldable(1)',
      'local ok = xpcall(print, 1)',
    ];
    for (const source of cases) {
      const outcome = await run(`\n${source}\nreturn 1`);
      expect(outcome.error?.code).toBe('RUNTIME_ERROR');
      expect(outcome.error?.message).not.toMatch(/sandbox/);
      expect(outcome.error?.line).toBeGreaterThanOrEqual(2);
    }
  });

  test('an error object is never converted with its __tostring', async () => {
    const erroring = await run('error(setmetatable({}, { __tostring = function() error("again") end }))');
    expect(erroring.error).toMatchObject({ code: 'RUNTIME_ERROR', message: '(error object is a table value)' });
    expect((await run('return 1')).value).toBe(1);
  });

  test('SCRIPT_TOO_LARGE over the source limit, counted in bytes', async () => {
    const source = `return "${'é'.repeat(2600)}"`;
    expect((await run(source)).error?.code).toBe('SCRIPT_TOO_LARGE');
    expect((await run(`return "${'a'.repeat(5000)}"`)).ok).toBe(true);
  });

  test('INVALID_EVENT when the event is not bounded plain data', async () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 40; i++) deep = (deep.x = {}) as Record<string, unknown>;
    const outcome = await run('return 1', { event: root as never });
    expect(outcome.error).toMatchObject({ code: 'INVALID_EVENT' });
    expect((await run('return 1', { event: { n: Number.NaN } })).error?.code).toBe('INVALID_EVENT');
  });
});

describe('logs', () => {
  test('print and helpers.log with levels, in order, with times', async () => {
    const outcome = await run(
      'print("a", 1, nil, true) helpers.log("warn", "w", 2) helpers.log("error") helpers.log("debug", {} ~= nil) helpers.log() print()',
    );
    expect(outcome.logs.map(({ level, message }) => [level, message])).toEqual([
      ['info', 'a\t1\tnil\ttrue'],
      ['warn', 'w 2'],
      ['info', 'error'],
      ['debug', 'true'],
      ['info', ''],
      ['info', ''],
    ]);
    expect(outcome.logs.every((entry) => entry.t >= 0)).toBe(true);
  });

  test('entries over the count cap are dropped and counted', async () => {
    const outcome = await run('for i = 1, 5000 do print("line", i) end return "done"', {
      limits: { maxLogEntries: 10 },
    });
    expect(outcome.value).toBe('done');
    expect(outcome.logs).toHaveLength(10);
    expect(outcome.logsDropped?.entries).toBe(4990);
  });

  test('bytes over the byte cap are dropped and counted; a long entry is truncated', async () => {
    const outcome = await run('print(string.rep("a", 3000)) print("more")', { limits: { maxLogBytes: 1000 } });
    expect(outcome.logs).toHaveLength(1);
    expect(outcome.logs[0]?.message).toMatch(/^a{1000} \[truncated\]$/);
    expect(outcome.logsDropped).toEqual({ entries: 1, bytes: 2004 });
  });
});

describe('helpers', () => {
  test('hash: sha256, sha1 and md5 in hex, over the exact bytes', async () => {
    const outcome = await run(
      'return { helpers.hash("sha256", "abc"), helpers.hash("sha1", "abc"), helpers.hash("md5", "a\\0b") }',
    );
    const hex = (algorithm: string, data: string | Buffer) => createHash(algorithm).update(data).digest('hex');
    expect(outcome.value).toEqual([hex('sha256', 'abc'), hex('sha1', 'abc'), hex('md5', Buffer.from([97, 0, 98]))]);
    expect((await run('return helpers.hash("sha512", "x")')).error?.message).toMatch(/unsupported algorithm "sha512"/);
  });

  test('now: milliseconds since the epoch, an integer', async () => {
    const before = Date.now();
    const outcome = await run('return { now = helpers.now(), int = math.type(helpers.now()) }');
    expect(outcome.value).toMatchObject({ int: 'integer' });
    expect((outcome.value as { now: number }).now).toBeGreaterThanOrEqual(before);
  });

  test('env reads the pipeline env only, not ctx changes and not the process', async () => {
    process.env.PIPELINE_STUDIO_TEST_SECRET = 'from-process';
    const outcome = await run(`
      ctx.env.REGION = "changed"
      return { region = helpers.env("REGION"), fromProcess = helpers.env("PIPELINE_STUDIO_TEST_SECRET") or false, path = helpers.env("PATH") or false }`);
    expect(outcome.value).toEqual({ region: 'eu', fromProcess: false, path: false });
  });

  test('matches calls the host matcher; a bad pattern is a runtime error', async () => {
    expect((await run('return { helpers.matches("abc", "^a"), helpers.matches("abc", "^b") }')).value).toEqual([
      true,
      false,
    ]);
    const bad = await run('\nlocal found = helpers.matches("abc", "(")\nreturn found');
    expect(bad.error).toMatchObject({ code: 'RUNTIME_ERROR', line: 2 });
    expect(bad.error?.message).toBe('script:2: helpers.matches: bad pattern: missing )');
    // A tail call leaves no script frame to blame; the message still names no sandbox internals.
    const tail = await run('return helpers.matches("abc", "(")');
    expect(tail.error?.message).toBe('helpers.matches: bad pattern: missing )');
  });

  test('helpers check their arguments', async () => {
    expect((await run('helpers.hash({}, "x")')).error?.message).toMatch(/bad argument #1 to 'hash'/);
    expect((await run('helpers.fetch(1)')).error?.message).toMatch(/bad argument #1 to 'fetch'/);
  });
});
