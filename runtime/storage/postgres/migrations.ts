import type pg from 'pg';
import type { Migration } from '../sqlite/migrations/migration';
import { MigrationError, migrationHash } from '../sqlite/migrations/runner';

// The PostgreSQL schema, as numbered migrations like runtime.db's (same tables, PostgreSQL types:
// BIGINT epoch milliseconds, BYTEA sealed values, TEXT[] scopes, BIGSERIAL capture order). Append
// new ones; never edit or renumber a shipped one: each is recorded with the SHA-256 of its SQL and
// an edited one stops the start.
//
// Several instances start at once against one database: the whole run holds a transaction-level
// advisory lock, so one applies the migrations and the others wait, then find them applied.

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: '001-bundles',
    // The pointer row exists from the start (version NULL: nothing active), so that the first
    // publishes lock it like every later one: `FOR UPDATE` cannot lock a row that is not there.
    sql: `
CREATE TABLE bundles (
  hash TEXT PRIMARY KEY,
  content TEXT NOT NULL
);
CREATE TABLE bundle_versions (
  version INTEGER PRIMARY KEY CHECK (version >= 1),
  hash TEXT NOT NULL REFERENCES bundles (hash),
  published_at BIGINT NOT NULL,
  author TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('publish', 'rollback')),
  restored_from INTEGER REFERENCES bundle_versions (version)
);
CREATE TABLE active_bundle (
  slot INTEGER PRIMARY KEY CHECK (slot = 1),
  version INTEGER REFERENCES bundle_versions (version)
);
INSERT INTO active_bundle (slot, version) VALUES (1, NULL);
`,
  },
  {
    version: 2,
    name: '002-secrets',
    sql: `
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  iv BYTEA NOT NULL CHECK (length(iv) = 12),
  tag BYTEA NOT NULL CHECK (length(tag) = 16),
  ciphertext BYTEA NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 3,
    name: '003-tokens',
    sql: `
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL CHECK (length(hash) = 64),
  scopes TEXT[] NOT NULL,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
`,
  },
  {
    version: 4,
    name: '004-capture',
    sql: `
CREATE TABLE captured_events (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  hook TEXT NOT NULL,
  at BIGINT NOT NULL,
  line TEXT NOT NULL
);
CREATE INDEX captured_events_at ON captured_events (at);
CREATE INDEX captured_events_hook_at ON captured_events (hook, at);
CREATE TABLE traces (
  seq BIGSERIAL PRIMARY KEY,
  trace_id TEXT NOT NULL,
  hook TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX traces_started_at ON traces (started_at);
`,
  },
  {
    version: 5,
    name: '005-rollouts',
    // As runtime.db's 005-rollouts (a promoted candidate is a version of kind `rollout` naming its
    // rollout; at most one rollout runs), but PostgreSQL changes a CHECK in place.
    sql: `
CREATE TABLE rollouts (
  id TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('canary', 'shadow')),
  percent INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 100),
  sticky_by TEXT NOT NULL,
  guard TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'promoted', 'aborted', 'rolled-back')),
  reason TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  author TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  base_version INTEGER NOT NULL REFERENCES bundle_versions (version),
  base_hash TEXT NOT NULL,
  candidate_version INTEGER NOT NULL UNIQUE CHECK (candidate_version >= 1),
  candidate_hash TEXT NOT NULL REFERENCES bundles (hash),
  revision INTEGER NOT NULL CHECK (revision >= 1)
);
CREATE UNIQUE INDEX rollouts_one_running ON rollouts (state) WHERE state = 'running';
CREATE INDEX rollouts_started_at ON rollouts (started_at);
ALTER TABLE bundle_versions
  DROP CONSTRAINT bundle_versions_kind_check,
  ADD CONSTRAINT bundle_versions_kind_check CHECK (kind IN ('publish', 'rollback', 'rollout')),
  ADD COLUMN rollout_id TEXT REFERENCES rollouts (id),
  ADD CONSTRAINT bundle_versions_rollout_id_check CHECK ((kind = 'rollout') = (rollout_id IS NOT NULL));
CREATE TABLE rollout_counts (
  rollout_id TEXT NOT NULL REFERENCES rollouts (id),
  instance_id TEXT NOT NULL,
  counts TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (rollout_id, instance_id)
);
CREATE TABLE rollout_differences (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL,
  rollout_id TEXT NOT NULL REFERENCES rollouts (id),
  at BIGINT NOT NULL,
  hook TEXT NOT NULL,
  kinds TEXT NOT NULL,
  event TEXT NOT NULL,
  active_outcome TEXT NOT NULL,
  candidate_outcome TEXT NOT NULL,
  active_trace_id TEXT NOT NULL,
  candidate_trace_id TEXT NOT NULL,
  UNIQUE (rollout_id, id)
);
CREATE INDEX rollout_differences_rollout_at ON rollout_differences (rollout_id, at);
CREATE INDEX traces_trace_id ON traces (trace_id);
`,
  },
];

/** Any constant: the advisory lock that serialises migration runs on one database. */
const migrationLockKey = 0x70_69_70_65;

/** Applies what is missing in one transaction; returns the versions this call applied. */
export async function migratePostgres(
  client: pg.ClientBase,
  migrations: readonly Migration[] = postgresMigrations,
  to?: number,
): Promise<number[]> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration ${migration.name} is numbered ${migration.version} at position ${index + 1}`);
    }
  });
  const target = to ?? migrations.length;
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    );
    const done = (
      await client.query<{ version: number; name: string; sha256: string }>(
        'SELECT version, name, sha256 FROM schema_migrations ORDER BY version',
      )
    ).rows;
    for (const record of done) {
      const known = migrations[record.version - 1];
      if (!known) {
        throw new MigrationError(
          `the database has migration ${record.name} (version ${record.version}), which this runtime does not know: ` +
            'it was written by a newer runtime',
        );
      }
      if (migrationHash(known.sql) !== record.sha256) {
        throw new MigrationError(`migration ${known.name} was edited after it was applied to this database`);
      }
    }
    for (const migration of migrations.slice(done.length, target)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES ($1, $2, $3, $4)', [
        migration.version,
        migration.name,
        migrationHash(migration.sql),
        Date.now(),
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return applied;
}
