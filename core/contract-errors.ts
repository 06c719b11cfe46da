import { commonErrorCodes, ContractError } from '../shared/contract';
import { isSecretStoreError } from './secrets';
import { isStoreError, type StoreErrorCode } from './store';

// The core's one table from error class to contract code, applied once by the router
// (core/router.ts) and by the CLI's commands that call handlers (cli/commands/publish-access.ts).
// How the store's and the keychain's failures reach the page. Their messages are written for an
// admin (they name the file, say what to install or unlock) and never carry a secret value
// (core/secrets/errors.ts cuts it out), so they are passed on whole. Each becomes the channel's
// own code when the channel declares it, else the common code that means the same to the UI
// (UNAVAILABLE, INVALID_INPUT); anything unknown stays an exception and the router turns it into
// INTERNAL with a generic message.

/** The code a store failure is reported with, before the channel's declared codes are applied. */
const storeCodes: Partial<Record<StoreErrorCode, string>> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID: 'INVALID',
  // The workspace cannot be used as it is: the message says why and what to do.
  READ_ONLY: 'STORE_UNAVAILABLE',
  DISK_FULL: 'STORE_UNAVAILABLE',
  CORRUPT: 'STORE_UNAVAILABLE',
  BUSY: 'STORE_UNAVAILABLE',
  MIGRATION_CHANGED: 'STORE_UNAVAILABLE',
  SCHEMA_TOO_NEW: 'STORE_UNAVAILABLE',
  IO: 'STORE_UNAVAILABLE',
  // CLOSED is left out: after close() only a bug calls the store, and a bug is INTERNAL.
};

/** Where a code goes when the channel does not declare it. */
const fallbacks: Record<string, string> = {
  STORE_UNAVAILABLE: 'UNAVAILABLE',
  KEYCHAIN_UNAVAILABLE: 'UNAVAILABLE',
  NOT_FOUND: 'INVALID_INPUT',
  CONFLICT: 'INVALID_INPUT',
  INVALID: 'INVALID_INPUT',
};

function classify(error: unknown): { code: string; message: string } | null {
  if (error instanceof ContractError) return { code: error.code, message: error.message };
  if (isStoreError(error)) {
    const code = storeCodes[error.code];
    return code ? { code, message: error.message } : null;
  }
  if (isSecretStoreError(error)) {
    switch (error.code) {
      case 'KEYCHAIN_UNAVAILABLE':
      case 'KEYCHAIN_FAILED':
        return { code: 'KEYCHAIN_UNAVAILABLE', message: error.message };
      case 'UNKNOWN_ENVIRONMENT':
        return { code: 'NOT_FOUND', message: error.message };
      default:
        return { code: 'INVALID', message: error.message };
    }
  }
  return null;
}

/**
 * The error a handler of a channel declaring `declared` should throw for `error`: a ContractError
 * for the store's and the keychain's failures (and the handlers' own ContractErrors, moved to a
 * common code where the channel does not declare theirs), `error` itself for anything else.
 */
export function toContractError(error: unknown, declared: readonly string[]): unknown {
  const known = classify(error);
  if (!known) return error;
  const code = declared.includes(known.code) ? known.code : (fallbacks[known.code] ?? known.code);
  if (error instanceof ContractError && code === error.code) return error;
  return new ContractError(code, known.message);
}

// A handler may answer with its channel's own codes and with the common ones every channel may
// give (an unknown environment is INVALID_INPUT, a store that cannot be written UNAVAILABLE), but
// never INTERNAL: that one always carries the router's generic message, so no handler's detail
// reaches the page through it.
const passableCommonCodes: readonly string[] = commonErrorCodes.filter((code) => code !== 'INTERNAL');

/**
 * What a channel declaring `declared` answers for `error`, or null when it must be hidden behind
 * INTERNAL (a bug, or a code the channel may not give).
 */
export function contractAnswer(error: unknown, declared: readonly string[]): { code: string; message: string } | null {
  const translated = toContractError(error, declared);
  if (!(translated instanceof ContractError)) return null;
  const { code, message } = translated;
  return declared.includes(code) || passableCommonCodes.includes(code) ? { code, message } : null;
}
