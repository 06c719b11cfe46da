import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../../testing/harness';
import { openRuntimeDatabase } from '../open-database';
import { migrate, migrationHash, migrations } from './index';

const tempDir = useTempDirs();

// Each migration: migrate to N-1, write rows, migrate to N, check the rows and the new tables.
describe('runtime.db migrations', () => {
  it('001-bundles: one active pointer, versions referencing stored content', () => {
    const db = openRuntimeDatabase(tempDir(), 'full');
    migrate(db, migrations, 1);
    db.prepare("INSERT INTO bundles (hash, content) VALUES ('h', '{}')").run();
    db.prepare(
      "INSERT INTO bundle_versions (version, hash, published_at, author, kind) VALUES (1, 'h', 1, 'a', 'publish')",
    ).run();
    db.prepare('INSERT INTO active_bundle (slot, version) VALUES (1, 1)').run();
    expect(() => db.prepare('INSERT INTO active_bundle (slot, version) VALUES (2, 1)').run()).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO bundle_versions (version, hash, published_at, author, kind) VALUES (2, 'nope', 1, 'a', 'publish')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('002-secrets keeps the bundles and checks sealed value sizes', () => {
    const db = openRuntimeDatabase(tempDir(), 'full');
    migrate(db, migrations, 1);
    db.prepare("INSERT INTO bundles (hash, content) VALUES ('h', '{}')").run();
    migrate(db, migrations, 2);
    expect(db.prepare('SELECT hash FROM bundles').all()).toEqual([{ hash: 'h' }]);
    expect(() =>
      db
        .prepare("INSERT INTO secrets (name, iv, tag, ciphertext, updated_at) VALUES ('A', x'00', x'00', x'00', 1)")
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('003-tokens keeps the secrets and stores hashes only', () => {
    const db = openRuntimeDatabase(tempDir(), 'full');
    migrate(db, migrations, 2);
    db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
    migrate(db, migrations, 3);
    expect(db.prepare('SELECT value FROM meta').all()).toEqual([{ value: 'v' }]);
    expect(() =>
      db.prepare("INSERT INTO tokens (id, hash, scopes, name, created_at) VALUES ('i', 'short', '[]', '', 1)").run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('004-capture keeps the tokens and adds events and traces', () => {
    const db = openRuntimeDatabase(tempDir(), 'full');
    migrate(db, migrations, 3);
    db.prepare(
      `INSERT INTO tokens (id, hash, scopes, name, created_at) VALUES ('i', '${'a'.repeat(64)}', '[]', '', 1)`,
    ).run();
    migrate(db, migrations, 4);
    expect(db.prepare('SELECT id FROM tokens').all()).toEqual([{ id: 'i' }]);
    db.prepare("INSERT INTO captured_events (id, hook, at, line) VALUES ('e', 'signup.before', 1, '{}')").run();
    expect(() =>
      db.prepare("INSERT INTO captured_events (id, hook, at, line) VALUES ('e', 'signup.before', 1, '{}')").run(),
    ).toThrow(/UNIQUE/);
    db.close();
  });

  it('005-rollouts rebuilds the versions (kind rollout, rollout_id) keeping history and the active pointer', () => {
    const db = openRuntimeDatabase(tempDir(), 'full');
    migrate(db, migrations, 4);
    db.exec(`
      INSERT INTO bundles (hash, content) VALUES ('h', '{}'), ('c', '{"c":1}');
      INSERT INTO bundle_versions (version, hash, published_at, author, message, kind) VALUES (1, 'h', 1, 'a', 'm', 'publish');
      INSERT INTO bundle_versions (version, hash, published_at, author, kind, restored_from) VALUES (2, 'h', 2, 'a', 'rollback', 1);
      INSERT INTO active_bundle (slot, version) VALUES (1, 2);
      INSERT INTO traces (trace_id, hook, started_at, json) VALUES ('t', 'signup.before', 1, '{}');
    `);
    migrate(db, migrations, 5);
    expect(db.prepare('SELECT * FROM active_bundle').all()).toEqual([{ slot: 1, version: 2 }]);
    expect(db.prepare('SELECT version, message, kind, restored_from, rollout_id FROM bundle_versions').all()).toEqual([
      { version: 1, message: 'm', kind: 'publish', restored_from: null, rollout_id: null },
      { version: 2, message: '', kind: 'rollback', restored_from: 1, rollout_id: null },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare("SELECT name FROM sqlite_temp_schema WHERE type = 'table'").all()).toEqual([]);
    // The rebuilt table still guards its references and the pointer still points into it.
    expect(() => db.prepare('UPDATE active_bundle SET version = 9').run()).toThrow(/FOREIGN KEY/);
    const rollout = db.prepare(
      `INSERT INTO rollouts (id, mode, percent, sticky_by, guard, state, started_at, author, base_version, base_hash,
         candidate_version, candidate_hash, revision)
       VALUES (?, 'canary', 10, 'user.id', '{}', ?, 1, 'a', 2, 'h', ?, 'c', 1)`,
    );
    rollout.run('ro_1', 'running', 3);
    expect(() => rollout.run('ro_2', 'running', 4)).toThrow(/UNIQUE/);
    expect(() => rollout.run('ro_2', 'aborted', 3)).toThrow(/UNIQUE/);
    const promoted = db.prepare(
      "INSERT INTO bundle_versions (version, hash, published_at, author, kind, rollout_id) VALUES (3, 'c', 3, 'a', ?, ?)",
    );
    expect(() => promoted.run('rollout', null)).toThrow(/CHECK/);
    expect(() => promoted.run('publish', 'ro_1')).toThrow(/CHECK/);
    expect(() => promoted.run('rollout', 'ro_nope')).toThrow(/FOREIGN KEY/);
    promoted.run('rollout', 'ro_1');
    expect(() =>
      db
        .prepare(
          "INSERT INTO rollout_counts (rollout_id, instance_id, counts, updated_at) VALUES ('ro_9', 'i', '{}', 1)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses an edited migration and a database from a newer runtime, naming the file', () => {
    const dir = tempDir();
    const db = openRuntimeDatabase(dir, 'full');
    expect(migrate(db, migrations)).toEqual([1, 2, 3, 4, 5]);
    expect(migrate(db, migrations)).toEqual([]);
    const edited = migrations.map((m, i) => (i === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => migrate(db, edited)).toThrow(/002-secrets was edited/);
    expect(() => migrate(db, migrations.slice(0, 4))).toThrow(/newer runtime/);
    expect(migrationHash('a\r\nb')).toBe(migrationHash('a\nb'));
    db.close();
    const raw = new Database(path.join(dir, 'runtime.db'));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });
});
