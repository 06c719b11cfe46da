import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keychain, entryOptionsFor, type EntryFactory, type KeychainEntry } from './keychain';
import { requireRealKeychain } from './testing/real-keychain';

function fakeEntries() {
  const created: { service: string; account: string; options: unknown }[] = [];
  const values = new Map<string, string>();
  const factory: EntryFactory = (service, account, options) => {
    created.push({ service, account, options });
    const key = `${service}/${account}`;
    const entry: KeychainEntry = {
      getPassword: () => values.get(key) ?? null,
      setPassword: (password) => void values.set(key, password),
      deleteCredential: () => values.delete(key),
    };
    return entry;
  };
  return { created, factory };
}

describe('Keychain', () => {
  it('pins Linux to the Secret Service and leaves macOS and Windows on their only store', () => {
    expect(entryOptionsFor('linux')).toEqual({ linux: { store: 'secret-service' } });
    expect(entryOptionsFor('darwin')).toEqual({});
    expect(entryOptionsFor('win32')).toEqual({});
  });

  it('reuses one entry per service and account', () => {
    const { created, factory } = fakeEntries();
    const keychain = new Keychain('linux', factory);
    keychain.set('svc', 'A', 'one');
    expect(keychain.get('svc', 'A')).toBe('one');
    expect(keychain.delete('svc', 'A')).toBe(true);
    expect(keychain.get('svc', 'B')).toBeNull();
    expect(created).toEqual([
      { service: 'svc', account: 'A', options: { linux: { store: 'secret-service' } } },
      { service: 'svc', account: 'B', options: { linux: { store: 'secret-service' } } },
    ]);
  });

  it('does not cache an entry that could not be created, so a later attempt can succeed', () => {
    let available = false;
    const { created, factory } = fakeEntries();
    const keychain = new Keychain('linux', (service, account, options) => {
      if (!available) throw new Error('Platform failure: DBus error: Failed to connect to socket');
      return factory(service, account, options);
    });
    expect(() => keychain.get('svc', 'A')).toThrow(expect.objectContaining({ code: 'KEYCHAIN_UNAVAILABLE' }));
    available = true;
    expect(keychain.get('svc', 'A')).toBeNull();
    expect(created).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')(
    'stores values in the real Secret Service, where secret-tool finds them',
    () => {
      requireRealKeychain();
      const service = `pipeline-studio/test-${randomUUID()}/staging`;
      const keychain = new Keychain();
      keychain.set(service, 'IPQS_API_KEY', 'value-seen-by-secret-tool');
      try {
        const found = execFileSync('secret-tool', ['lookup', 'service', service, 'username', 'IPQS_API_KEY'], {
          encoding: 'utf8',
        });
        expect(found).toBe('value-seen-by-secret-tool');
      } finally {
        expect(keychain.delete(service, 'IPQS_API_KEY')).toBe(true);
      }
      expect(keychain.get(service, 'IPQS_API_KEY')).toBeNull();
    },
  );
});
