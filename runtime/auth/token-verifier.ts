import type { RuntimeStorage, StoredToken } from '../storage/types';
import { tokenId, tokenMatches } from './tokens';

// Verifies bearer tokens against the storage, with a short cache of records by id: a networked
// storage should not be asked on every invocation. The cache holds records (hashes), never tokens;
// a token created or revoked by `runtime token …` in another process is seen within `ttlMs`.

export class TokenVerifier {
  private readonly cache = new Map<string, { record: StoredToken | undefined; at: number }>();

  constructor(
    private readonly storage: RuntimeStorage,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
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
      cached = { record: await this.storage.token(id), at: now };
      // Unknown ids are not cached: a flood of made-up ids must not grow the map.
      if (cached.record) {
        if (this.cache.size >= 10_000) this.cache.clear();
        this.cache.set(id, cached);
      } else this.cache.delete(id);
    }
    return tokenMatches(token, cached.record) ? cached.record : undefined;
  }

  /** Forgets a record at once (revocation through this process). */
  forget(id: string): void {
    this.cache.delete(id);
  }
}
