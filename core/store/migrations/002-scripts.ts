import type { Migration } from './migration';

// Scripts and their versions. A version is immutable (a trigger refuses updates), so what was
// replayed or published can always be looked up again by its number or content hash. Script ids
// that differ only in case are refused (the bundle names files after them, and macOS and Windows
// file systems do not tell them apart). An archived script keeps its versions but leaves the
// pipeline and the bundle.
export const migration002: Migration = {
  version: 2,
  name: '002-scripts',
  sql: `
CREATE TABLE scripts (
  id TEXT PRIMARY KEY,
  file TEXT NOT NULL,
  description TEXT,
  timeout_ms INTEGER CHECK (timeout_ms > 0),
  on_error TEXT CHECK (on_error IN ('deny', 'allow')),
  created_at INTEGER NOT NULL,
  archived_at INTEGER
) STRICT;
CREATE UNIQUE INDEX scripts_id_ignoring_case ON scripts (id COLLATE NOCASE);

CREATE TABLE script_versions (
  script_id TEXT NOT NULL REFERENCES scripts (id) ON UPDATE CASCADE ON DELETE CASCADE,
  version INTEGER NOT NULL CHECK (version >= 1),
  content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
  source TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (script_id, version)
) STRICT;
CREATE INDEX script_versions_by_hash ON script_versions (content_hash);

CREATE TRIGGER script_versions_are_immutable BEFORE UPDATE ON script_versions
BEGIN
  SELECT RAISE(ABORT, 'script versions are immutable');
END;
`,
};
