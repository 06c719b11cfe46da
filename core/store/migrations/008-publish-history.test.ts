import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 008-publish-history', () => {
  it('keeps traces and numbers publishes per environment', () => {
    const db = openAtVersion(tempDir(), 7);
    db.prepare(
      `INSERT INTO traces (trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, span_count, size_bytes)
       VALUES ('t1', 'signup.before', 'ok', 1, 2, 'hook signup.before', 1, 10)`,
    ).run();
    migrateTo(db, 8);
    expect(db.prepare('SELECT trace_id FROM traces').all()).toEqual([{ trace_id: 't1' }]);

    const insert = db.prepare(
      "INSERT INTO publishes (environment, version, bundle_hash, published_at, author) VALUES (?, ?, 'h', 1, 'ada')",
    );
    insert.run('staging', 1);
    insert.run('production', 1);
    expect(() => insert.run('staging', 1)).toThrow(/UNIQUE/);
    expect(() => insert.run('nowhere', 1)).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
