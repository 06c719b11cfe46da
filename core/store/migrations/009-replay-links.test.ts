import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 009-replay-links', () => {
  it('keeps traces, runs and events, and reads the time of the events already imported', () => {
    const db = openAtVersion(tempDir(), 8);
    db.prepare(
      `INSERT INTO traces (trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, span_count, size_bytes)
       VALUES ('t1', 'signup.before', 'ok', 1, 2, 'hook signup.before', 1, 10)`,
    ).run();
    db.prepare("INSERT INTO replay_runs (started_at, status, bundle_hash) VALUES (1, 'running', 'h')").run();
    const insertEvent = db.prepare(
      "INSERT INTO recorded_events (id, hook, at, event, imported_at) VALUES (?, 'signup.before', ?, '{}', 1)",
    );
    insertEvent.run('utc', '2026-11-20T10:00:00.250Z');
    insertEvent.run('offset', '2026-11-20T11:30:00+02:00');
    insertEvent.run('no-time', null);
    insertEvent.run('unreadable', 'last tuesday');
    migrateTo(db, 9);

    expect(db.prepare('SELECT trace_id, event_id, run_id FROM traces').all()).toEqual([
      { trace_id: 't1', event_id: null, run_id: null },
    ]);
    expect(db.prepare('SELECT status, message FROM replay_runs').get()).toEqual({ status: 'running', message: null });
    expect(db.prepare('SELECT id, at_ms FROM recorded_events ORDER BY rowid').all()).toEqual([
      { id: 'utc', at_ms: Date.parse('2026-11-20T10:00:00.250Z') },
      { id: 'offset', at_ms: Date.parse('2026-11-20T09:30:00Z') },
      { id: 'no-time', at_ms: null },
      { id: 'unreadable', at_ms: null },
    ]);
    db.close();
  });

  it("stores links as their types (STRICT) and pages a run's or an event's traces from an index", () => {
    const db = openAtVersion(tempDir(), 9);
    const insert = db.prepare(
      `INSERT INTO traces (trace_id, hook, status, start_unix_nano, end_unix_nano, root_name, span_count, size_bytes,
                           event_id, run_id)
       VALUES (?, 'signup.before', 'ok', 1, 2, 'r', 1, 1, ?, ?)`,
    );
    insert.run('t1', 'evt_1', 3);
    expect(() => insert.run('t2', 'evt_1', 'three')).toThrow(/cannot store TEXT value in INTEGER column/);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((step) => step.detail).join('\n');
    const byRun = plan(
      'SELECT * FROM traces WHERE run_id = 3 ORDER BY start_unix_nano DESC, id DESC LIMIT 200 OFFSET 400',
    );
    expect(byRun).toMatch(/USING INDEX traces_by_run/);
    expect(byRun).not.toMatch(/TEMP B-TREE/);
    expect(plan("SELECT count(*) FROM traces WHERE event_id = 'evt_1'")).toMatch(/COVERING INDEX traces_by_event/);
    expect(plan('SELECT * FROM recorded_events WHERE at_ms >= 5 AND at_ms < 9')).toMatch(
      /USING INDEX recorded_events_by_at/,
    );
    db.close();
  });
});
