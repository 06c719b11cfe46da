import type { Migration } from './migration';

// API tokens: only the SHA-256 of each token is kept, under its public id.
export const migration003: Migration = {
  version: 3,
  name: '003-tokens',
  sql: `
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL CHECK (length(hash) = 64),
  scopes TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
`,
};
