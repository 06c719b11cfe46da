import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox';
import type { FetchInit, FetchResponse } from './script-run';
import { scriptRequest, type RequestOptions } from './testing';

// The async helpers: helpers.fetch and helpers.secret run the script as a coroutine that the host
// resumes when the promise settles (docs/engine.md, "Measured facts about wasmoon": awaiting from
// Lua). The services here are stubs; the real guarded fetch is tested in helpers/fetch.test.ts.

const calls: Array<{ url: string; init?: FetchInit }> = [];
const secrets: Record<string, string | undefined> = { API_KEY: 'sk-live-123456', EMPTY: undefined };

async function stubFetch(url: string, init?: FetchInit): Promise<FetchResponse> {
  calls.push({ url, init });
  if (url.includes('blocked')) throw new Error('FETCH_BLOCKED: 10.0.0.1 is a private address');
  if (url.includes('broken')) throw new Error('FETCH_FAILED: connection reset');
  if (url.includes('weird')) throw new TypeError('something unexpected');
  if (url.includes('never')) return new Promise(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 5));
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"v":7,"list":[]}',
    json: { v: 7, list: [] },
  };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({
    services: { matches: () => false, fetch: stubFetch, secret: async (name) => secrets[name] },
  });
});
afterAll(() => sandbox.close());

const run = (source: string, options: RequestOptions = {}) =>
  sandbox.run(scriptRequest(source, { secretNames: ['API_KEY', 'EMPTY'], ...options }));

describe('helpers.fetch', () => {
  test('returns status, headers, body and json, and is recorded', async () => {
    const outcome = await run(`
      local r = helpers.fetch("https://api.example.com/check?x=1", { method = "post", headers = { ["x-id"] = "7" }, body = "{}" })
      return { status = r.status, type = r.headers["content-type"], v = r.json.v, list = r.json.list, body = r.body }`);
    expect(outcome.value).toEqual({ status: 200, type: 'application/json', v: 7, list: [], body: '{"v":7,"list":[]}' });
    expect(calls.at(-1)).toMatchObject({
      url: 'https://api.example.com/check?x=1',
      init: { method: 'post', headers: { 'x-id': '7' }, body: '{}' },
    });
    expect(calls.at(-1)?.init?.timeoutMs).toBeLessThanOrEqual(1000);
    expect(outcome.fetches).toHaveLength(1);
    expect(outcome.fetches[0]).toMatchObject({ url: 'https://api.example.com/check?x=1', method: 'POST', status: 200 });
    expect(outcome.fetches[0]?.durationMs).toBeGreaterThan(0);
  });

  test('works inside pcall, inside script coroutines and in a loop', async () => {
    const outcome = await run(`
      local ok, r = pcall(helpers.fetch, "https://a.example.com")
      local co = coroutine.wrap(function(url) coroutine.yield("first") return helpers.fetch(url).status end)
      local first = co("https://b.example.com")
      local second = co()
      local co2 = coroutine.create(function() return helpers.fetch("https://c.example.com").json.v end)
      local _, third = coroutine.resume(co2)
      local n = 0
      for i = 1, 3 do n = n + helpers.fetch("https://d.example.com").status end
      return { ok, r.status, first, second, third, n }`);
    expect(outcome.value).toEqual([true, 200, 'first', 200, 7, 600]);
    expect(outcome.fetches).toHaveLength(6);
  });

  test('an uncaught refusal is FETCH_BLOCKED, a failure FETCH_FAILED, with the line', async () => {
    const blocked = await run('\nlocal r = helpers.fetch("https://blocked.example.com")');
    expect(blocked.error).toMatchObject({ code: 'FETCH_BLOCKED', line: 2 });
    expect(blocked.error?.message).toBe('script:2: FETCH_BLOCKED: 10.0.0.1 is a private address');
    expect(blocked.fetches[0]?.error?.code).toBe('FETCH_BLOCKED');
    expect((await run('return helpers.fetch("https://broken.example.com")')).error?.code).toBe('FETCH_FAILED');
    const weird = await run('return helpers.fetch("https://weird.example.com")');
    expect(weird.error).toMatchObject({ code: 'FETCH_FAILED', message: 'FETCH_FAILED: something unexpected' });
  });

  test('a caught refusal lets the script go on', async () => {
    const outcome = await run(
      'local ok, e = pcall(helpers.fetch, "https://blocked.example.com") return { ok, e:find("FETCH_BLOCKED", 1, true) ~= nil }',
    );
    expect(outcome.value).toEqual([false, true]);
  });

  test('a script that fakes the code in its own error stays a RUNTIME_ERROR', async () => {
    expect((await run('error("FETCH_BLOCKED: not really")')).error?.code).toBe('RUNTIME_ERROR');
  });

  test('the deadline holds while awaiting a response that never comes', async () => {
    const outcome = await run('helpers.fetch("https://never.example.com") return 1', { limits: { timeoutMs: 100 } });
    expect(outcome.error?.code).toBe('TIMEOUT');
    expect(outcome.fetches[0]?.error?.code).toBe('TIMEOUT');
    expect((await run('return 2')).value).toBe(2);
  });

  test('options are checked', async () => {
    expect((await run('helpers.fetch("https://a.example.com", { headers = { x = {} } })')).error?.message).toMatch(
      /options\.headers\.x is nested|values must be strings/,
    );
    expect((await run('helpers.fetch("https://a.example.com", { headers = { x = print } })')).error?.message).toMatch(
      /options\.headers\.x is a function/,
    );
    expect((await run('helpers.fetch("https://a.example.com", { timeoutMs = "soon" })')).error?.message).toMatch(
      /timeoutMs must be a positive number/,
    );
  });

  test('cannot be called where Lua cannot yield', async () => {
    const outcome = await run(
      'table.sort({ 2, 1 }, function(a, b) helpers.fetch("https://a.example.com") return a < b end)',
    );
    expect(outcome.error?.message).toMatch(/helpers\.fetch cannot be called here/);
  });

  test('runs awaiting at the same time keep their own state', async () => {
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        run(
          `local r = helpers.fetch("https://a.example.com/${n}") print("run ${n}") return { n = ${n}, v = r.json.v, e = event.user.email }`,
        ),
      ),
    );
    outcomes.forEach((outcome, i) => {
      expect(outcome.value).toEqual({ n: i + 1, v: 7, e: 'ada@example.com' });
      expect(outcome.logs.map((entry) => entry.message)).toEqual([`run ${i + 1}`]);
    });
  });
});

