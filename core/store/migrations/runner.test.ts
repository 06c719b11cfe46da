import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { StoreError } from '../errors';
import { buildChildScript, removeChildScript, runChildForJson } from '../testing/child-process';
import { useTempDirs } from '../testing/temp-dirs';
import { appliedMigrations, latestSchemaVersion, migrate, migrationHash, migrations, type Migration } from './index';

const tempDir = useTempDirs();

describe('migrate', () => {
  it('applies every migration once, recording each one with the SHA-256 of its SQL', () => {
    const db = openDatabase(tempDir());
    expect(migrate(db, migrations, { now: () => 1000 })).toEqual(migrations.map((m) => m.version));
    expect(migrate(db, migrations)).toEqual([]);
    const applied = appliedMigrations(db);
    expect(applied).toHaveLength(latestSchemaVersion);
    applied.forEach((record, i) => {
      const migration = migrations[i]!;
      expect(record).toEqual({
        version: migration.version,
        name: migration.name,
        sha256: migrationHash(migration.sql),
        appliedAt: 1000,
      });
    });
    db.close();
  });

  it('refuses a database whose applied migration was edited afterwards, naming the migration', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    migrate(db, migrations);
    const edited: Migration[] = migrations.map((m) => (m.version === 3 ? { ...m, sql: `${m.sql}\n-- tweak` } : m));
    const attempt = () => migrate(db, edited);
    expect(attempt).toThrow(StoreError);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'MIGRATION_CHANGED', path: path.join(dir, 'workspace.db') }),
    );
    expect(attempt).toThrow(/003-pipeline was edited after it was applied/);
    db.close();
  });

  it('does not count line endings as an edit', () => {
    expect(migrationHash('CREATE TABLE a (x INTEGER);\r\nSELECT 1;')).toBe(
      migrationHash('CREATE TABLE a (x INTEGER);\nSELECT 1;'),
    );
  });

  it('refuses a database written by a newer studio', () => {
    const db = openDatabase(tempDir());
    migrate(db, migrations);
    expect(() => migrate(db, migrations.slice(0, 5))).toThrow(expect.objectContaining({ code: 'SCHEMA_TOO_NEW' }));
    db.close();
  });

  it('rolls a failing migration back completely, recording nothing', () => {
    const db = openDatabase(tempDir());
    migrate(db, migrations, { to: 2 });
    const broken: Migration[] = [
      ...migrations.slice(0, 2),
      { version: 3, name: '003-broken', sql: 'CREATE TABLE half (x INTEGER) STRICT; CREATE TABLE oops (' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(appliedMigrations(db).map((m) => m.version)).toEqual([1, 2]);
    expect(db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a list with a gap in its numbering', () => {
    const db = openDatabase(tempDir());
    expect(() => migrate(db, [migrations[0]!, migrations[2]!])).toThrow(/numbered 1, 2, 3/);
    db.close();
  });

  it('makes every ordinary table STRICT', () => {
    const db = openDatabase(tempDir());
    migrate(db, migrations);
    const tables = db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table'",
      )
      .all()
      // FTS5 keeps its index in shadow tables it creates itself; they cannot be STRICT.
      .filter((t) => !t.name.startsWith('trace_search') && !t.name.startsWith('sqlite_'));
    expect(tables.length).toBeGreaterThan(10);
    expect(tables.filter((t) => t.strict !== 1).map((t) => t.name)).toEqual([]);
    db.close();
  });
});

describe('two processes opening a new folder at once', () => {
  let child = '';
  beforeAll(async () => {
    child = await buildChildScript(fileURLToPath(new URL('../testing/store-child.ts', import.meta.url)));
  });
  afterAll(() => removeChildScript(child));

  it('migrate it once and agree on the workspace id', async () => {
    const dir = tempDir();
    const opened = await Promise.all(
      Array.from({ length: 4 }, () => runChildForJson<{ id: string }>(child, ['open', dir])),
    );
    expect(new Set(opened.map((o) => o.id)).size).toBe(1);
    const db = openDatabase(dir);
    expect(appliedMigrations(db)).toHaveLength(latestSchemaVersion);
    db.close();
  });
});
