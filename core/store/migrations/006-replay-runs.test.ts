import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 006-replay-runs', () => {
  it('keeps recorded events and stores runs whose results go with them', () => {
    const db = openAtVersion(tempDir(), 5);
    db.prepare(
      "INSERT INTO recorded_events (id, hook, event, imported_at) VALUES ('evt_1', 'signup.before', '{}', 1)",
    ).run();
    migrateTo(db, 6);
    expect(db.prepare('SELECT id FROM recorded_events').all()).toEqual([{ id: 'evt_1' }]);

    const run = db
      .prepare("INSERT INTO replay_runs (started_at, status, bundle_hash) VALUES (1, 'running', 'h')")
      .run();
    db.prepare("INSERT INTO replay_results VALUES (?, 0, 'evt_1', 'signup.before', 1, 1, 0, NULL, 1.5, '{}')").run(
      run.lastInsertRowid,
    );
    expect(() =>
      db.prepare("INSERT INTO replay_runs (started_at, status, bundle_hash) VALUES (1, 'paused', 'h')").run(),
    ).toThrow(/CHECK/);
    db.prepare('DELETE FROM replay_runs').run();
    expect(db.prepare('SELECT count(*) AS n FROM replay_results').get()).toEqual({ n: 0 });
    // History survives the event leaving the library.
    expect(db.prepare('SELECT count(*) AS n FROM recorded_events').get()).toEqual({ n: 1 });
    db.close();
  });
});
