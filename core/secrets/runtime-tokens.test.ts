import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keychain } from './keychain';
import { RuntimeTokenStore } from './runtime-tokens';
import { SecretStore } from './secret-store';
import { requireRealKeychain } from './testing/real-keychain';

beforeAll(requireRealKeychain);

const workspaceId = () => randomUUID().replace(/-/g, '');

describe('RuntimeTokenStore (real keychain)', () => {
  it("keeps an environment's token under a service of its own, apart from the secrets", () => {
    const id = workspaceId();
    const tokens = new RuntimeTokenStore(id);
    const token = `rt-${randomUUID()}`;
    try {
      expect(tokens.serviceName('staging')).toBe(`pipeline-studio/${id}/staging/runtime`);
      expect(tokens.has('staging')).toBe(false);
      tokens.set('staging', token);
      expect(tokens.has('staging')).toBe(true);
      expect(tokens.get('staging')).toBe(token);
      expect(tokens.has('production')).toBe(false);
      // Not readable as a secret of the environment, whatever name a script tries.
      const keychain = new Keychain();
      expect(keychain.get(`pipeline-studio/${id}/staging`, 'token')).toBeNull();
      const names = { environmentExists: () => true, add: () => {}, remove: () => {}, list: () => [] };
      const secrets = new SecretStore({ workspaceId: id, names, keychain });
      expect(secrets.serviceName('staging')).not.toBe(tokens.serviceName('staging'));
      tokens.set('staging', `${token}-rotated`);
      expect(tokens.get('staging')).toBe(`${token}-rotated`);
    } finally {
      expect(tokens.delete('staging')).toBe(true);
    }
    expect(tokens.delete('staging')).toBe(false);
    expect(tokens.has('staging')).toBe(false);
  });

  it('refuses empty tokens and names that are not environments', () => {
    const tokens = new RuntimeTokenStore(workspaceId());
    expect(() => tokens.set('staging', '')).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(() => tokens.has('../other')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ENVIRONMENT' }));
    expect(() => new RuntimeTokenStore('Not An Id')).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });
});