describe('helpers.secret', () => {
  test('returns a declared secret; its value is masked in logs, errors and fetch records', async () => {
    const outcome = await run(`
      local key = helpers.secret("API_KEY")
      print("key is " .. key)
      pcall(helpers.fetch, "https://broken.example.com/?k=" .. key)
      return #key`);
    expect(outcome.value).toBe(14);
    expect(outcome.logs[0]?.message).toBe('key is [secret]');
    expect(outcome.fetches[0]?.url).toBe('https://broken.example.com/?k=[secret]');
    const failed = await run('error("leaking " .. helpers.secret("API_KEY"))');
    expect(failed.error?.message).toBe('script:1: leaking [secret]');
    expect(JSON.stringify(failed)).not.toContain('sk-live-123456');
  });

  test('a returned value is masked too: the value itself, concatenated, nested, as a key or a number', async () => {
    const outcome = await run(`
      local key = helpers.secret("API_KEY")
      local t = { key, "Bearer " .. key, nested = { deeper = { key .. key, n = 1 } } }
      t[key] = "as a key"
      return { allow = false, reason = "key " .. key, code = key, data = t }`);
    expect(outcome.ok).toBe(true);
    expect(outcome.value).toEqual({
      allow: false,
      reason: 'key [secret]',
      code: '[secret]',
      data: {
        1: '[secret]',
        2: 'Bearer [secret]',
        nested: { deeper: { 1: '[secret][secret]', n: 1 } },
        '[secret]': 'as a key',
      },
    });
    expect(JSON.stringify(outcome)).not.toContain('sk-live-123456');
    const plain = await run('return helpers.secret("API_KEY")');
    expect(plain.value).toBe('[secret]');
    // Values that only resemble it are left alone; a value read as a number is masked.
    const numeric = await createSandbox({ services: { matches: () => false, secret: async () => '424242' } });
    try {
      const read = await numeric.run(
        scriptRequest('local k = helpers.secret("PIN") return { pin = tonumber(k), other = 4242, text = "x" }', {
          secretNames: ['PIN'],
        }),
      );
      expect(read.value).toEqual({ pin: '[secret]', other: 4242, text: 'x' });
    } finally {
      numeric.close();
    }
    // A run that read no secret keeps its value as it was.
    expect((await run('return { "sk-live-123456" }')).value).toEqual(['sk-live-123456']);
  });

  test('an undeclared name is SECRET_NOT_FOUND without asking the provider', async () => {
    const outcome = await run('return helpers.secret("PATH")');
    expect(outcome.error).toMatchObject({ code: 'SECRET_NOT_FOUND' });
    expect(outcome.error?.message).toContain('"PATH" is not declared');
  });

  test('a declared name without a value is SECRET_NOT_FOUND', async () => {
    expect((await run('return helpers.secret("EMPTY")')).error?.code).toBe('SECRET_NOT_FOUND');
    expect((await run('local ok, e = pcall(helpers.secret, "EMPTY") return ok')).value).toBe(false);
  });
});
