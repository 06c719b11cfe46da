import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 010-run-environment', () => {
  it('keeps the runs there are, with no environment, and stores one as text (STRICT)', () => {
    const db = openAtVersion(tempDir(), 9);
    db.prepare("INSERT INTO replay_runs (started_at, status, bundle_hash, label) VALUES (1, 'done', 'h', 'old')").run();
    migrateTo(db, 10);
    expect(db.prepare('SELECT label, environment FROM replay_runs').all()).toEqual([
      { label: 'old', environment: null },
    ]);
    const insert = db.prepare(
      "INSERT INTO replay_runs (started_at, status, bundle_hash, environment) VALUES (2, 'done', 'h', ?)",
    );
    insert.run('production');
    expect(() => insert.run(Buffer.from('production'))).toThrow(/cannot store BLOB value in TEXT column/);
    db.close();
  });
});
