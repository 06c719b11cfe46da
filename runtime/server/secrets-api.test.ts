import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, bundleOf, publish, signupEvent, useServedRuntime, useTempDirs } from '../testing/harness';

const tempDir = useTempDirs();
const serve = useServedRuntime();

const secretValue = 'sk_live_Q9x7-very-secret-"quoted"-value';

/** Scripts that try every way to leak the secret: log it, fail with it, return it. */
const leaky = bundleOf(
  {
    'deny-with-key': `local k = helpers.secret("API_KEY")
helpers.log("the key is", k)
print(k)
return { allow = false, reason = "key=" .. k, code = k }`,
    'enrich-with-key': `local k = helpers.secret("API_KEY")
return { claims = { key = k, nested = { k } } }`,
    'fail-with-key': `error("boom " .. helpers.secret("API_KEY"))`,
    'async-with-key': `return { echoed = helpers.secret("API_KEY") }`,
  },
  {
    'signup.before': { layers: [['deny-with-key']] },
    'token.enrich': { layers: [['enrich-with-key', 'fail-with-key']] },
    'signup.after': { layers: [['async-with-key']] },
  },
  { secrets: ['API_KEY'] },
);

describe('secrets', () => {
  it('are set and listed by name and time only, with the bundle name rules', async () => {
    const served = await serve(tempDir());
    const set = await api(served.url, 'PUT', '/v1/secrets/API_KEY', {
      token: served.token,
      body: { value: secretValue },
    });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ name: 'API_KEY', updatedAt: expect.any(String) });
    const list = await api(served.url, 'GET', '/v1/secrets', { token: served.token });
    expect(list.json).toEqual({ secrets: [{ name: 'API_KEY', updatedAt: set.json.updatedAt }] });
    for (const bad of ['api_key', '1KEY', 'KEY-1', 'A%2FB']) {
      const refused = await api(served.url, 'PUT', `/v1/secrets/${bad}`, { token: served.token, body: { value: 'x' } });
      expect(refused.status, bad).toBe(400);
    }
    const empty = await api(served.url, 'PUT', '/v1/secrets/API_KEY', { token: served.token, body: { value: '' } });
    expect(empty.status).toBe(422);
    const tooBig = await api(served.url, 'PUT', '/v1/secrets/API_KEY', {
      token: served.token,
      body: { value: 'x'.repeat(70_000) },
    });
    expect(tooBig.status).toBe(413);
  });

  it('never come back from any endpoint, a trace or a captured event, even when scripts log, throw or return them', async () => {
    const dir = tempDir();
    const served = await serve(dir);
    await api(served.url, 'PUT', '/v1/secrets/API_KEY', { token: served.token, body: { value: secretValue } });
    expect((await publish(served, leaky)).status).toBe(201);

    const bodies: string[] = [];
    const call = async (method: string, pathname: string, body?: unknown) => {
      const response = await api(served.url, method, pathname, { token: served.token, ...(body ? { body } : {}) });
      bodies.push(response.text, JSON.stringify([...response.headers]));
      return response;
    };
    const denied = await call('POST', '/v1/hooks/signup.before', { event: signupEvent('ada@example.com') });
    expect(denied.json).toMatchObject({ allow: false, reason: 'key=[secret]', code: '[secret]' });
    const enriched = await call('POST', '/v1/hooks/token.enrich', {
      event: { request: { ip: '203.0.113.9' }, user: { email: 'ada@example.com' }, token: { type: 'id' }, claims: {} },
    });
    expect(enriched.json).toMatchObject({
      data: { claims: { key: '[secret]', nested: ['[secret]'] } },
      error: { code: 'RUNTIME_ERROR' },
    });
    await call('POST', '/v1/hooks/signup.after', {
      event: { request: { ip: '203.0.113.9' }, user: { id: 'u1', email: 'ada@example.com' } },
    });
    await served.runtime.flush();
    for (const [method, pathname] of [
      ['GET', '/v1/health'],
      ['GET', '/v1/bundle'],
      ['GET', '/v1/bundle/history'],
      ['GET', '/v1/secrets'],
      ['GET', '/v1/events'],
      ['GET', '/v1/traces'],
    ] as const) {
      const response = await call(method, pathname);
      expect(response.status, pathname).toBe(200);
    }
    const traces = bodies.find((body) => body.includes('resourceSpans')) ?? '';
    expect(traces).toContain('[secret]');
    expect(traces).toContain('script.result');
    const escaped = JSON.stringify(secretValue).slice(1, -1);
    for (const body of bodies) {
      expect(body).not.toContain(secretValue);
      expect(body).not.toContain(escaped);
      expect(body).not.toContain('very-secret');
    }

    // At rest: runtime.db and its WAL hold no plaintext (sealed values, masked traces and events).
    await served.close();
    const files = readdirSync(dir).filter((name) => name.startsWith('runtime.db'));
    expect(files).toContain('runtime.db');
    for (const file of files) {
      const bytes = readFileSync(path.join(dir, file));
      expect(bytes.includes(Buffer.from('very-secret')), file).toBe(false);
    }
  });

  it('sit encrypted in runtime.db and its WAL, and a wrong key refuses to start', async () => {
    const dir = tempDir();
    const served = await serve(dir);
    await api(served.url, 'PUT', '/v1/secrets/API_KEY', { token: served.token, body: { value: secretValue } });
    const walBefore = readFileSync(path.join(dir, 'runtime.db-wal'));
    expect(walBefore.length).toBeGreaterThan(0);
    expect(walBefore.includes(Buffer.from('very-secret'))).toBe(false);
    await served.close();
    expect(readFileSync(path.join(dir, 'runtime.db')).includes(Buffer.from('very-secret'))).toBe(false);

    const { createRuntime } = await import('../runtime');
    await expect(createRuntime({ dataDir: dir, secretsKey: Buffer.alloc(32, 9), log: () => {} })).rejects.toThrow(
      /not the one this runtime's secrets were sealed with/,
    );
  });
});

