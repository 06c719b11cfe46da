import type { Migration } from './migration';

// One row describing this workspace. Its random id keys the workspace's secrets in the OS
// keychain, so two workspaces on one machine never read each other's values.
export const migration001: Migration = {
  version: 1,
  name: '001-workspace',
  sql: `
CREATE TABLE workspace (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  id TEXT NOT NULL CHECK (length(id) = 32),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

INSERT INTO workspace (singleton, id, name, created_at)
VALUES (1, lower(hex(randomblob(16))), 'pipeline', CAST(unixepoch('subsec') * 1000 AS INTEGER));
`,
};
