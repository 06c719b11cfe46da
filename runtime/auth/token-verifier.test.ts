import { describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage';
import { useTempDirs } from '../testing/harness';
import { TokenVerifier } from './token-verifier';
import { createToken } from './tokens';

const tempDir = useTempDirs();

describe('TokenVerifier', () => {
  it('accepts a valid token, refuses a revoked one once its cached record expires', async () => {
    const storage = openSqliteStorage(tempDir());
    let now = 1_000;
    const verifier = new TokenVerifier(storage, 5000, () => now);
    const { token, record } = await createToken(storage, { scopes: ['invoke'], name: 'ci' });
    expect(await verifier.verify(token)).toMatchObject({ id: record.id, scopes: ['invoke'], name: 'ci' });
    await storage.revokeToken(record.id, now);
    now += 4000;
    expect(await verifier.verify(token)).toBeDefined();
    now += 2000;
    expect(await verifier.verify(token)).toBeUndefined();
    await storage.close();
  });

  it('sees a token created after it started (another process creating it)', async () => {
    const dir = tempDir();
    const storage = openSqliteStorage(dir);
    const verifier = new TokenVerifier(storage);
    const other = openSqliteStorage(dir);
    const { token } = await createToken(other, { scopes: ['publish'] });
    expect(await verifier.verify(token)).toBeDefined();
    await other.close();
    await storage.close();
  });
});

describe('TokenVerifier when the storage cannot answer', () => {
  /** A storage whose token lookups fail while `down` is true, counting the lookups. */
  function flakyStorage(inner: ReturnType<typeof openSqliteStorage>) {
    const state = { down: false, lookups: 0 };
    const storage = Object.create(inner) as typeof inner;
    storage.token = async (id: string) => {
      state.lookups += 1;
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return inner.token(id);
    };
    return { storage, state };
  }

  it('keeps accepting a token it verified recently, and still refuses a wrong secret or an unknown token', async () => {
    const inner = openSqliteStorage(tempDir());
    const { storage, state } = flakyStorage(inner);
    let now = 1_000;
    const verifier = new TokenVerifier(storage, 5000, () => now, 60_000);
    const { token, record } = await createToken(inner, { scopes: ['invoke'], name: 'host' });
    const other = await createToken(inner, { scopes: ['invoke'], name: 'never-seen' });
    expect(await verifier.verify(token)).toMatchObject({ id: record.id });

    state.down = true;
    now += 6000; // the cached record has expired: the storage is asked, fails, the record is used
    expect(await verifier.verify(token)).toMatchObject({ id: record.id });
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await verifier.verify(forged)).toBeUndefined();
    // A token it never verified cannot be judged: the storage's error, not a guess.
    await expect(verifier.verify(other.token)).rejects.toThrow(/ECONNREFUSED/);

    // Not past staleMs: still accepted; past it: the storage's error.
    now += 50_000;
    expect(await verifier.verify(token)).toMatchObject({ id: record.id });
    now += 20_000;
    await expect(verifier.verify(token)).rejects.toThrow(/ECONNREFUSED/);

    // Back: the storage is asked again and its answer counts (the token was revoked meanwhile).
    state.down = false;
    await inner.revokeToken(record.id, now);
    now += 6000;
    expect(await verifier.verify(token)).toBeUndefined();
    await inner.close();
  });

  it('does not ask a failing storage again on every request', async () => {
    const inner = openSqliteStorage(tempDir());
    const { storage, state } = flakyStorage(inner);
    let now = 1_000;
    const verifier = new TokenVerifier(storage, 5000, () => now, 60_000);
    const { token } = await createToken(inner, { scopes: ['invoke'] });
    await verifier.verify(token);
    state.down = true;
    now += 6000;
    await verifier.verify(token);
    const afterFailure = state.lookups;
    for (let i = 0; i < 10; i++) expect(await verifier.verify(token)).toBeDefined();
    expect(state.lookups).toBe(afterFailure);
    now += 6000; // a while later it tries again
    await verifier.verify(token);
    expect(state.lookups).toBe(afterFailure + 1);
    await inner.close();
  });
});
