import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

// runtime.db's connections. WAL, so that reads (events, traces) never wait for the capture writer;
// a busy timeout, so that `runtime token create` in another process waits for a lock instead of
// failing; foreign keys on; trusted_schema off. `synchronous` is per connection: FULL on the
// control connection (a publish, a secret or a token must survive a power cut), NORMAL on the
// capture connection (still safe against a crash of the process; losing the last captured events
// on a power cut is acceptable, and it keeps fsyncs off the hot path).

export const databaseFileName = 'runtime.db';

export function openRuntimeDatabase(dataDir: string, durability: 'full' | 'normal'): Database.Database {
  // Captured events hold (redacted) user data and the file holds sealed secrets: owner only.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, databaseFileName);
  const isNew = !existsSync(file);
  const db = new Database(file, { timeout: 5000 });
  try {
    // SQLite gives the -wal and -shm files the mode of the database file.
    if (isNew) chmodSync(file, 0o600);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`${file} could not switch to WAL mode (got "${String(mode)}")`);
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
    db.pragma('journal_size_limit = 67108864');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
