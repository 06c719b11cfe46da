import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Migration } from './migration';

// Applies runtime.db's migrations in order inside one IMMEDIATE transaction, each recorded with the
// SHA-256 of its SQL. An applied migration whose text changed since, or a database written by a
// newer runtime, stops the open: silently differing schemas are worse than a clear refusal.

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function migrationHash(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Returns the versions this call applied. `to` stops early (migration tests: N-1, insert, N). */
export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[], to?: number): number[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration ${migration.name} is numbered ${migration.version} at position ${index + 1}`);
    }
  });
  const target = to ?? migrations.length;
  const applied: number[] = [];
  const run = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    const done = db.prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version').all() as {
      version: number;
      name: string;
      sha256: string;
    }[];
    for (const record of done) {
      const known = migrations[record.version - 1];
      if (!known) {
        throw new MigrationError(
          `${db.name} was written by a newer runtime (schema version ${done.length}, this one knows ${migrations.length})`,
        );
      }
      if (migrationHash(known.sql) !== record.sha256) {
        throw new MigrationError(`migration ${known.name} was edited after it was applied to ${db.name}`);
      }
    }
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
    for (const migration of migrations.slice(done.length, target)) {
      db.exec(migration.sql);
      insert.run(migration.version, migration.name, migrationHash(migration.sql), Date.now());
      applied.push(migration.version);
    }
  });
  run.immediate();
  return applied;
}
