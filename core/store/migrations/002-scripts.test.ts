import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();
const hash = 'a'.repeat(64);

describe('migration 002-scripts', () => {
  it('keeps the workspace row and adds scripts with immutable versions', () => {
    const db = openAtVersion(tempDir(), 1);
    db.prepare("UPDATE workspace SET name = 'acme-auth'").run();
    migrateTo(db, 2);
    expect(db.prepare<[], { name: string }>('SELECT name FROM workspace').get()?.name).toBe('acme-auth');

    db.prepare("INSERT INTO scripts (id, file, created_at) VALUES ('add-roles', 'scripts/add-roles.lua', 1)").run();
    db.prepare("INSERT INTO script_versions VALUES ('add-roles', 1, ?, 'return {}', 'first', 1)").run(hash);
    expect(() => db.prepare("UPDATE script_versions SET source = 'changed'").run()).toThrow(/immutable/);
    // Ids that differ only in case would name the same file on macOS and Windows.
    expect(() =>
      db.prepare("INSERT INTO scripts (id, file, created_at) VALUES ('Add-Roles', 'scripts/x.lua', 1)").run(),
    ).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO script_versions VALUES ('add-roles', 2, 'short', 'x', '', 1)").run()).toThrow(
      /CHECK/,
    );
    db.close();
  });
});
