import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion, tableNames } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 001-workspace', () => {
  it('creates the workspace row with a random 32-hex id', () => {
    const db = openAtVersion(tempDir(), 0);
    expect(tableNames(db)).toEqual(['schema_migrations']);
    migrateTo(db, 1);
    const row = db.prepare<[], { id: string; name: string; singleton: number }>('SELECT * FROM workspace').get();
    expect(row?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(row?.name).toBe('pipeline');
    expect(() =>
      db.prepare("INSERT INTO workspace (singleton, id, name, created_at) VALUES (2, ?, 'x', 0)").run('0'.repeat(32)),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('gives two workspaces different ids', () => {
    const ids = [tempDir(), tempDir()].map((dir) => {
      const db = openAtVersion(dir, 1);
      const id = db.prepare<[], { id: string }>('SELECT id FROM workspace').get()?.id;
      db.close();
      return id;
    });
    expect(ids[0]).not.toBe(ids[1]);
  });
});
