import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();
const nano = 1_795_000_000_000_000_123n;

describe('migration 007-traces', () => {
  it('keeps replay runs and stores traces, spans and their search text as one unit', () => {
    const db = openAtVersion(tempDir(), 6);
    db.prepare("INSERT INTO replay_runs (started_at, status, bundle_hash) VALUES (1, 'done', 'h')").run();
    migrateTo(db, 7);
    expect(db.prepare('SELECT status FROM replay_runs').get()).toEqual({ status: 'done' });

    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO traces (trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, span_count, size_bytes)
         VALUES ('t1', 'signup.before', 'denied', ?, ?, 'hook signup.before', 1, 10)`,
      )
      .run(nano, nano + 5n);
    db.prepare(
      `INSERT INTO spans VALUES ('t1', 0, 's1', NULL, 'hook signup.before', 'hook', ?, ?, 'OK', NULL, '{}', '[]')`,
    ).run(nano, nano + 5n);
    db.prepare('INSERT INTO trace_search (rowid, text) VALUES (?, ?)').run(
      lastInsertRowid,
      'Blocked Mailinator address',
    );
    // Nanosecond times beyond 2^53 are stored exactly.
    const stored = db.prepare('SELECT start_unix_nano AS start FROM traces').safeIntegers(true).get() as {
      start: bigint;
    };
    expect(stored.start).toBe(nano);
    expect(db.prepare('SELECT rowid FROM trace_search WHERE trace_search MATCH \'"mailinator"\'').all()).toHaveLength(
      1,
    );

    db.prepare("DELETE FROM traces WHERE trace_id = 't1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM spans').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM trace_search').get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses values of the wrong type (STRICT) and unknown statuses', () => {
    const db = openAtVersion(tempDir(), 7);
    const insert = db.prepare(
      `INSERT INTO traces (trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, span_count, size_bytes)
       VALUES ('t', 'signup.before', ?, ?, 1, 'r', 1, 1)`,
    );
    expect(() => insert.run('ok', 'yesterday')).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => insert.run('maybe', 1)).toThrow(/CHECK/);
    db.close();
  });

  it('lists the latest traces of a hook from an index, without sorting', () => {
    const db = openAtVersion(tempDir(), 7);
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT * FROM traces WHERE hook = 'signup.before' ORDER BY start_unix_nano DESC, id DESC LIMIT 100",
      )
      .all() as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX traces_by_hook/);
    expect(plan.map((step) => step.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});
