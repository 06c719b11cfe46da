import type Database from 'better-sqlite3';
import type { HookId } from '../../../shared/hooks';
import type { NewRollout, RolloutCounts, StoredDifference, StoredRollout } from '../../rollout/rollout-types';
import type {
  ActivateResult,
  BundleVersionRecord,
  CaptureQuery,
  NewBundleVersion,
  RetentionPolicy,
  RuntimeStorage,
  StartRolloutResult,
  StoredBundleVersion,
  StoredEvent,
  StoredSecret,
  StoredToken,
  StoredTrace,
  TokenScope,
} from '../types';
import {
  toRecord,
  toToken,
  versionColumns,
  withBundle,
  type TokenRow as SharedTokenRow,
  type VersionRow,
} from '../rows';
import { CaptureThread } from './capture-thread';
import { migrate, migrations } from './migrations';
import { openRuntimeDatabase } from './open-database';
import { nextVersionNumber, runningRolloutId, SqliteRollouts } from './sqlite-rollouts';

// The default RuntimeStorage: runtime.db in the runtime's data folder (better-sqlite3, WAL). Three
// connections: `control` (bundles, rollouts, secrets, tokens; synchronous FULL) and `capture` (reading events
// and traces) on this thread, and the capture writer thread's (capture-worker.ts: writing and
// pruning events and traces, synchronous NORMAL), so that bulk writes and WAL checkpoints never
// block the event loop that answers invocations. Publishes stay on this thread: they are rare, and
// the compare-and-swap must be one transaction.

type TokenRow = SharedTokenRow<string>;

export function openSqliteStorage(dataDir: string, options: { captureWorkerUrl?: URL } = {}): SqliteRuntimeStorage {
  const control = openRuntimeDatabase(dataDir, 'full');
  try {
    migrate(control, migrations);
  } catch (error) {
    control.close();
    throw error;
  }
  const capture = openRuntimeDatabase(dataDir, 'normal');
  return new SqliteRuntimeStorage(control, capture, new CaptureThread(dataDir, options.captureWorkerUrl));
}

export class SqliteRuntimeStorage implements RuntimeStorage {
  private closed = false;
  private readonly selectToken: Database.Statement;
  private readonly rollouts: SqliteRollouts;

  constructor(
    private readonly control: Database.Database,
    private readonly capture: Database.Database,
    private readonly writer: CaptureThread,
  ) {
    this.selectToken = control.prepare('SELECT * FROM tokens WHERE id = ?');
    this.rollouts = new SqliteRollouts(control);
  }

  async activeVersion(): Promise<StoredBundleVersion | undefined> {
    return this.readActive();
  }

  async bundleVersion(version: number): Promise<StoredBundleVersion | undefined> {
    const row = this.control
      .prepare(
        `SELECT ${versionColumns}, b.content FROM bundle_versions v JOIN bundles b USING (hash) WHERE v.version = ?`,
      )
      .get(version) as (VersionRow & { content: string }) | undefined;
    return row ? withBundle(row) : undefined;
  }

  async history(limit: number): Promise<BundleVersionRecord[]> {
    const rows = this.control
      .prepare(`SELECT ${versionColumns} FROM bundle_versions v ORDER BY v.version DESC LIMIT ?`)
      .all(limit) as VersionRow[];
    return rows.map(toRecord);
  }

