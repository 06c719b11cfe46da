import type { Bundle } from '../../shared/engine';
import type { BundleVersionRecord, StoredBundleVersion, StoredToken, TokenScope } from './types';

// The rows both SQL storages (sqlite/, postgres/) read, with the same column names, and their
// mapping to the storage interface's records. The one difference, how token scopes are stored
// (a JSON text in SQLite, TEXT[] in PostgreSQL), is left to the caller: it passes them parsed.

/** The columns of a bundle version, `v` being bundle_versions. */
export const versionColumns =
  'v.version, v.hash, v.published_at, v.author, v.message, v.kind, v.restored_from, v.rollout_id';

export interface VersionRow {
  version: number;
  hash: string;
  published_at: number;
  author: string;
  message: string;
  kind: 'publish' | 'rollback' | 'rollout';
  restored_from: number | null;
  rollout_id: string | null;
}

export interface TokenRow<Scopes> {
  id: string;
  hash: string;
  scopes: Scopes;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

export function toRecord(row: VersionRow): BundleVersionRecord {
  const record: BundleVersionRecord = {
    version: row.version,
    hash: row.hash,
    publishedAt: row.published_at,
    author: row.author,
    message: row.message,
    kind: row.kind,
  };
  if (row.restored_from !== null) record.restoredFrom = row.restored_from;
  if (row.rollout_id !== null) record.rolloutId = row.rollout_id;
  return record;
}

/** `content` is the bundle's JSON text exactly as published (its hash stays valid). */
export function withBundle(row: VersionRow & { content: string }): StoredBundleVersion {
  return { ...toRecord(row), bundle: JSON.parse(row.content) as Bundle };
}

export function toToken(row: TokenRow<unknown>, scopes: TokenScope[]): StoredToken {
  const token: StoredToken = { id: row.id, hash: row.hash, scopes, name: row.name, createdAt: row.created_at };
  if (row.revoked_at !== null) token.revokedAt = row.revoked_at;
  return token;
}
