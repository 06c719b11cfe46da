// Failures of the OS keychain, in words that say what to install or unlock. There is no
// plaintext fallback anywhere: when the keychain cannot be used, setting or reading a secret
// fails with KEYCHAIN_UNAVAILABLE. No message here ever carries a secret value: the platform's
// text is included for diagnosis, and the value being written is cut out of it if it appears.

export type SecretStoreErrorCode =
  /** No keychain to talk to: no D-Bus session, no Secret Service, or the keyring is locked. */
  | 'KEYCHAIN_UNAVAILABLE'
  /** The keychain answered with an error (e.g. two entries match one name). */
  | 'KEYCHAIN_FAILED'
  | 'INVALID_NAME'
  | 'INVALID_VALUE'
  | 'UNKNOWN_ENVIRONMENT';

export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
    /**
     * For KEYCHAIN_UNAVAILABLE: what to install or unlock, without the platform's own text (the
     * Secrets screen shows it before anything is typed: secrets.keychain).
     */
    readonly advice?: string,
  ) {
    // No `cause`: the platform error is summarised in the message and must not travel further
    // (a logger printing causes would print whatever the platform put there).
    super(message);
    this.name = 'SecretStoreError';
  }
}

export function isSecretStoreError(error: unknown, code?: SecretStoreErrorCode): error is SecretStoreError {
  return error instanceof SecretStoreError && (code === undefined || error.code === code);
}

const linuxHelp =
  'Pipeline Studio keeps secret values only in the Secret Service (gnome-keyring, KWallet or ' +
  'KeePassXC) and never in plain text. Install gnome-keyring and libsecret (Debian/Ubuntu: ' +
  '`sudo apt-get install gnome-keyring libsecret-1-0 libsecret-tools`), run the studio inside a ' +
  'D-Bus session (a desktop login has one; over SSH use `dbus-run-session`), and unlock the keyring.';

/** Turns what @napi-rs/keyring threw into a SecretStoreError; `value` is cut out of the text. */
export function keychainError(error: unknown, platform: NodeJS.Platform, value?: string): SecretStoreError {
  let detail = error instanceof Error ? error.message : String(error);
  if (value) detail = detail.split(value).join('[redacted]');
  const unavailable =
    /platform storage|dbus|d-bus|secret service|org\.freedesktop\.secrets|no storage|keychain|credential manager|locked|unlock|prompt/i.test(
      detail,
    );
  if (!unavailable) return new SecretStoreError('KEYCHAIN_FAILED', `The OS keychain refused the request: ${detail}`);
  const advice = unavailableAdvice(detail, platform);
  const said = platform === 'darwin' || platform === 'win32' ? ` (${detail})` : `: ${detail}`;
  return new SecretStoreError('KEYCHAIN_UNAVAILABLE', `${advice.what}${said}. ${advice.todo}`, advice.todo);
}

function unavailableAdvice(detail: string, platform: NodeJS.Platform): { what: string; todo: string } {
  if (platform === 'darwin') {
    return {
      what: 'The macOS Keychain is not available',
      todo: 'Unlock your login keychain (Keychain Access) and try again; secret values are never stored in plain text.',
    };
  }
  if (platform === 'win32') {
    return {
      what: 'Windows Credential Manager is not available',
      todo:
        'Sign in to Windows with your own account (Credential Manager needs a user profile) and try again; ' +
        'secret values are never stored in plain text.',
    };
  }
  if (/locked|unlock|prompt|dismissed|no result found/i.test(detail)) {
    return {
      what: 'The keyring is locked or has no default collection',
      todo:
        'Unlock the keyring (log in to the desktop, or open Passwords and Keys / Seahorse and unlock or create ' +
        'the default "login" keyring) and try again; secret values are never stored in plain text.',
    };
  }
  return { what: 'No OS keychain is reachable (Secret Service over D-Bus)', todo: linuxHelp };
}
