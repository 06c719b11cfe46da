import { describe, expect, it } from 'vitest';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { api, bundleOf, exampleBundle, publish, signupEvent, useServedRuntime, useTempDirs } from '../testing/harness';

const tempDir = useTempDirs();
const serve = useServedRuntime();

describe('publishing over HTTP', () => {
  it('publishes the example bundle, then denies a disposable sign-up and enriches a token', async () => {
    const served = await serve(tempDir());
    const bundle = await exampleBundle();
    const published = await api(served.url, 'PUT', '/v1/bundle', {
      token: served.token,
      headers: { 'if-match': '*' },
      body: { bundle, message: 'first', author: 'ada@acme.test' },
    });
    expect(published.status).toBe(201);
    expect(published.headers.get('etag')).toBe(`"${bundleHash(bundle)}"`);
    expect(published.json).toMatchObject({
      version: 1,
      hash: bundleHash(bundle),
      author: 'ada@acme.test',
      message: 'first',
    });

    const denied = await api(served.url, 'POST', '/v1/hooks/signup.before', {
      token: served.token,
      body: { event: signupEvent('bob@mailinator.com') },
    });
    expect(denied.status).toBe(200);
    expect(denied.json).toEqual({
      allow: false,
      reason: 'disposable email',
      code: 'DISPOSABLE',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      version: 1,
    });

    const allowed = await api(served.url, 'POST', '/v1/hooks/signup.before', {
      token: served.token,
      body: { event: signupEvent('ada@example.com') },
    });
    expect(allowed.json).toMatchObject({ allow: true });

    const enriched = await api(served.url, 'POST', '/v1/hooks/token.enrich', {
      token: served.token,
      body: {
        event: {
          request: { ip: '203.0.113.9' },
          user: { email: 'ada@example.com', role: 'admin' },
          token: { type: 'access' },
          claims: {},
        },
      },
    });
    expect(enriched.json).toMatchObject({ data: { claims: { tier: 'pro', region: 'eu' } } });

    const got = await api(served.url, 'GET', '/v1/bundle', { token: served.token });
    expect(got.headers.get('etag')).toBe(`"${bundleHash(bundle)}"`);
    expect(got.json).toMatchObject({ version: 1, hash: bundleHash(bundle), publishedBy: 'ada@acme.test', bundle });
    const notModified = await api(served.url, 'GET', '/v1/bundle', {
      token: served.token,
      headers: { 'if-none-match': `"${bundleHash(bundle)}"` },
    });
    expect(notModified.status).toBe(304);
  });

  it('requires If-Match (428), refuses a stale one (412) and * once a bundle is active', async () => {
    const served = await serve(tempDir());
    const first = bundleOf({ a: 'return true' }, { 'signup.before': { layers: [['a']] } });
    const second = { ...first, name: 'second' };
    const missing = await api(served.url, 'PUT', '/v1/bundle', { token: served.token, body: { bundle: first } });
    expect(missing.status).toBe(428);
    expect(missing.json.error?.code).toBe('PRECONDITION_REQUIRED');

    expect((await publish(served, first)).status).toBe(201);
    const staleStar = await api(served.url, 'PUT', '/v1/bundle', {
      token: served.token,
      headers: { 'if-match': '*' },
      body: { bundle: second },
    });
    expect(staleStar.status).toBe(412);
    expect(staleStar.json.error).toMatchObject({ code: 'PRECONDITION_FAILED', activeHash: bundleHash(first) });

    const stale = await api(served.url, 'PUT', '/v1/bundle', {
      token: served.token,
      headers: { 'if-match': '"0000"' },
      body: { bundle: second },
    });
    expect(stale.status).toBe(412);
    const weak = await api(served.url, 'PUT', '/v1/bundle', {
      token: served.token,
      headers: { 'if-match': `W/"${bundleHash(first)}"` },
      body: { bundle: second },
    });
    expect(weak.status).toBe(412);
    const fresh = await api(served.url, 'PUT', '/v1/bundle', {
      token: served.token,
      headers: { 'if-match': `"${bundleHash(first)}"` },
      body: { bundle: second },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.json).toMatchObject({ version: 2, hash: bundleHash(second) });
    // The same content again is not a new version.
    const again = await publish(served, second);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ version: 2, changed: false });
  });

  it('judges a stale If-Match (412) before the body: invalid shape, invalid bundle, bad JSON or media type', async () => {
    const served = await serve(tempDir());
    const first = bundleOf({ a: 'return true' }, { 'signup.before': { layers: [['a']] } });
    expect((await publish(served, first)).status).toBe(201);
    const activeHash = bundleHash(first);
    const put = (body: unknown, ifMatch: string, headers: Record<string, string> = {}) =>
      api(served.url, 'PUT', '/v1/bundle', { token: served.token, headers: { 'if-match': ifMatch, ...headers }, body });
    const invalidBundle = bundleOf({ b: 'return (' }, { 'signup.before': { layers: [['b', 'ghost']] } });
    const bodies: [string, unknown, Record<string, string>][] = [
      ['unknown field', { bundel: {} }, {}],
      ['missing bundle', {}, {}],
      ['author of the wrong type', { bundle: first, author: 7 }, {}],
      ['invalid bundle', { bundle: invalidBundle }, {}],
      ['not JSON', '{"bundle": ', {}],
      ['not declared as JSON', 'x', { 'content-type': 'text/plain' }],
    ];
    for (const ifMatch of ['"0000"', '*', `W/"${activeHash}"`]) {
      for (const [what, body, headers] of bodies) {
        const answer = await put(body, ifMatch, headers);
        expect({ what, ifMatch, status: answer.status }).toEqual({ what, ifMatch, status: 412 });
        expect(answer.json.error).toMatchObject({ code: 'PRECONDITION_FAILED', activeHash });
      }
    }
    // With the right If-Match the body is judged as before.
    expect((await put({ bundel: {} }, `"${activeHash}"`)).json.error?.code).toBe('INVALID_BODY');
    expect((await put({ bundle: invalidBundle }, `"${activeHash}"`)).json.error?.code).toBe('PIPELINE_INVALID');
    expect((await put('{"bundle": ', `"${activeHash}"`)).status).toBe(400);

    // Rollback takes an optional If-Match: when stale, it is judged before the body too.
    const rollback = (body: unknown, headers: Record<string, string>) =>
      api(served.url, 'POST', '/v1/bundle/rollback', { token: served.token, headers, body });
    for (const body of [{ version: 0 }, { version: 1, extra: true }, { message: 'no version' }, '{']) {
      const stale = await rollback(body, { 'if-match': '"0000"' });
      expect({ body, status: stale.status }).toEqual({ body, status: 412 });
      expect(stale.json.error).toMatchObject({ code: 'PRECONDITION_FAILED', activeHash });
      expect((await rollback(body, {})).status).not.toBe(412);
    }
    expect((await rollback({ version: 0 }, { 'if-match': `"${activeHash}"` })).json.error?.code).toBe('INVALID_BODY');

    // Nothing changed, and the connections the early answers left with an unread body still serve.
    const health = await api(served.url, 'GET', '/v1/health');
    expect(health.json).toMatchObject({ activeHash, version: 1 });
  });

  it('lets exactly one of two concurrent publishes with the same If-Match win', async () => {
    const served = await serve(tempDir());
    const base = bundleOf({ a: 'return true' }, { 'signup.before': { layers: [['a']] } });
    await publish(served, base);
    const ifMatch = `"${bundleHash(base)}"`;
    for (let round = 0; round < 5; round++) {
      const current = (await api(served.url, 'GET', '/v1/health')).json.activeHash as string;
      const results = await Promise.all(
        ['left', 'right'].map((name) =>
          api(served.url, 'PUT', '/v1/bundle', {
            token: served.token,
            headers: { 'if-match': round === 0 ? ifMatch : `"${current}"` },
            body: { bundle: { ...base, name: `${name}-${round}` } },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 412]);
    }
    const history = await api(served.url, 'GET', '/v1/bundle/history', { token: served.token });
    expect((history.json.versions as unknown[]).length).toBe(6);
  });

  it('rolls back to an earlier version as a new history entry', async () => {
    const served = await serve(tempDir());
    const v1 = bundleOf({ a: 'return { allow = false, reason = "v1" }' }, { 'signup.before': { layers: [['a']] } });
    const v2 = bundleOf({ a: 'return { allow = false, reason = "v2" }' }, { 'signup.before': { layers: [['a']] } });
    await publish(served, v1, 'one');
    await publish(served, v2, 'two');
    const invoke = () =>
      api(served.url, 'POST', '/v1/hooks/signup.before', {
        token: served.token,
        body: { event: signupEvent('a@b.co') },
      });
    expect((await invoke()).json.reason).toBe('v2');

    const missing = await api(served.url, 'POST', '/v1/bundle/rollback', { token: served.token, body: { version: 9 } });
    expect(missing.status).toBe(404);
    const stale = await api(served.url, 'POST', '/v1/bundle/rollback', {
      token: served.token,
      headers: { 'if-match': `"${bundleHash(v1)}"` },
      body: { version: 1 },
    });
    expect(stale.status).toBe(412);
    const rolled = await api(served.url, 'POST', '/v1/bundle/rollback', {
      token: served.token,
      headers: { 'if-match': `"${bundleHash(v2)}"` },
      body: { version: 1, author: 'ops' },
    });
    expect(rolled.status).toBe(200);
    expect(rolled.json).toMatchObject({
      version: 3,
      hash: bundleHash(v1),
      kind: 'rollback',
      restoredFrom: 1,
      author: 'ops',
    });
    expect((await invoke()).json.reason).toBe('v1');

    const history = await api(served.url, 'GET', '/v1/bundle/history', { token: served.token });
    expect(history.json.active).toBe(3);
    expect(
      (history.json.versions as { version: number; message: string }[]).map((v) => [v.version, v.message]),
    ).toEqual([
      [3, 'rollback to version 1'],
      [2, 'two'],
      [1, 'one'],
    ]);
  });

  it('refuses an invalid bundle with 422 and every problem, bad JSON with 400, other bodies with 415/413/422', async () => {
    const served = await serve(tempDir());
    const put = (body: unknown, headers: Record<string, string> = {}) =>
      api(served.url, 'PUT', '/v1/bundle', { token: served.token, headers: { 'if-match': '*', ...headers }, body });

    const invalid = await put({
      bundle: bundleOf({ a: 'return true', b: 'return (' }, {
        'signup.before': { layers: [['a', 'ghost']] },
        'nope.hook': { layers: [['a']] },
      } as never),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error?.code).toBe('PIPELINE_INVALID');
    const wheres = (invalid.json.error?.problems as { where: string }[]).map((p) => p.where);
    expect(wheres).toEqual(expect.arrayContaining(['hooks["nope.hook"]', 'hooks["signup.before"].layers[0][1]']));

    const syntax = await put({ bundle: bundleOf({ b: 'return (' }, { 'signup.before': { layers: [['b']] } }) });
    expect(syntax.status).toBe(422);
    expect(syntax.json.error?.problems).toEqual([
      { where: 'scripts/b.lua:1', message: expect.stringMatching(/^SYNTAX_ERROR/) },
    ]);

    const badJson = await put('{"bundle": ');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error?.code).toBe('BAD_JSON');
    const wrongShape = await put({ bundel: {} });
    expect(wrongShape.status).toBe(422);
    expect(wrongShape.json.error).toMatchObject({
      code: 'INVALID_BODY',
      problems: expect.arrayContaining([{ path: 'bundle', message: expect.any(String) }]),
    });
    const notJson = await put('x', { 'content-type': 'text/plain' });
    expect(notJson.status).toBe(415);
    const huge = await put({ bundle: { name: 'x'.repeat(5 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await api(served.url, 'GET', '/v1/health')).json.activeHash).toBeNull();
  });

  it('refuses a bundle whose declared secrets are not set (409), then accepts it once they are', async () => {
    const served = await serve(tempDir());
    const bundle = bundleOf(
      { a: 'return true' },
      { 'signup.before': { layers: [['a']] } },
      { secrets: ['IPQS_API_KEY', 'OTHER_KEY'] },
    );
    const refused = await publish(served, bundle);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'SECRETS_MISSING', missing: ['IPQS_API_KEY', 'OTHER_KEY'] });
    for (const name of ['IPQS_API_KEY', 'OTHER_KEY']) {
      const set = await api(served.url, 'PUT', `/v1/secrets/${name}`, { token: served.token, body: { value: 'v' } });
      expect(set.status).toBe(200);
    }
    expect((await publish(served, bundle)).status).toBe(201);
  });
});

describe('body limits', () => {
  it('answers 413 to a chunked body past the cap without reading it all', async () => {
    const served = await serve(tempDir());
    const { request } = await import('node:http');
    const url = new URL(served.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/v1/hooks/signup.before',
          headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // 2 MB of whitespace in chunks (no Content-Length): past the 1 MB cap of an invocation.
      for (let i = 0; i < 32; i++) req.write(chunk);
    });
    expect(status).toBe(413);
  });
});