  async activate(expectedHash: string | null, next: NewBundleVersion): Promise<ActivateResult> {
    // IMMEDIATE: the write lock is taken before the active hash is read, so a publisher in another
    // connection cannot slip in between the check and the swap.
    const swap = this.control.transaction((): ActivateResult => {
      const active = this.control
        .prepare('SELECT v.hash FROM active_bundle a JOIN bundle_versions v USING (version) WHERE a.slot = 1')
        .get() as { hash: string } | undefined;
      const activeHash = active?.hash ?? null;
      // While a rollout runs, only its promote changes the active bundle.
      const rolloutId = runningRolloutId(this.control);
      if (rolloutId !== undefined) return { ok: false, activeHash, rolloutId };
      if (activeHash !== expectedHash) return { ok: false, activeHash };
      this.control
        .prepare('INSERT OR IGNORE INTO bundles (hash, content) VALUES (?, ?)')
        .run(next.hash, JSON.stringify(next.bundle));
      const version = nextVersionNumber(this.control);
      this.control
        .prepare(
          `INSERT INTO bundle_versions (version, hash, published_at, author, message, kind, restored_from)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(version, next.hash, next.publishedAt, next.author, next.message, next.kind, next.restoredFrom ?? null);
      this.control
        .prepare(
          'INSERT INTO active_bundle (slot, version) VALUES (1, ?) ON CONFLICT (slot) DO UPDATE SET version = excluded.version',
        )
        .run(version);
      const record: StoredBundleVersion = {
        version,
        hash: next.hash,
        publishedAt: next.publishedAt,
        author: next.author,
        message: next.message,
        kind: next.kind,
        bundle: next.bundle,
      };
      if (next.restoredFrom !== undefined) record.restoredFrom = next.restoredFrom;
      return { ok: true, active: record };
    });
    return swap.immediate();
  }

  async startRollout(expectedHash: string, next: NewRollout): Promise<StartRolloutResult> {
    return this.rollouts.start(expectedHash, next);
  }

  async currentRollout(): Promise<StoredRollout | undefined> {
    return this.rollouts.current();
  }

  async setRolloutPercent(id: string, percent: number): Promise<StoredRollout | undefined> {
    return this.rollouts.setPercent(id, percent);
  }

  async endRollout(
    id: string,
    end: { state: 'aborted' | 'rolled-back'; reason: string; at: number },
  ): Promise<StoredRollout | undefined> {
    return this.rollouts.end(id, end);
  }

  async promoteRollout(
    id: string,
    promotion: { at: number; author: string; message: string },
  ): Promise<{ rollout: StoredRollout; active: StoredBundleVersion } | undefined> {
    return this.rollouts.promote(id, promotion);
  }

  async putRolloutCounts(rolloutId: string, instanceId: string, counts: RolloutCounts): Promise<void> {
    this.rollouts.putCounts(rolloutId, instanceId, counts, Date.now());
  }

  async rolloutCounts(rolloutId: string): Promise<RolloutCounts[]> {
    return this.rollouts.counts(rolloutId);
  }

  async appendDifferences(differences: readonly StoredDifference[], keep: number): Promise<void> {
    this.rollouts.appendDifferences(differences, keep);
  }

  async differences(rolloutId: string, limit: number): Promise<StoredDifference[]> {
    return this.rollouts.differences(rolloutId, limit);
  }

  async putSecret(secret: StoredSecret): Promise<void> {
    this.control
      .prepare(
        `INSERT INTO secrets (name, iv, tag, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext,
           updated_at = excluded.updated_at`,
      )
      .run(
        secret.name,
        Buffer.from(secret.sealed.iv),
        Buffer.from(secret.sealed.tag),
        Buffer.from(secret.sealed.ciphertext),
        secret.updatedAt,
      );
  }

  async secrets(): Promise<StoredSecret[]> {
    const rows = this.control.prepare('SELECT * FROM secrets ORDER BY name').all() as {
      name: string;
      iv: Buffer;
      tag: Buffer;
      ciphertext: Buffer;
      updated_at: number;
    }[];
    return rows.map((row) => ({
      name: row.name,
      sealed: { iv: row.iv, tag: row.tag, ciphertext: row.ciphertext },
      updatedAt: row.updated_at,
    }));
  }

  async metaSetIfAbsent(key: string, value: string): Promise<string> {
    this.control.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, value);
    return (this.control.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
  }

  async appendCaptured(batch: { events: readonly StoredEvent[]; traces: readonly StoredTrace[] }): Promise<void> {
    if (batch.events.length === 0 && batch.traces.length === 0) return;
    await this.writer.append([...batch.events], [...batch.traces]);
  }

  async events(query: CaptureQuery): Promise<StoredEvent[]> {
    const where = [query.hook !== undefined ? 'hook = @hook' : '', query.since !== undefined ? 'at >= @since' : '']
      .filter(Boolean)
      .join(' AND ');
    const filter = where ? `WHERE ${where}` : '';
    const select = `SELECT seq, id, hook, at, line FROM captured_events ${filter}`;
    const sql =
      query.since === undefined
        ? `SELECT * FROM (${select} ORDER BY at DESC, seq DESC LIMIT @limit) ORDER BY at, seq`
        : `${select} ORDER BY at, seq LIMIT @limit`;
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.hook !== undefined) params.hook = query.hook;
    if (query.since !== undefined) params.since = query.since;
    const rows = this.capture.prepare(sql).all(params) as (StoredEvent & { seq: number })[];
    return rows.map(({ id, hook: rowHook, at, line }) => ({ id, hook: rowHook as HookId, at, line }));
  }

  async traces(query: CaptureQuery): Promise<StoredTrace[]> {
    const columns = 'seq, trace_id AS traceId, hook, started_at AS startedAt, json';
    const rows =
      query.since === undefined
        ? (this.capture
            .prepare(
              `SELECT * FROM (SELECT ${columns} FROM traces ORDER BY started_at DESC, seq DESC LIMIT ?)
               ORDER BY startedAt, seq`,
            )
            .all(query.limit) as (StoredTrace & { seq: number })[])
        : (this.capture
            .prepare(`SELECT ${columns} FROM traces WHERE started_at >= ? ORDER BY started_at, seq LIMIT ?`)
            .all(query.since, query.limit) as (StoredTrace & { seq: number })[]);
    return rows.map(({ traceId, hook, startedAt, json }) => ({ traceId, hook, startedAt, json }));
  }

  async trace(traceId: string): Promise<StoredTrace | undefined> {
    // The newest if an id was ever stored twice (trace ids are random: it should not happen).
    const row = this.capture
      .prepare(
        'SELECT trace_id AS traceId, hook, started_at AS startedAt, json FROM traces WHERE trace_id = ? ORDER BY seq DESC LIMIT 1',
      )
      .get(traceId) as StoredTrace | undefined;
    return row ? { traceId: row.traceId, hook: row.hook, startedAt: row.startedAt, json: row.json } : undefined;
  }

  async prune(policy: RetentionPolicy, now: number): Promise<{ events: number; traces: number }> {
    return this.writer.prune(policy, now);
  }

  async addToken(token: StoredToken): Promise<void> {
    this.control
      .prepare('INSERT INTO tokens (id, hash, scopes, name, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(token.id, token.hash, JSON.stringify(token.scopes), token.name, token.createdAt, token.revokedAt ?? null);
  }

  async token(id: string): Promise<StoredToken | undefined> {
    const row = this.selectToken.get(id) as TokenRow | undefined;
    return row ? tokenOf(row) : undefined;
  }

  async tokens(): Promise<StoredToken[]> {
    return (this.control.prepare('SELECT * FROM tokens ORDER BY created_at, id').all() as TokenRow[]).map(tokenOf);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return (
      this.control.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes >
      0
    );
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('the SQLite storage is closed');
    this.control.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    this.capture.close();
    this.control.close();
  }

  private readActive(): StoredBundleVersion | undefined {
    const row = this.control
      .prepare(
        `SELECT ${versionColumns}, b.content FROM active_bundle a JOIN bundle_versions v USING (version)
         JOIN bundles b ON b.hash = v.hash WHERE a.slot = 1`,
      )
      .get() as (VersionRow & { content: string }) | undefined;
    return row ? withBundle(row) : undefined;
  }
}

/** The token's record, its scopes read from this storage's form. */
function tokenOf(row: TokenRow): StoredToken {
  return toToken(row, JSON.parse(row.scopes) as TokenScope[]);
}
