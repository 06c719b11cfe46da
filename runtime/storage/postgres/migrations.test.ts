import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { usePostgresDatabase } from '../../testing/use-postgres';
import { migratePostgres, postgresMigrations } from './migrations';
import { openPostgresStorage } from './postgres-storage';

const database = usePostgresDatabase();

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL migrations', () => {
  it('each keeps what the one before stored', async () => {
    await withClient(await database.newUrl(), async (db) => {
      expect(await migratePostgres(db, postgresMigrations, 1)).toEqual([1]);
      expect((await db.query('SELECT slot, version FROM active_bundle')).rows).toEqual([{ slot: 1, version: null }]);
      await db.query(`INSERT INTO bundles (hash, content) VALUES ('h', '{}')`);
      await expect(db.query('INSERT INTO active_bundle (slot) VALUES (2)')).rejects.toThrow(/check/);
      expect(await migratePostgres(db, postgresMigrations, 2)).toEqual([2]);
      await db.query(`INSERT INTO meta (key, value) VALUES ('k', 'v')`);
      await expect(
        db.query(
          `INSERT INTO secrets (name, iv, tag, ciphertext, updated_at) VALUES ('A', '\\x00', '\\x00', '\\x00', 1)`,
        ),
      ).rejects.toThrow(/check/);
      expect(await migratePostgres(db, postgresMigrations, 3)).toEqual([3]);
      await db.query(
        `INSERT INTO tokens (id, hash, scopes, name, created_at) VALUES ('i', '${'a'.repeat(64)}', '{}', '', 1)`,
      );
      expect(await migratePostgres(db, postgresMigrations, 4)).toEqual([4]);
      await db.query(
        `INSERT INTO bundle_versions (version, hash, published_at, author, kind) VALUES (1, 'h', 1, 'a', 'publish')`,
      );
      await db.query('UPDATE active_bundle SET version = 1');
      expect(await migratePostgres(db, postgresMigrations)).toEqual([5]);
      expect((await db.query('SELECT hash FROM bundles')).rows).toEqual([{ hash: 'h' }]);
      expect((await db.query('SELECT value FROM meta')).rows).toEqual([{ value: 'v' }]);
      expect((await db.query('SELECT id FROM tokens')).rows).toEqual([{ id: 'i' }]);
      expect((await db.query('SELECT version, kind, rollout_id FROM bundle_versions')).rows).toEqual([
        { version: 1, kind: 'publish', rollout_id: null },
      ]);
      // 005: one running rollout at most; a version of kind rollout names its rollout, and only it.
      const rollout = (id: string, state: string, candidate: number) =>
        db.query(
          `INSERT INTO rollouts (id, mode, percent, sticky_by, guard, state, started_at, author, base_version, base_hash,
             candidate_version, candidate_hash, revision)
           VALUES ($1, 'canary', 10, 'user.id', '{}', $2, 1, 'a', 1, 'h', $3, 'h', 1)`,
          [id, state, candidate],
        );
      await rollout('ro_1', 'running', 2);
      await expect(rollout('ro_2', 'running', 3)).rejects.toThrow(/rollouts_one_running/);
      const promoted = (kind: string, rolloutId: string | null) =>
        db.query(
          `INSERT INTO bundle_versions (version, hash, published_at, author, kind, rollout_id) VALUES (2, 'h', 2, 'a', $1, $2)`,
          [kind, rolloutId],
        );
      await expect(promoted('rollout', null)).rejects.toThrow(/bundle_versions_rollout_id_check/);
      await expect(promoted('publish', 'ro_1')).rejects.toThrow(/bundle_versions_rollout_id_check/);
      await expect(promoted('rollout', 'ro_nope')).rejects.toThrow(/foreign key/);
      await promoted('rollout', 'ro_1');
    });
  });

  it('applies nothing twice, refuses an edited migration and a newer database', async () => {
    await withClient(await database.newUrl(), async (db) => {
      expect(await migratePostgres(db)).toEqual([1, 2, 3, 4, 5]);
      expect(await migratePostgres(db)).toEqual([]);
      const edited = postgresMigrations.map((m, i) => (i === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await expect(migratePostgres(db, edited)).rejects.toThrow(/002-secrets was edited/);
      await expect(migratePostgres(db, postgresMigrations.slice(0, 3))).rejects.toThrow(/newer runtime/);
    });
  });

  it('lets several instances start at once on a new database: applied once, all of them open', async () => {
    const url = await database.newUrl();
    const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgresStorage(url, { log: () => {} })));
    await withClient(url, async (db) => {
      expect((await db.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual(
        [1, 2, 3, 4, 5].map((version) => ({ version })),
      );
    });
    // The key-check row: whichever instance wrote first, all read the same value.
    const values = await Promise.all(opened.map((s, i) => s.metaSetIfAbsent('check', `v${i}`)));
    expect(new Set(values).size).toBe(1);
    await Promise.all(opened.map((s) => s.close()));
  });
});
