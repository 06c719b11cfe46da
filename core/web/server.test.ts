import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type StudioCore } from '../handlers';
import { createRouter } from '../router';
import { startWebHost, type WebHost } from './server';

let host: WebHost;
let core: StudioCore;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so that the test controls every header, Host included (fetch would not let it). */
function call(pathname: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        method: init.method ?? 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...init.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const rpc = (channel: string, body = '{}', headers: Record<string, string> = {}) =>
  call(`/s/${host.token}/rpc/${channel}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

beforeAll(async () => {
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'web-host-'));
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  core = createHandlers({ host: 'web', dataDir: mkdtempSync(path.join(os.tmpdir(), 'web-host-data-')) });
  const router = createRouter(core.handlers);
  host = await startWebHost({ router, rendererDir, maxBodyBytes: 1024 });
});

afterAll(async () => {
  await host.close();
  await core.close();
});

describe('web host', () => {
  it('binds loopback and prints a URL with the token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('sends the page only to the right token, under a token-scoped path', async () => {
    expect((await call('/')).status).toBe(401);
    expect((await call('/?token=wrong')).status).toBe(401);
    const entry = await call(`/?token=${host.token}`);
    expect(entry.status).toBe(303);
    expect(entry.headers.location).toBe(`/s/${host.token}/`);
    const page = await call(`/s/${host.token}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>studio</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await call(`/s/${host.token}/assets/app.js`)).status).toBe(200);
  });

  it('refuses static files and calls without the token', async () => {
    expect((await call('/assets/app.js')).status).toBe(401);
    expect((await call('/s/not-the-token/assets/app.js')).status).toBe(401);
    expect((await call(`/s/${host.token.slice(0, -1)}x/rpc/app.info`, { method: 'POST' })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    const reply = await call(`/s/${host.token}/`, { headers: { host: `evil.example:${host.port}` } });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('foreign Host');
    expect((await rpc('app.info', '{}', { host: 'localhost.evil.example' })).status).toBe(403);
    expect((await call(`/s/${host.token}/`, { headers: { host: `localhost:${host.port}` } })).status).toBe(200);
  });

  it('refuses a foreign Origin and cross-site or same-site fetches', async () => {
    expect((await rpc('app.info', '{}', { origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await rpc('app.info', '{}', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await rpc('app.info', '{}', { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await rpc('app.info', '{}', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const own = await rpc('app.info', '{}', { origin: host.origin, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
  });

  it('answers contract calls with the router result', async () => {
    const reply = await rpc('hooks.list');
    expect(reply.status).toBe(200);
    const result = JSON.parse(reply.body) as { ok: boolean; value: { hooks: unknown[] } };
    expect(result.ok).toBe(true);
    expect(result.value.hooks).toHaveLength(16);
    const unknown = JSON.parse((await rpc('shell.exec')).body) as { ok: boolean; error: { code: string } };
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses bad bodies, methods and traversal', async () => {
    expect((await rpc('app.info', 'not json')).status).toBe(400);
    expect((await rpc('app.info', JSON.stringify({ pad: 'x'.repeat(2000) }))).status).toBe(413);
    expect((await call(`/s/${host.token}/rpc/app.info`)).status).toBe(405);
    expect((await rpc('app.info', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    // Dot segments are resolved by URL parsing (and then lack the token); encoded slashes are not.
    expect((await call(`/s/${host.token}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(401);
    expect((await call(`/s/${host.token}/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd`)).status).toBe(404);
    expect((await call(`/s/${host.token}/assets/app.js`, { method: 'DELETE' })).status).toBe(405);
  });

  it.each(['%E0%A4%A', '%E0%A4', '%zz', '%', 'app%2', '%C0%AF', '%FF'])(
    'answers 400, not 500, to the malformed escape %s in a channel name or a file path',
    async (escape) => {
      const channel = await rpc(`app.info${escape}`);
      expect(channel).toMatchObject({ status: 400, body: 'malformed percent-encoding in the channel name' });
      expect(channel.headers['content-type']).toBe('text/plain; charset=utf-8');
      const file = await call(`/s/${host.token}/assets/${escape}.js`);
      expect(file).toMatchObject({ status: 400, body: 'malformed percent-encoding in the path' });
      expect(file.headers['content-type']).toBe('text/plain; charset=utf-8');
      // Still refused without the token, before the path is read.
      expect((await call(`/s/not-the-token/assets/${escape}.js`)).status).toBe(401);
    },
  );

  it('answers 400 to a request target that does not parse as a path', async () => {
    for (const target of ['//', '//a%20b/x', '//[/']) {
      const reply = await call(target);
      expect({ target, status: reply.status, body: reply.body }).toEqual({
        target,
        status: 400,
        body: 'malformed request path',
      });
    }
    // The server still serves afterwards.
    expect((await call(`/s/${host.token}/assets/app.js`)).status).toBe(200);
  });
});