describe('captured events', () => {
  it('are pulled back redacted: email local parts, IPs to /24 and /48, tokens and passwords dropped', async () => {
    const served = await serve(tempDir(), {
      config: { capture: { redaction: { dropPaths: ['user.metadata.ssn'] } } },
    });
    await publish(served, bundleOf({ a: 'return true' }, { 'signup.before': { layers: [['a']] } }));
    const event = {
      request: {
        ip: '198.51.100.77',
        userAgent: 'Mozilla/5.0',
        headers: {
          authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
          cookie: 'sid=abc',
          'x-forwarded-for': '198.51.100.77, 2001:db8:abcd:12::1',
          'x-trace': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
        },
      },
      user: {
        email: 'Alice.Smith@example.com',
        name: 'Alice',
        metadata: { ssn: '123-45-6789', note: 'call alice@corp.example' },
      },
      provider: 'email',
      password: 'hunter2',
      accessToken: 'opaque-token-value',
    };
    await api(served.url, 'POST', '/v1/hooks/signup.before', { token: served.token, body: { event } });
    const pulled = await api(served.url, 'GET', '/v1/events?hook=signup.before', { token: served.token });
    expect(pulled.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = pulled.text.trim().split('\n');
    expect(lines).toHaveLength(1);
    const recorded = JSON.parse(lines[0] as string);
    expect(recorded).toMatchObject({
      id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
      hook: 'signup.before',
      outcome: { allow: true },
      source: 'runtime',
    });
    expect(recorded.event).toEqual({
      request: {
        ip: '198.51.100.0',
        userAgent: 'Mozilla/5.0',
        headers: { 'x-forwarded-for': '198.51.100.0, 2001:db8:abcd::', 'x-trace': '[redacted]' },
      },
      user: { email: 'A***@example.com', name: 'Alice', metadata: { note: 'call a***@corp.example' } },
      provider: 'email',
    });
    for (const leaked of [
      'hunter2',
      'opaque-token',
      'sid=abc',
      '123-45-6789',
      'Alice.Smith',
      '198.51.100.77',
      'abcd:12',
    ]) {
      expect(pulled.text).not.toContain(leaked);
    }
  });
});
