import type { Migration } from './migration';

// Replay runs and their per-event results. A result keeps the replay line (docs/formats.md) as JSON
// plus the columns a run's table filters on. event_id is not a foreign key: deleting an event from
// the library must not rewrite the history of runs that used it.
export const migration006: Migration = {
  version: 6,
  name: '006-replay-runs',
  sql: `
CREATE TABLE replay_runs (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
  bundle_hash TEXT NOT NULL,
  hook TEXT,
  label TEXT,
  total INTEGER NOT NULL DEFAULT 0,
  summary TEXT
) STRICT;

CREATE TABLE replay_results (
  run_id INTEGER NOT NULL REFERENCES replay_runs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  hook TEXT NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  allow INTEGER CHECK (allow IN (0, 1)),
  mismatch INTEGER NOT NULL CHECK (mismatch IN (0, 1)),
  trace_id TEXT,
  duration_ms REAL NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
) STRICT;
CREATE INDEX replay_results_by_event ON replay_results (event_id);
`,
};
