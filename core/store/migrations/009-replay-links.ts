import type { Migration } from './migration';

// What the replay screens need of the store:
// - a trace written by a replay names the library event and the run it replayed (the timeline
//   links to the event, a run to its traces). Not foreign keys: deleting a run or an event leaves
//   its traces until retention removes them. Partial indexes: traces outside replays (editor runs,
//   a runtime's) stay out of them, and `event_id = ?` / `run_id = ?` imply the NOT NULL they need;
// - a run that failed says why (`message`);
// - recorded events get `at_ms`, the event's `at` as epoch milliseconds, so that time filters
//   compare instants rather than texts (`…+02:00` and `…Z` sort differently as text). SQLite's own
//   date parser reads it, here and on every insert (recorded-events.ts), so both agree; an `at` it
//   cannot read leaves at_ms NULL and the event out of time filters, like an event without `at`.
export const migration009: Migration = {
  version: 9,
  name: '009-replay-links',
  sql: `
ALTER TABLE traces ADD COLUMN event_id TEXT;
ALTER TABLE traces ADD COLUMN run_id INTEGER;
CREATE INDEX traces_by_event ON traces (event_id, start_unix_nano) WHERE event_id IS NOT NULL;
CREATE INDEX traces_by_run ON traces (run_id, start_unix_nano) WHERE run_id IS NOT NULL;

ALTER TABLE replay_runs ADD COLUMN message TEXT;

ALTER TABLE recorded_events ADD COLUMN at_ms INTEGER;
UPDATE recorded_events SET at_ms = CAST(unixepoch(at, 'subsec') * 1000 AS INTEGER) WHERE at IS NOT NULL;
CREATE INDEX recorded_events_by_at ON recorded_events (at_ms) WHERE at_ms IS NOT NULL;
`,
};
