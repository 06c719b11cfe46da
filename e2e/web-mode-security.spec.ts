import { request as httpRequest } from 'node:http';
import { expect, test } from './support/fixtures';

function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('a browser without the token gets no studio', async ({ page, studio }) => {
  const response = await page.goto(studio.origin + '/');
  expect(response?.status()).toBe(401);
  await expect(page.getByText('Open the address the studio printed')).toBeVisible();
  const wrong = await page.goto(`${studio.origin}/?token=${'x'.repeat(studio.token.length)}`);
  expect(wrong?.status()).toBe(401);
});

test('a contract call without the token is refused', async ({ request, studio }) => {
  const refused = await request.post(`${studio.origin}/s/not-the-token/rpc/hooks.list`, { data: {} });
  expect(refused.status()).toBe(401);
  const allowed = await request.post(`${studio.origin}/s/${studio.token}/rpc/hooks.list`, { data: {} });
  expect(allowed.status()).toBe(200);
  expect(((await allowed.json()) as { ok: boolean }).ok).toBe(true);
});

test('a request with a foreign Host header is refused even with the token', async ({ studio }) => {
  const path = `/s/${studio.token}/`;
  expect(await rawGet(studio.port, path, { host: `rebind.attacker.example:${studio.port}` })).toBe(403);
  expect(await rawGet(studio.port, path, { host: `127.0.0.1:${studio.port}` })).toBe(200);
});

test('a page on another local origin cannot call the studio', async ({ page, studio }) => {
  // Another local site (other port, same host) tries a cross-origin call with the right token.
  await page.goto(`${studio.origin}/?token=${studio.token}`);
  await page.locator('#root[data-app-state="ready"]').waitFor();
  const status = await page
    .evaluate(async (target) => {
      const response = await fetch(target, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      return response.status;
    }, `http://localhost:${studio.port}/s/${studio.token}/rpc/hooks.list`)
    .catch(() => 'blocked');
  // Either the browser blocks it (CORS) or the studio refuses the foreign Origin; never a 200.
  expect(status).not.toBe(200);
});
