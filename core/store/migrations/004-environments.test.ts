import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 004-environments', () => {
  it('keeps the pipeline and creates staging and production', () => {
    const db = openAtVersion(tempDir(), 3);
    db.prepare("INSERT INTO pipeline_env VALUES ('REGION', 'eu', 0)").run();
    migrateTo(db, 4);
    expect(db.prepare('SELECT value FROM pipeline_env').get()).toEqual({ value: 'eu' });
    const names = db.prepare<[], { name: string }>('SELECT name FROM environments ORDER BY rowid').all();
    expect(names.map((row) => row.name)).toEqual(['staging', 'production']);
    db.close();
  });

  it('allows only names that fit in a keychain service name, and drops secret names with their environment', () => {
    const db = openAtVersion(tempDir(), 4);
    for (const bad of ['Prod', 'a/b', '-x', '', 'x'.repeat(33)]) {
      expect(() => db.prepare('INSERT INTO environments (name, created_at) VALUES (?, 1)').run(bad)).toThrow(/CHECK/);
    }
    db.prepare("INSERT INTO environments (name, created_at) VALUES ('eu-west-1', 1)").run();
    db.prepare("INSERT INTO environment_secrets VALUES ('eu-west-1', 'API_KEY', 1)").run();
    db.prepare("DELETE FROM environments WHERE name = 'eu-west-1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM environment_secrets').get()).toEqual({ n: 0 });
    expect(
      db.prepare("SELECT * FROM pragma_table_info('environment_secrets') WHERE name LIKE '%value%'").all(),
    ).toEqual([]);
    db.close();
  });
});
