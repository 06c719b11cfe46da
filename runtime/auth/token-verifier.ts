import type { RuntimeStorage, StoredToken } from '../storage/types';
import { tokenId, tokenMatches } from './tokens';

// Verifies bearer tokens against the storage, with a short cache of records by id: a networked
// storage should not be asked on every invocation. The cache holds records (hashes), never tokens;
// a token created or revoked by `runtime token …` in another process is seen within `ttlMs`.
//
// When the storage cannot answer (PostgreSQL restarting or failing over), a record cached within
// the last `staleMs` is used as it was: the host's sign-ups and sign-ins keep running on the plans
// and secrets in memory instead of failing with the database. The price, documented in
// docs/deployment.md: a token revoked just before the outage works until the storage is back or
// `staleMs` passes. After a failure the storage is not asked again for `ttlMs` (a server that does
// not answer would hold every request for the pool's connection timeout); a token with no usable
// record during that time gets the storage's error (500), never a guess.

export class TokenVerifier {
  private readonly cache = new Map<string, { record: StoredToken | undefined; at: number }>();
  private storageFailedAt: number | undefined;
  private storageError: unknown;

  constructor(
    private readonly storage: RuntimeStorage,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
    private readonly staleMs = 10 * 60_000,
  ) {}

  /** The token's record when it is valid (known, right secret, not revoked). */
  async verify(token: string): Promise<StoredToken | undefined> {
    const id = tokenId(token);
    if (id === undefined) {
      tokenMatches(token, undefined);
      return undefined;
    }
    const now = this.now();
    let cached = this.cache.get(id);
    if (!cached || now - cached.at > this.ttlMs) {
      const stale = cached && now - cached.at <= this.staleMs ? cached : undefined;
      let record: StoredToken | undefined;
      try {
        record = await this.lookUp(id, now);
      } catch (error) {
        if (!stale) throw error;
        return tokenMatches(token, stale.record) ? stale.record : undefined;
      }
      cached = { record, at: now };
      // Unknown ids are not cached: a flood of made-up ids must not grow the map.
      if (cached.record) {
        if (this.cache.size >= 10_000) this.cache.clear();
        this.cache.set(id, cached);
      } else this.cache.delete(id);
    }
    return tokenMatches(token, cached.record) ? cached.record : undefined;
  }

  private async lookUp(id: string, now: number): Promise<StoredToken | undefined> {
    if (this.storageFailedAt !== undefined && now - this.storageFailedAt <= this.ttlMs) throw this.storageError;
    try {
      const record = await this.storage.token(id);
      this.storageFailedAt = undefined;
      return record;
    } catch (error) {
      this.storageFailedAt = this.now();
      this.storageError = error;
      throw error;
    }
  }

  /** Forgets a record at once (revocation through this process). */
  forget(id: string): void {
    this.cache.delete(id);
  }
}
