import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { exampleBundle } from '../../testing/harness';
import { contractVersion, storageContract } from '../../testing/storage-contract';
import { contractRollout } from '../../testing/storage-contract-rollouts';
import { usePostgresDatabase } from '../../testing/use-postgres';
import type { RuntimeStorage, StorageChange } from '../types';
import { openPostgresStorage, parseDatabaseUrl, redactDatabaseUrl } from './postgres-storage';

const database = usePostgresDatabase();
const quiet = { log: () => {}, safetyPollMs: 0 };

/** Waits (polling, up to 10 s) until `check` holds; no timing is asserted. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function terminateListeners(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pg_terminate_backend(pid) AS done, pid FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE '%/listen'`,
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL runtime storage: the storage contract', () => {
  storageContract(async () => {
    const url = await database.newUrl();
    return { storage: await openPostgresStorage(url, quiet), another: () => openPostgresStorage(url, quiet) };
  });
});

describe('PostgreSQL runtime storage', () => {
  it('gives back the published bundle exactly (key order kept: its hash stays valid)', async () => {
    const storage = await openPostgresStorage(await database.newUrl(), quiet);
    const bundle = await exampleBundle();
    const reordered = { ...bundle, env: { zeta: '1', alpha: '2' } };
    await storage.activate(null, {
      hash: 'h',
      bundle: reordered,
      publishedAt: 1,
      author: 'a',
      message: '',
      kind: 'publish',
    });
    const read = await storage.activeVersion();
    expect(JSON.stringify(read?.bundle)).toBe(JSON.stringify(reordered));
    await storage.close();
  });

  it('reports activations and secrets committed by another instance, and resyncs after losing its LISTEN connection', async () => {
    const url = await database.newUrl();
    const a = await openPostgresStorage(url, quiet);
    const b = await openPostgresStorage(url, quiet);
    const changes: StorageChange[] = [];
    const stop = b.watch((change) => changes.push(change));
    await eventually(() => changes.some((c) => c.kind === 'resync'), 'the first resync (listening)');

    const next = (name: string) => ({
      hash: `hash-${name}`,
      bundle: { format: 'pipeline-studio/bundle@1', name, scripts: {}, hooks: {}, env: {}, secrets: [] } as never,
      publishedAt: 1,
      author: 'a',
      message: '',
      kind: 'publish' as const,
    });
    await a.activate(null, next('one'));
    await eventually(() => changes.some((c) => c.kind === 'activated' && c.version === 1), 'activated 1');
    // A refused swap rolls back: nothing is announced.
    expect((await a.activate('hash-other', next('two'))).ok).toBe(false);
    const sealed = { iv: Buffer.alloc(12), tag: Buffer.alloc(16), ciphertext: Buffer.from([1]) };
    await a.putSecret({ name: 'S', sealed, updatedAt: 1 });
    await eventually(() => changes.some((c) => c.kind === 'secrets'), 'secrets');
    expect(changes.filter((c) => c.kind === 'activated')).toEqual([{ kind: 'activated', version: 1 }]);

    changes.length = 0;
    expect(await terminateListeners(url)).toBe(1);
    await eventually(() => changes.some((c) => c.kind === 'resync'), 'a resync after the reconnection');
    await a.activate('hash-one', next('two'));
    await eventually(() => changes.some((c) => c.kind === 'activated' && c.version === 2), 'activated 2');

    stop();
    await a.activate('hash-two', next('three'));
    await a.putSecret({ name: 'S', sealed, updatedAt: 2 });
    expect(changes.some((c) => c.kind === 'activated' && c.version === 3)).toBe(false);
    await a.close();
    await b.close();
  });

  it('reports every rollout change committed by another instance, and the promote as an activation', async () => {
    const url = await database.newUrl();
    const a = await openPostgresStorage(url, quiet);
    const b = await openPostgresStorage(url, quiet);
    const changes: StorageChange[] = [];
    b.watch((change) => changes.push(change));
    await eventually(() => changes.some((c) => c.kind === 'resync'), 'listening');
    await a.activate(null, contractVersion('one'));
    await eventually(() => changes.some((c) => c.kind === 'activated'), 'activated 1');

    const rollout = (id: string, revision: number) => ({ kind: 'rollout', id, revision });
    await a.startRollout('hash-one', contractRollout('c1'));
    await a.setRolloutPercent('ro_c1', 40);
    await a.endRollout('ro_c1', { state: 'aborted', reason: 'r', at: 3 });
    // Refused changes roll back: nothing is announced for them.
    expect(await a.setRolloutPercent('ro_c1', 50)).toBeUndefined();
    expect((await a.startRollout('hash-other', contractRollout('c2'))).ok).toBe(false);
    await a.startRollout('hash-one', contractRollout('c3'));
    await a.putRolloutCounts('ro_c3', 'instance-a', {
      active: { n: 1, errors: 0, buckets: [1] },
      candidate: { n: 0, errors: 0, buckets: [] },
      differences: { n: 0, allowToDeny: 0, denyToAllow: 0, reasonChanged: 0, dataChanged: 0 },
      shadowSkipped: 0,
    });
    await a.promoteRollout('ro_c3', { at: 4, author: 'ada', message: '' });
    await eventually(() => changes.some((c) => c.kind === 'activated' && c.version === 3), 'the promote');
    expect(changes.filter((c) => c.kind === 'rollout' || c.kind === 'activated').slice(1)).toEqual([
      rollout('ro_c1', 1),
      rollout('ro_c1', 2),
      rollout('ro_c1', 3),
      rollout('ro_c3', 1),
      rollout('ro_c3', 2),
      { kind: 'activated', version: 3 },
    ]);
    await a.close();
    await b.close();
  });

  it('finds what it missed with the safety poll when notifications do not arrive', async () => {
    const url = await database.newUrl();
    const a = await openPostgresStorage(url, quiet);
    const b = await openPostgresStorage(url, { log: () => {}, safetyPollMs: 50 });
    const changes: StorageChange[] = [];
    b.watch((change) => changes.push(change));
    await eventually(() => changes.some((c) => c.kind === 'resync'), 'listening');
    // Written behind the runtime's back (no NOTIFY): only the poll can see it.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`INSERT INTO bundles (hash, content) VALUES ('h', '{}')`);
    await admin.query(
      `INSERT INTO bundle_versions (version, hash, published_at, author, kind) VALUES (1, 'h', 1, 'a', 'publish')`,
    );
    await admin.query('UPDATE active_bundle SET version = 1');
    await admin.query(
      `INSERT INTO secrets (name, iv, tag, ciphertext, updated_at) VALUES ('S', '\\x${'00'.repeat(12)}', '\\x${'00'.repeat(16)}', '\\x01', 1)`,
    );
    await admin.query(
      `INSERT INTO rollouts (id, mode, percent, sticky_by, guard, state, started_at, author, base_version, base_hash,
         candidate_version, candidate_hash, revision)
       VALUES ('ro_x', 'canary', 5, 'user.id', '{}', 'running', 1, 'a', 1, 'h', 2, 'h', 1)`,
    );
    await admin.end();
    await eventually(() => changes.some((c) => c.kind === 'activated' && c.version === 1), 'the poll');
    await eventually(() => changes.some((c) => c.kind === 'secrets'), 'the poll (secrets)');
    await eventually(
      () => changes.some((c) => c.kind === 'rollout' && c.id === 'ro_x' && c.revision === 1),
      'the poll (rollout)',
    );
    await a.close();
    await b.close();
  });

  it('takes its own settings from the URL and hides the password', () => {
    expect(parseDatabaseUrl('postgres://u:p@h:5/db?pool_max=3&safety_poll_ms=0&sslmode=require')).toEqual({
      connectionString: 'postgres://u:p@h:5/db?sslmode=require',
      poolSize: 3,
      safetyPollMs: 0,
    });
    expect(() => parseDatabaseUrl('postgres://h/db?pool_max=0')).toThrow(/pool_max/);
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(/postgres:\/\//);
    expect(redactDatabaseUrl('postgres://u:secret@h:5/db?password=x')).toBe('postgres://u:***@h:5/db');
  });

  it('closes cleanly with a subscription open, and refuses an unreachable server with its address', async () => {
    const storage: RuntimeStorage = await openPostgresStorage(await database.newUrl(), quiet);
    storage.watch?.(() => {});
    await storage.close();
    await expect(openPostgresStorage('postgres://nobody:pw@127.0.0.1:1/none', quiet)).rejects.toThrow(
      /cannot open the PostgreSQL database postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });
});
