import { describe } from 'vitest';
import { useTempDirs } from '../../testing/harness';
import { storageContract } from '../../testing/storage-contract';
import { openSqliteStorage } from './sqlite-storage';

const tempDir = useTempDirs();

// The same cases as every RuntimeStorage (runtime/testing/storage-contract.ts); "another
// connection" is a second handle on the same runtime.db, as a second process would open it.
describe('SQLite runtime storage: the storage contract', () => {
  storageContract(async () => {
    const dir = tempDir();
    return { storage: openSqliteStorage(dir), another: async () => openSqliteStorage(dir) };
  });
});