describe('request paths', () => {
  /** Raw HTTP: fetch would normalise or refuse some of these request targets. */
  async function raw(baseUrl: string, method: string, target: string, headers: Record<string, string> = {}) {
    const { request } = await import('node:http');
    const url = new URL(baseUrl);
    return new Promise<{ status: number; type: string | undefined; json: { error?: { code?: string } } }>(
      (resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, method, path: target, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: res.headers['content-type'],
              json: JSON.parse(text) as { error?: { code?: string } },
            }),
          );
        });
        req.on('error', reject);
        req.end(method === 'GET' ? undefined : '{"value":"v"}');
      },
    );
  }

  it('answers 400 BAD_PATH, not 500, to a malformed escape in a path parameter', async () => {
    const served = await serve(tempDir());
    const headers = { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' };
    for (const escape of ['%E0%A4%A', '%E0%A4', '%zz', '%', 'A%2', '%C0%AF', '%FF']) {
      for (const [method, target] of [
        ['PUT', `/v1/secrets/${escape}`],
        ['POST', `/v1/hooks/signup.before${escape}`],
      ] as const) {
        const answer = await raw(served.url, method, target, headers);
        expect({ target, status: answer.status }).toEqual({ target, status: 400 });
        expect(answer.type).toBe('application/json; charset=utf-8');
        expect(answer.json.error).toMatchObject({ code: 'BAD_PATH', message: expect.any(String) });
      }
    }
  });

  it('answers 400 BAD_PATH to a request target that does not parse as a path', async () => {
    const served = await serve(tempDir());
    for (const target of ['//', '//a%20b/v1/health', '//[/']) {
      const answer = await raw(served.url, 'GET', target);
      expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      expect(answer.json.error).toMatchObject({ code: 'BAD_PATH' });
    }
    expect((await raw(served.url, 'GET', '/v1/health')).status).toBe(200);
  });
});
