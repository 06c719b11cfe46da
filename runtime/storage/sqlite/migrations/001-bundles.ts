import type { Migration } from './migration';

// Bundle contents are stored once per hash (a rollback points at existing content); versions are
// the history; `active_bundle` holds exactly one row, the pointer that publish swaps in the same
// transaction that appends the version.
export const migration001: Migration = {
  version: 1,
  name: '001-bundles',
  sql: `
CREATE TABLE bundles (
  hash TEXT PRIMARY KEY,
  content TEXT NOT NULL
) STRICT;
CREATE TABLE bundle_versions (
  version INTEGER PRIMARY KEY CHECK (version >= 1),
  hash TEXT NOT NULL REFERENCES bundles (hash),
  published_at INTEGER NOT NULL,
  author TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('publish', 'rollback')),
  restored_from INTEGER REFERENCES bundle_versions (version)
) STRICT;
CREATE TABLE active_bundle (
  slot INTEGER PRIMARY KEY CHECK (slot = 1),
  version INTEGER NOT NULL REFERENCES bundle_versions (version)
) STRICT;
`,
};
