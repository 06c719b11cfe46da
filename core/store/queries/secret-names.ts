import { StoreError } from '../errors';
import { checkSecretName } from '../names';
import type { QueryContext } from './context';

// Which secrets have a value in the keychain, per environment: NAMES only. Keychains cannot list
// their entries reliably (and some prompt the user to do so), so the studio keeps its own index;
// the SecretStore (core/secrets) updates it after each keychain write or delete.

export function createSecretNameQueries({ db, now }: QueryContext) {
  const environmentExists = db.prepare<[string], { name: string }>('SELECT name FROM environments WHERE name = ?');

  const requireEnvironment = (environment: string): void => {
    if (!environmentExists.get(environment)) {
      throw new StoreError('NOT_FOUND', `There is no environment "${environment}".`);
    }
  };

  return {
    add(environment: string, name: string): void {
      checkSecretName(name);
      requireEnvironment(environment);
      db.prepare(
        'INSERT INTO environment_secrets (environment, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(environment, name, now());
    },

    remove(environment: string, name: string): boolean {
      return (
        db.prepare('DELETE FROM environment_secrets WHERE environment = ? AND name = ?').run(environment, name)
          .changes > 0
      );
    },

    has(environment: string, name: string): boolean {
      return (
        db.prepare('SELECT 1 FROM environment_secrets WHERE environment = ? AND name = ?').get(environment, name) !==
        undefined
      );
    },

    /** Sorted names; an unknown environment is an error rather than an empty list. */
    list(environment: string): string[] {
      requireEnvironment(environment);
      return db
        .prepare<[string], { name: string }>('SELECT name FROM environment_secrets WHERE environment = ? ORDER BY name')
        .all(environment)
        .map((row) => row.name);
    },

    /** Every environment's names, including environments with none. */
    all(): Record<string, string[]> {
      const result: Record<string, string[]> = {};
      for (const { name } of db.prepare<[], { name: string }>('SELECT name FROM environments ORDER BY rowid').all()) {
        result[name] = [];
      }
      const rows = db
        .prepare<[], { environment: string; name: string }>(
          'SELECT environment, name FROM environment_secrets ORDER BY environment, name',
        )
        .all();
      for (const row of rows) (result[row.environment] ??= []).push(row.name);
      return result;
    },
  };
}

export type SecretNameQueries = ReturnType<typeof createSecretNameQueries>;
