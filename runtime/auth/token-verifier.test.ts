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
