import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors';
import type { Migration } from './migration';

// Applies numbered migrations in order, each in its own transaction together with its record in
// schema_migrations (version, name, SHA-256 of its SQL). On every open the recorded hashes are
// compared with the migrations this build carries: a migration edited after it ran would leave
// databases that ran the old text differing silently from new ones, so that is an error naming
// the file. The check and the apply happen inside one IMMEDIATE transaction, so two processes
// opening a fresh workspace at once do not both apply the same migration: the second waits
// (busy timeout) and then finds it applied.

export interface AppliedMigration {
  version: number;
  name: string;
  sha256: string;
  appliedAt: number;
}

export interface MigrateOptions {
  /** Stop after this version (tests migrate to N-1, insert, then to N). Default: the last one. */
  to?: number;
  now?: () => number;
}

/** Line endings are normalised so that a checkout with CRLF does not count as an edit. */
export function migrationHash(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

const createLedger = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`;

export function appliedMigrations(db: BetterSqlite3.Database): AppliedMigration[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return [];
  return db
    .prepare('SELECT version, name, sha256, applied_at AS appliedAt FROM schema_migrations ORDER BY version')
    .all() as AppliedMigration[];
}

/** Returns the versions applied by this call. */
export function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[],
  options: MigrateOptions = {},
): number[] {
  checkSequence(migrations);
  const target = options.to ?? migrations.length;
  const now = options.now ?? Date.now;
  const applied: number[] = [];
  const run = db.transaction(() => {
    db.exec(createLedger);
    const done = appliedMigrations(db);
    verifyApplied(db, done, migrations);
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
    for (const migration of migrations.slice(done.length, target)) {
      db.exec(migration.sql);
      insert.run(migration.version, migration.name, migrationHash(migration.sql), now());
      applied.push(migration.version);
    }
  });
  run.immediate();
  return applied;
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError(
        'IO',
        `Migration ${migration.name} has number ${migration.version} but is at position ${index + 1}: ` +
          'migrations must be numbered 1, 2, 3, … without gaps.',
      );
    }
  });
}

function verifyApplied(
  db: BetterSqlite3.Database,
  done: readonly AppliedMigration[],
  migrations: readonly Migration[],
): void {
  const file = db.name;
  for (const record of done) {
    const known = migrations[record.version - 1];
    if (!known) {
      throw new StoreError(
        'SCHEMA_TOO_NEW',
        `The workspace at ${file} was written by a newer Pipeline Studio (schema version ` +
          `${done.length}, this version knows ${migrations.length}). Update the studio to open it.`,
        file,
      );
    }
    if (migrationHash(known.sql) !== record.sha256) {
      throw new StoreError(
        'MIGRATION_CHANGED',
        `Migration ${known.name} was edited after it was applied to ${file} (recorded SHA-256 ` +
          `${record.sha256.slice(0, 12)}…, the file now hashes to ${migrationHash(known.sql).slice(0, 12)}…). ` +
          'Restore its original text and put the change in a new numbered migration.',
        file,
      );
    }
  }
}
