import type { Migration } from './migration';

// Secret values sealed with AES-256-GCM (iv, tag, ciphertext); `meta` holds runtime settings such
// as the key check value that tells a wrong key from a damaged value.
export const migration002: Migration = {
  version: 2,
  name: '002-secrets',
  sql: `
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  iv BLOB NOT NULL CHECK (length(iv) = 12),
  tag BLOB NOT NULL CHECK (length(tag) = 16),
  ciphertext BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`,
};
