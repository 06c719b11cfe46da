import { describe, expect, it } from 'vitest';
import { checkRuntimeUrl, isLoopbackHost, RuntimeClient } from './runtime-client';

describe('the runtime URL rule (as the runtime TLS rule)', () => {
  it('allows https anywhere and plain http on loopback only', () => {
    expect(checkRuntimeUrl('https://runtime.example.com').host).toBe('runtime.example.com');
    for (const url of ['http://127.0.0.1:8787', 'http://127.5.0.1', 'http://localhost:1', 'http://[::1]:8787']) {
      expect(() => checkRuntimeUrl(url)).not.toThrow();
    }
    for (const url of ['http://runtime.example.com', 'http://10.0.0.5:8787', 'http://[2001:db8::1]/']) {
      expect(() => checkRuntimeUrl(url)).toThrow(/plain http/);
    }
    expect(() => checkRuntimeUrl('ftp://x')).toThrow(/https:\/\/ or http:\/\//);
    expect(() => checkRuntimeUrl('https://u:p@x')).toThrow(/user name or password/);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('reports a runtime that does not answer as RUNTIME_UNREACHABLE without the token', async () => {
    const client = new RuntimeClient('http://127.0.0.1:9', 'psrt_secret_token', 'staging', 2000);
    const failure = (await client.history().then(
      () => ({ code: 'none', message: '' }),
      (error: unknown) => error,
    )) as { code: string; message: string };
    expect(failure.code).toBe('RUNTIME_UNREACHABLE');
    expect(failure.message).toMatch(/staging/);
    expect(failure.message).not.toContain('psrt_');
  });
});
