import type { Migration } from './migration';

// Captured events (redacted NDJSON lines) and traces. `seq` keeps capture order for ties in time
// and lets retention delete "all but the newest N" with one range.
export const migration004: Migration = {
  version: 4,
  name: '004-capture',
  sql: `
CREATE TABLE captured_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  hook TEXT NOT NULL,
  at INTEGER NOT NULL,
  line TEXT NOT NULL
) STRICT;
CREATE INDEX captured_events_at ON captured_events (at);
CREATE INDEX captured_events_hook_at ON captured_events (hook, at);
CREATE TABLE traces (
  seq INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,
  hook TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  json TEXT NOT NULL
) STRICT;
CREATE INDEX traces_started_at ON traces (started_at);
`,
};
