import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { retryWhileBusy } from './busy-retry';
import { databaseFileName } from './data-dir';
import { StoreError, toStoreError } from './errors';

// Opening the workspace database with the settings every connection needs:
// - WAL, so the trace list can be read while a replay writes traces;
// - a busy timeout, so a second process (the CLI while the app is open) waits for the lock
//   instead of failing at once;
// - foreign keys on (SQLite's default is off, per connection);
// - synchronous=FULL: a saved script version must survive a power cut, not just a crash, and
//   traces are written in batches, so the extra fsync per commit costs little;
// - auto_vacuum=INCREMENTAL (only takes effect on a new file), so trace cleanup can hand freed
//   pages back to the file system;
// - trusted_schema off: SQL functions are never run from values stored in the schema.
// Failures are translated into StoreErrors naming the file or folder (errors.ts). Setting up a
// connection is retried while SQLite answers SQLITE_BUSY without waiting (busy-retry.ts).

export interface DatabaseOptions {
  /** How long a write waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Caps the database size (rounded to pages); writes beyond it fail with DISK_FULL. */
  maxSizeBytes?: number;
}

export const defaultBusyTimeoutMs = 5000;

export function databasePath(dir: string): string {
  return path.join(dir, databaseFileName);
}

export function openDatabase(dir: string, options: DatabaseOptions = {}): Database.Database {
  const file = databasePath(dir);
  try {
    // Recorded events hold (redacted) user data: a folder the studio creates is its user's alone.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // On a read-only mount Node reports ENOENT for a recursive mkdir: name the folder that refused.
    const parent = nearestExistingFolder(dir);
    if (parent !== undefined && !isWritable(parent)) {
      throw new StoreError(
        'READ_ONLY',
        `Cannot create the data folder ${dir}: ${parent} is read-only. ` +
          'Give your user write access to it, or choose another data folder with --data.',
        parent,
        { cause: error },
      );
    }
    throw toStoreError(error, dir);
  }
  // SQLite would report a read-only folder only at the first write (or as "unable to open"),
  // so it is checked up front where the message can name the folder.
  ensureWritable(dir);
  const isNew = !existsSync(file);
  if (!isNew) {
    ensureWritable(file);
    ensureSqliteHeader(file);
  }

  const timeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
  try {
    return retryWhileBusy(() => connect(file, isNew, timeoutMs, options), { timeoutMs });
  } catch (error) {
    throw toStoreError(error, file);
  }
}

/** One connection with every setting; closed again if any of them fails. */
function connect(file: string, isNew: boolean, timeoutMs: number, options: DatabaseOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: timeoutMs });
    // SQLite gives the -wal and -shm files the mode of the database file, so this covers them too.
    if (isNew) chmodSync(file, 0o600);
    // First, while a new file is still empty: switching to WAL writes the header, and after that
    // auto_vacuum can no longer change. It is also the first statement to read the header, so a
    // damaged file that still starts like SQLite fails here, before anything is written to it.
    db.pragma('auto_vacuum = INCREMENTAL');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new StoreError(
        'IO',
        `The workspace at ${file} could not switch to WAL mode (got "${String(mode)}").`,
        file,
      );
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
    db.pragma('journal_size_limit = 67108864');
    if (options.maxSizeBytes !== undefined) {
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
    }
    return db;
  } catch (error) {
    db?.close();
    throw error;
  }
}

const sqliteHeader = 'SQLite format 3\u0000';

/**
 * Refuses a file that is not SQLite before SQLite opens it: closing a connection to such a file
 * deletes a -wal and -shm beside it, and a damaged file must be left exactly as it was found.
 */
function ensureSqliteHeader(file: string): void {
  if (statSync(file).size === 0) return; // SQLite treats an empty file as a new database.
  const header = Buffer.alloc(sqliteHeader.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== sqliteHeader) {
    throw toStoreError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }), file);
  }
}

function nearestExistingFolder(dir: string): string | undefined {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (existsSync(current)) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

function isWritable(target: string): boolean {
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function ensureWritable(target: string): void {
  try {
    accessSync(target, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw toStoreError(error, target);
  }
}

/**
 * Renames a damaged database (and its -wal and -shm files) to `<name>.corrupt-<timestamp>`, so
 * that the next open starts a new, empty workspace. Never called implicitly: the studio asks the
 * user first, because the file may still be recoverable by other tools. Returns the new path.
 */
export function moveCorruptDatabaseAside(dir: string, now: Date = new Date()): string {
  const file = databasePath(dir);
  if (!existsSync(file)) throw new StoreError('NOT_FOUND', `There is no workspace database at ${file}.`, file);
  // ISO time without ":" and ".", which Windows does not allow in file names.
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const moved = `${file}.corrupt-${stamp}`;
  try {
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, `${moved}${suffix}`);
    }
    renameSync(file, moved);
  } catch (error) {
    throw toStoreError(error, file);
  }
  return moved;
}
