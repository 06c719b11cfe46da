import { describe, expect, it } from 'vitest';
import { json, useCliSandbox } from './workspace-cli-harness';

const sandbox = useCliSandbox('cli-runtime-');

describe('pipeline-studio runtime token', () => {
  it('creates a token once, lists it without the token, and revokes it', () => {
    const data = sandbox.path('runtime');
    const created = sandbox.cli([
      'runtime',
      'token',
      'create',
      '--scopes',
      'publish,invoke',
      '--name',
      'ci',
      '--data',
      data,
    ]);
    expect(created.code).toBe(0);
    const { id, token, scopes } = json<{ id: string; token: string; scopes: string[] }>(created);
    expect(token).toMatch(/^psrt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(scopes).toEqual(['publish', 'invoke']);
    expect(created.stderr).toMatch(/shown once/);

    const listed = sandbox.cli(['runtime', 'token', 'list', '--data', data]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(token.slice(22));
    expect(JSON.parse(listed.stdout)).toEqual([
      { id, name: 'ci', scopes: ['publish', 'invoke'], createdAt: expect.any(String), revokedAt: null },
    ]);

    expect(sandbox.cli(['runtime', 'token', 'revoke', id, '--data', data]).code).toBe(0);
    expect(JSON.parse(sandbox.cli(['runtime', 'token', 'list', '--data', data]).stdout)[0].revokedAt).not.toBeNull();
    expect(sandbox.cli(['runtime', 'token', 'revoke', id, '--data', data]).code).toBe(1);
  });

  it('refuses bad usage with exit code 2 and one line', () => {
    const data = sandbox.path('runtime');
    for (const args of [
      ['runtime', 'token', 'create', '--data', data],
      ['runtime', 'token', 'create', '--scopes', 'publish,root', '--data', data],
      ['runtime', 'token', 'frob'],
      ['runtime', '--port', 'x'],
      ['runtime', '--host', '0.0.0.0', '--data', data],
    ]) {
      const result = sandbox.cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(sandbox.cli(['runtime', '--help']).stdout).toMatch(/runtime token create --scopes/);
  });
});
