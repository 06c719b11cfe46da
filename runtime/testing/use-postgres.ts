import { afterAll, beforeAll, inject } from 'vitest';
import { createTestDatabase, sharedPostgresUrl, startPostgresServer, type PostgresServer } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the shared PostgreSQL test server starts on first use (scripts/vitest-global-setup.ts). */
    postgresStateDir: string;
  }
}

// A fresh PostgreSQL database for one test file: `const database = usePostgresDatabase();` at the
// top, then `database.url()` (and `database.newUrl()` for another empty one) inside the tests. The
// server is the run's shared one (started on first use, see postgres-server.ts) or, outside the
// vitest global setup, one of this file's own.

export function usePostgresDatabase(): { url(): string; newUrl(): Promise<string> } {
  let serverUrl: string | undefined;
  let databaseUrl: string | undefined;
  let own: PostgresServer | undefined;
  beforeAll(async () => {
    let stateDir: string | undefined;
    try {
      stateDir = inject('postgresStateDir');
    } catch {
      stateDir = undefined;
    }
    if (stateDir) serverUrl = await sharedPostgresUrl(stateDir);
    else {
      own = await startPostgresServer();
      serverUrl = own.url;
    }
    databaseUrl = await createTestDatabase(serverUrl);
  }, 120_000);
  afterAll(() => own?.stop());
  return {
    url() {
      if (!databaseUrl) throw new Error('usePostgresDatabase: the database is made in beforeAll');
      return databaseUrl;
    },
    newUrl() {
      if (!serverUrl) throw new Error('usePostgresDatabase: the server is started in beforeAll');
      return createTestDatabase(serverUrl);
    },
  };
}
