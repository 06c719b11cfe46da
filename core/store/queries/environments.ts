import { StoreError } from '../errors';
import { checkEnvironmentName } from '../names';
import { isoTime, writeTransaction, type QueryContext } from './context';

// Environments a pipeline is published to. staging and production exist from the first open
// (migration 004). Deleting an environment forgets its secret names and publish history; the
// keychain values go with it only through the SecretStore (core/secrets), which owns them.

export interface Environment {
  name: string;
  /** The runtime's base URL; undefined until configured. */
  runtimeUrl?: string;
  /** The content hash of the bundle last published there. */
  lastPublishedHash?: string;
  createdAt: string;
}

interface EnvironmentRow {
  name: string;
  runtime_url: string | null;
  last_published_hash: string | null;
  created_at: number;
}

export function createEnvironmentQueries({ db, now }: QueryContext) {
  const selectOne = db.prepare<[string], EnvironmentRow>('SELECT * FROM environments WHERE name = ?');

  const mustGet = (name: string): Environment => {
    const row = selectOne.get(name);
    if (!row) throw new StoreError('NOT_FOUND', `There is no environment "${name}".`);
    return toEnvironment(row);
  };

  return {
    /** In the order they were created (staging, production, then the user's own): rowid order. */
    list(): Environment[] {
      return db.prepare<[], EnvironmentRow>('SELECT * FROM environments ORDER BY rowid').all().map(toEnvironment);
    },

    get(name: string): Environment | undefined {
      const row = selectOne.get(name);
      return row ? toEnvironment(row) : undefined;
    },

    create(name: string, options: { runtimeUrl?: string } = {}): Environment {
      checkEnvironmentName(name);
      if (options.runtimeUrl !== undefined) checkRuntimeUrl(options.runtimeUrl);
      return writeTransaction(db, () => {
        if (selectOne.get(name)) throw new StoreError('CONFLICT', `Environment "${name}" already exists.`);
        db.prepare('INSERT INTO environments (name, runtime_url, created_at) VALUES (?, ?, ?)').run(
          name,
          options.runtimeUrl ?? null,
          now(),
        );
        return mustGet(name);
      });
    },

    /** Sets (or with null, clears) the runtime URL. */
    setRuntimeUrl(name: string, runtimeUrl: string | null): Environment {
      if (runtimeUrl !== null) checkRuntimeUrl(runtimeUrl);
      return writeTransaction(db, () => {
        mustGet(name);
        db.prepare('UPDATE environments SET runtime_url = ? WHERE name = ?').run(runtimeUrl, name);
        return mustGet(name);
      });
    },

    delete(name: string): boolean {
      return db.prepare('DELETE FROM environments WHERE name = ?').run(name).changes > 0;
    },
  };
}

export type EnvironmentQueries = ReturnType<typeof createEnvironmentQueries>;

function checkRuntimeUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError('INVALID', `"${url}" is not a URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new StoreError('INVALID', `A runtime URL must start with https:// or http://, not "${parsed.protocol}".`);
  }
  if (parsed.username || parsed.password) {
    // Credentials belong in the keychain, never in a URL stored in plain text.
    throw new StoreError('INVALID', 'A runtime URL must not contain a user name or password.');
  }
}

function toEnvironment(row: EnvironmentRow): Environment {
  const environment: Environment = { name: row.name, createdAt: isoTime(row.created_at) };
  if (row.runtime_url !== null) environment.runtimeUrl = row.runtime_url;
  if (row.last_published_hash !== null) environment.lastPublishedHash = row.last_published_hash;
  return environment;
}
