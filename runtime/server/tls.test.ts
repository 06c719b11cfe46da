import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, runtimeEntry, spawnRuntime, useServedRuntime, useTempDirs } from '../testing/harness';
import { writeSelfSignedCertificate } from '../../shared/engine/node/testing/self-signed-certificate';
import { isLoopbackHost } from './listen-address';

const tempDir = useTempDirs();
const serve = useServedRuntime();

function httpsGet(
  url: string,
  ca: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('TLS', () => {
  it('is required to listen beyond loopback: the runtime refuses to start without it', () => {
    const result = spawnSync(
      process.execPath,
      [runtimeEntry, '--host', '0.0.0.0', '--port', '0', '--data', tempDir()],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without TLS/);
    const half = spawnSync(process.execPath, [runtimeEntry, '--tls-cert', 'x.pem', '--data', tempDir()], {
      encoding: 'utf8',
    });
    expect(half.status).toBe(2);
    expect(half.stderr).toMatch(/--tls-cert and --tls-key go together/);
  });

  it('knows loopback names and addresses', () => {
    for (const host of [
      '127.0.0.1',
      '127.8.9.10',
      'localhost',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1', '::ffff:10.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  // openssl is a test dependency (scripts/system-deps.mjs installs it): never skipped.
  it('serves https with the given certificate (self-signed, made with the openssl CLI)', async () => {
    const dir = tempDir();
    const { certFile: cert, keyFile: key } = writeSelfSignedCertificate(dir, {
      commonName: 'localhost',
      altNames: ['IP:127.0.0.1', 'DNS:localhost'],
    });
    const runtime = await spawnRuntime(path.join(dir, 'data'), ['--tls-cert', cert, '--tls-key', key]);
    try {
      expect(runtime.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await httpsGet(`${runtime.url}/v1/health`, readFileSync(cert));
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
      expect(health.headers['strict-transport-security']).toMatch(/max-age=/);
      // A client that does not trust the certificate does not get through.
      await expect(api(runtime.url, 'GET', '/v1/health')).rejects.toThrow();
    } finally {
      runtime.child.kill('SIGTERM');
      await runtime.exited;
    }
  }, 30_000);
});

describe('behind a TLS-terminating proxy', () => {
  it('needs X-Forwarded-Proto: https and counts failures per X-Forwarded-For client', async () => {
    const served = await serve(tempDir(), {
      server: { behindProxy: true },
      config: { authFailures: { max: 2, windowMs: 60_000 } },
    });
    const viaProxy = (client: string, token: string) =>
      api(served.url, 'GET', '/v1/events', {
        token,
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': `203.0.113.250, ${client}` },
      });
    const plain = await api(served.url, 'GET', '/v1/events', { token: served.token });
    expect(plain.status).toBe(403);
    expect(plain.json.error?.code).toBe('TLS_REQUIRED');
    expect((await viaProxy('198.51.100.1', served.token)).status).toBe(200);

    for (let i = 0; i < 2; i++) expect((await viaProxy('198.51.100.66', 'psrt_bad')).status).toBe(401);
    expect((await viaProxy('198.51.100.66', served.token)).status).toBe(429);
    // Another client behind the same proxy is not blocked, even with the same spoofable first entry.
    expect((await viaProxy('198.51.100.1', served.token)).status).toBe(200);
    // Health stays open for the proxy's own checks.
    expect((await api(served.url, 'GET', '/v1/health')).status).toBe(200);
  });
});
