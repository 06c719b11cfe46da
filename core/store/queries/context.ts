import type Database from 'better-sqlite3';
import { StoreError } from '../errors';

/** What every repository gets: the open connection and the clock (injected for tests). */
export interface QueryContext {
  db: Database.Database;
  /** Epoch milliseconds. */
  now: () => number;
}

/** Times are INTEGER epoch milliseconds in the database and ISO-8601 text in the API. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Reads back JSON this store wrote itself; a failure means the row was altered outside the app. */
export function parseStoredJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StoreError('CORRUPT', `Stored JSON in ${where} is unreadable: ${(error as Error).message}`);
  }
}

/** Runs `fn` in a write transaction (BEGIN IMMEDIATE), or in a savepoint when one is open. */
export function writeTransaction<T>(db: Database.Database, fn: () => T): T {
  // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
  // would fail with SQLITE_BUSY at once (without waiting) when another process wrote in between.
  return db.transaction(fn).immediate();
}
