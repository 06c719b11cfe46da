import { describe, expect, it } from 'vitest';
import { migrateTo, openAtVersion } from '../testing/migration-harness';
import { useTempDirs } from '../testing/temp-dirs';

const tempDir = useTempDirs();

describe('migration 005-recorded-events', () => {
  it('keeps environments and stores events with tags and a pinned flag', () => {
    const db = openAtVersion(tempDir(), 4);
    db.prepare("INSERT INTO environments (name, created_at) VALUES ('dev', 1)").run();
    migrateTo(db, 5);
    expect(db.prepare('SELECT count(*) AS n FROM environments').get()).toEqual({ n: 3 });

    db.prepare(
      `INSERT INTO recorded_events (id, hook, event, imported_at) VALUES ('evt_1', 'signup.before', '{"request":{"ip":"203.0.113.7"}}', 1)`,
    ).run();
    expect(db.prepare("SELECT tags, pinned FROM recorded_events WHERE id = 'evt_1'").get()).toEqual({
      tags: '[]',
      pinned: 0,
    });
    expect(() =>
      db
        .prepare(
          "INSERT INTO recorded_events (id, hook, event, pinned, imported_at) VALUES ('evt_2', 'signup.before', '{}', 2, 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
