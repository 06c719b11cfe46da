// OS-keychain secrets of a workspace (see secret-store.ts). Values live only in the keychain.
export { SecretStore, keychainServicePrefix, type SecretNameIndex, type SecretStoreOptions } from './secret-store';
export { RuntimeTokenStore } from './runtime-tokens';
export { Keychain, entryOptionsFor, keychainLabel, type EntryFactory, type KeychainEntry } from './keychain';
export { SecretStoreError, isSecretStoreError, keychainError, type SecretStoreErrorCode } from './errors';
