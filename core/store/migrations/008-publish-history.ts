import type { Migration } from './migration';

// Every publish to an environment: `version` counts publishes per environment (1, 2, …), the
// hash is the bundle's content hash (docs/formats.md), the runtime's identity of what it runs.
export const migration008: Migration = {
  version: 8,
  name: '008-publish-history',
  sql: `
CREATE TABLE publishes (
  id INTEGER PRIMARY KEY,
  environment TEXT NOT NULL REFERENCES environments (name) ON UPDATE CASCADE ON DELETE CASCADE,
  version INTEGER NOT NULL CHECK (version >= 1),
  bundle_hash TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  author TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  UNIQUE (environment, version)
) STRICT;
`,
};
