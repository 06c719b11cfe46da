import type { Migration } from './migration';

// Environments a pipeline is published to, staging and production from the start. Their names
// become part of keychain service names (pipeline-studio/<workspace>/<environment>), hence the
// narrow alphabet. Only secret NAMES are kept here: keychains cannot list their entries reliably,
// and values never enter this database.
export const migration004: Migration = {
  version: 4,
  name: '004-environments',
  sql: `
CREATE TABLE environments (
  name TEXT PRIMARY KEY CHECK (
    length(name) BETWEEN 1 AND 32 AND name GLOB '[a-z0-9]*' AND name NOT GLOB '*[^a-z0-9-]*'
  ),
  runtime_url TEXT,
  last_published_hash TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE environment_secrets (
  environment TEXT NOT NULL REFERENCES environments (name) ON UPDATE CASCADE ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (environment, name)
) STRICT;

INSERT INTO environments (name, created_at)
VALUES ('staging', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
       ('production', CAST(unixepoch('subsec') * 1000 AS INTEGER));
`,
};
