// What can go wrong with the workspace's files, in words an admin can act on. SQLite's own codes
// (SQLITE_FULL, SQLITE_NOTADB, …) and Node's (ENOSPC, EROFS, …) are translated here so that the UI
// and the CLI show one message per situation, always naming the file or folder involved.

export type StoreErrorCode =
  /** The folder or the database file cannot be written (permissions, read-only mount). */
  | 'READ_ONLY'
  /** The disk (or the configured size cap) is full; the failed write was rolled back. */
  | 'DISK_FULL'
  /** The file is not a SQLite database or its pages are damaged; it is left as it is. */
  | 'CORRUPT'
  /** Another process held the workspace for longer than the busy timeout. */
  | 'BUSY'
  /** An already applied migration's SQL was edited after it ran. */
  | 'MIGRATION_CHANGED'
  /** The database was written by a newer version of the studio. */
  | 'SCHEMA_TOO_NEW'
  | 'NOT_FOUND'
  /** The change contradicts what is stored (a duplicate, a script still in use). */
  | 'CONFLICT'
  /** A name or value breaks a rule of the workspace. */
  | 'INVALID'
  /** Any other file-system or SQLite failure. */
  | 'IO'
  | 'CLOSED';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** The file or folder the error is about, when there is one. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Translates a SQLite or file-system failure into a StoreError about `path` (the database file);
 * StoreErrors pass through unchanged and anything unknown becomes IO with the original message.
 */
export function toStoreError(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  const detail = messageOf(error);
  const make = (storeCode: StoreErrorCode, message: string) =>
    new StoreError(storeCode, message, path, { cause: error });

  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || ['EACCES', 'EPERM', 'EROFS'].includes(code)) {
    return make(
      'READ_ONLY',
      `Cannot write to the workspace at ${path}: the file or its folder is read-only (${detail}). ` +
        'Give your user write access to it, or choose another data folder with --data.',
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /ENOSPC|no space left/i.test(detail)) {
    return make(
      'DISK_FULL',
      `The disk holding ${path} is full (${detail}); the last change was not saved. ` +
        'Free some space (or delete old traces) and try again.',
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return make(
      'CORRUPT',
      `The workspace database ${path} is damaged or is not a Pipeline Studio database (${detail}). ` +
        'It was left untouched. Restore it from a backup, or move it aside to start a new workspace.',
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return make(
      'BUSY',
      `The workspace at ${path} is busy: another Pipeline Studio process kept it locked for longer ` +
        'than the wait allowed. Close the other window or command and try again.',
    );
  }
  if (error instanceof TypeError && /connection is not open/.test(detail)) {
    return make('CLOSED', `The workspace at ${path} is closed.`);
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return make('CONFLICT', `The change conflicts with what the workspace holds: ${detail}`);
  }
  return make('IO', `Reading or writing the workspace at ${path} failed: ${detail}`);
}

/**
 * True for what SQLite or the file system throws (a SQLITE_* or E* code, or the closed-connection
 * TypeError of better-sqlite3). Anything else is a programming error or the caller's own error
 * thrown inside a transaction, and is passed on untouched.
 */
export function isPlatformError(error: unknown): boolean {
  if (error instanceof StoreError) return false;
  const code = codeOf(error);
  if (/^SQLITE_/.test(code) || /^E[A-Z]+$/.test(code)) return true;
  return error instanceof TypeError && /connection is not open/.test(error.message);
}

/** toStoreError for platform failures; other errors are returned as they are. */
export function translateError(error: unknown, path: string): unknown {
  return isPlatformError(error) ? toStoreError(error, path) : error;
}

/**
 * Wraps every method of a repository so that SQLite and file-system failures surface as
 * StoreErrors about `path`; the repositories themselves stay free of error plumbing.
 */
export function guarded<T extends object>(repository: T, path: string): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(repository)) {
    wrapped[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return (value as (...a: unknown[]) => unknown).apply(repository, args);
            } catch (error) {
              throw translateError(error, path);
            }
          }
        : value;
  }
  return wrapped as T;
}
