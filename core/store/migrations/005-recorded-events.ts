import type { Migration } from './migration';

// The library of recorded auth events (docs/formats.md). `event` and `outcome` are kept as the JSON
// text they were recorded with; `tags` is a JSON array of strings; pinned events form the
// regression suite replayed before every publish.
export const migration005: Migration = {
  version: 5,
  name: '005-recorded-events',
  sql: `
CREATE TABLE recorded_events (
  id TEXT PRIMARY KEY,
  hook TEXT NOT NULL,
  at TEXT,
  event TEXT NOT NULL,
  outcome TEXT,
  source TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  imported_at INTEGER NOT NULL
) STRICT;
CREATE INDEX recorded_events_by_hook ON recorded_events (hook);
CREATE INDEX recorded_events_pinned ON recorded_events (pinned) WHERE pinned = 1;
`,
};
