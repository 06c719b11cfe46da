import { Entry, type EntryOptions } from '@napi-rs/keyring';
import { keychainError } from './errors';

// The OS keychain through @napi-rs/keyring. On Linux the entry is pinned to the Secret Service:
// left to itself the library falls back to the kernel keyring (keyutils) when no Secret Service
// answers, which is not persistent and not what an admin would expect; pinned, it throws instead,
// and that becomes KEYCHAIN_UNAVAILABLE. macOS uses the login Keychain and Windows the Credential
// Manager, the library's only stores there. Entries are cached per (service, account): creating
// one opens a D-Bus connection on Linux. A failed creation is not cached, so once the user starts
// or unlocks the keyring the next call works without restarting the studio.

export interface KeychainEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
  deleteCredential(): boolean;
}

export type EntryFactory = (service: string, account: string, options: EntryOptions) => KeychainEntry;

export function entryOptionsFor(platform: NodeJS.Platform): EntryOptions {
  return platform === 'linux' ? { linux: { store: 'secret-service' } } : {};
}

/** What the UI calls the keychain that holds the values on this platform. */
export function keychainLabel(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (GNOME Keyring / KWallet)';
}

export class Keychain {
  private readonly entries = new Map<string, KeychainEntry>();

  constructor(
    readonly platform: NodeJS.Platform = process.platform,
    private readonly createEntry: EntryFactory = (service, account, options) => new Entry(service, account, options),
  ) {}

  /** The value, or null when there is none; KEYCHAIN_UNAVAILABLE when the keychain cannot be asked. */
  get(service: string, account: string): string | null {
    return this.call(service, account, (entry) => entry.getPassword());
  }

  set(service: string, account: string, value: string): void {
    this.call(service, account, (entry) => entry.setPassword(value), value);
  }

  /** true when a value was deleted, false when there was none. */
  delete(service: string, account: string): boolean {
    return this.call(service, account, (entry) => entry.deleteCredential());
  }

  private call<T>(service: string, account: string, use: (entry: KeychainEntry) => T, value?: string): T {
    try {
      return use(this.entry(service, account));
    } catch (error) {
      throw keychainError(error, this.platform, value);
    }
  }

  private entry(service: string, account: string): KeychainEntry {
    const key = `${service}\u0000${account}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.createEntry(service, account, entryOptionsFor(this.platform));
      this.entries.set(key, entry);
    }
    return entry;
  }
}
