import { describe, expect, it } from 'vitest';
import { keychainError, SecretStoreError } from './errors';

const noBus = new Error(
  'Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory',
);
const locked = new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed");
const noCollection = new Error("Couldn't access platform storage: Secret Service: no result found");

describe('keychainError', () => {
  it('reports a missing D-Bus session as KEYCHAIN_UNAVAILABLE, saying what to install and run', () => {
    const error = keychainError(noBus, 'linux');
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(/No OS keychain is reachable/);
    expect(error.message).toMatch(/gnome-keyring/);
    expect(error.message).toMatch(/libsecret/);
    expect(error.message).toMatch(/D-Bus session/);
    expect(error.message).toMatch(/never in plain text/);
    expect(error.message).toContain('Failed to connect to socket');
  });

  it('reports a locked keyring, or one without a default collection, as KEYCHAIN_UNAVAILABLE asking to unlock it', () => {
    for (const cause of [locked, noCollection]) {
      const error = keychainError(cause, 'linux');
      expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
      expect(error.message).toMatch(/keyring is locked/);
      expect(error.message).toMatch(/Unlock the keyring/);
      expect(error.message).toMatch(/never stored in plain text/);
    }
  });

  it('speaks of the Keychain on macOS and Credential Manager on Windows', () => {
    expect(keychainError(new Error("Couldn't access platform storage: locked"), 'darwin').message).toMatch(
      /macOS Keychain/,
    );
    expect(keychainError(new Error('Platform failure: Credential Manager offline'), 'win32').message).toMatch(
      /Windows Credential Manager/,
    );
  });

  it('keeps other failures apart as KEYCHAIN_FAILED', () => {
    expect(keychainError(new Error('Entry is matched by 2 credentials'), 'linux').code).toBe('KEYCHAIN_FAILED');
  });

  it('never repeats the value being written, even if the platform put it in its message', () => {
    const value = 'hunter2-VERY-distinctive';
    const error = keychainError(
      new Error(`Platform failure: DBus error: bad secret ${value} rejected`),
      'linux',
      value,
    );
    expect(error.message).not.toContain(value);
    expect(error.message).toContain('[redacted]');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain(value);
  });
});
