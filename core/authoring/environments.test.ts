import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { RuntimeTokenStore } from '../secrets';
import { requireRealKeychain } from '../secrets/testing/real-keychain';
import { unreachableKeychain, useAuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();
beforeAll(requireRealKeychain);

describe('environments channels', () => {
  it('lists staging and production from the start, then the ones created', async () => {
    const { call, fail } = harness();
    const blank = { runtimeUrl: null, hasToken: false, lastPublishedHash: null };
    expect(await call('environments.list', {})).toEqual([
      { name: 'staging', ...blank },
      { name: 'production', ...blank },
    ]);
    expect(await call('environments.create', { name: 'qa', runtimeUrl: 'https://qa.runtime.example.com' })).toEqual({
      name: 'qa',
      runtimeUrl: 'https://qa.runtime.example.com',
      hasToken: false,
      lastPublishedHash: null,
    });
    expect((await call('environments.list', {})).map((e) => e.name)).toEqual(['staging', 'production', 'qa']);
    expect(await fail('environments.create', { name: 'qa' })).toMatchObject({ code: 'CONFLICT' });
    expect(await fail('environments.create', { name: 'Bad Name' })).toMatchObject({ code: 'INVALID_INPUT' });
    const ftp = await fail('environments.create', { name: 'ftp', runtimeUrl: 'ftp://runtime.example.com' });
    expect(ftp.code).toBe('INVALID');
  });

  it("sets and clears an environment's runtime URL", async () => {
    const { call, fail } = harness();
    const set = await call('environments.update', { name: 'staging', runtimeUrl: 'https://staging.example.com/' });
    expect(set.runtimeUrl).toBe('https://staging.example.com/');
    expect((await call('environments.update', { name: 'staging', runtimeUrl: null })).runtimeUrl).toBeNull();
    expect(await fail('environments.update', { name: 'nope', runtimeUrl: null })).toMatchObject({ code: 'NOT_FOUND' });
    const withPassword = await fail('environments.update', { name: 'staging', runtimeUrl: 'https://u:p@example.com' });
    expect(withPassword).toMatchObject({ code: 'INVALID', message: expect.stringContaining('user name or password') });
  });

  it('keeps the runtime token in the keychain only: hasToken, never the token, never a secret', async () => {
    const h = harness();
    const token = `rt-${randomUUID()}`;
    const answer = await h.call('environments.setToken', { name: 'production', token });
    expect(answer).toEqual({ name: 'production', runtimeUrl: null, hasToken: true, lastPublishedHash: null });
    const list = await h.call('environments.list', {});
    expect(list.map((e) => [e.name, e.hasToken])).toEqual([
      ['staging', false],
      ['production', true],
    ]);
    // In the keychain, under its own service (not the environment's secrets service).
    const { id } = await h.call('workspace.info', {});
    const tokens = new RuntimeTokenStore(id);
    expect(tokens.serviceName('production')).toBe(`pipeline-studio/${id}/production/runtime`);
    expect(tokens.get('production')).toBe(token);
    expect((await h.call('secrets.list', { environment: 'production' })).secrets).toEqual([]);
    expect(await h.fail('environments.setToken', { name: 'nope', token })).toMatchObject({ code: 'NOT_FOUND' });
    expect(h.responses.some((json) => json.includes(token))).toBe(false);
  });

  it('without a keychain: listed without tokens, and setToken says what is wrong', async () => {
    const { call, fail, internalErrors } = harness({ keychain: unreachableKeychain() });
    expect((await call('environments.list', {})).every((e) => !e.hasToken)).toBe(true);
    const error = await fail('environments.setToken', { name: 'staging', token: 'rt-1' });
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toContain('gnome-keyring');
    expect(error.message).not.toContain('rt-1');
    expect(internalErrors).toEqual([]);
  });
});
