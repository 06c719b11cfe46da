import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 003-pipeline', () => {
  it('keeps scripts and lets hooks reference them, at most once per hook', () => {
    const db = openAtVersion(tempDir(), 2);
    db.prepare("INSERT INTO scripts (id, file, created_at) VALUES ('block', 'scripts/block.lua', 1)").run();
    db.prepare("INSERT INTO script_versions VALUES ('block', 1, ?, 'return true', '', 1)").run('b'.repeat(64));
    migrateTo(db, 3);
    expect(db.prepare('SELECT count(*) AS n FROM script_versions').get()).toEqual({ n: 1 });

    db.prepare("INSERT INTO pipeline_steps VALUES ('signup.before', 0, 0, 'block')").run();
    expect(() => db.prepare("INSERT INTO pipeline_steps VALUES ('signup.before', 1, 0, 'block')").run()).toThrow(
      /UNIQUE/,
    );
    expect(() => db.prepare("INSERT INTO pipeline_steps VALUES ('signin.before', 0, 0, 'missing')").run()).toThrow(
      /FOREIGN KEY/,
    );
    // A script in use cannot disappear from under the pipeline.
    expect(() => db.prepare("DELETE FROM scripts WHERE id = 'block'").run()).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO pipeline_env VALUES ('REGION', 'eu', 0)").run();
    db.prepare("INSERT INTO pipeline_secrets VALUES ('IPQS_API_KEY', 0)").run();
    db.close();
  });
});
