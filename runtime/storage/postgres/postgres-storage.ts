import pg from 'pg';
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
  StorageChange,
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
import { ChangeFeed, changeChannel, changePayload } from './change-feed';
import { migratePostgres } from './migrations';
import { lockActivePointer, nextVersionNumber, PostgresRollouts, runningRolloutId } from './postgres-rollouts';
import { inTransaction } from './transaction';

// RuntimeStorage on PostgreSQL (node-postgres), for several runtime instances sharing one
// database (docs/deployment.md). The same tables as runtime.db; what differs:
// - `activate` locks the one active-pointer row (`FOR UPDATE`) for the whole compare-and-swap, so
//   publishes from every instance are serialised on it, and NOTIFYs inside the transaction:
//   PostgreSQL delivers the notification when (and only if) the swap commits;
// - `putSecret` notifies the same way, and so does every rollout change (postgres-rollouts.ts);
//   `watch` reports them all (change-feed.ts);
// - bundles are kept as the exact JSON text that was published (not jsonb, which reorders keys
//   and drops duplicates), so the bundle read back is the bundle whose hash was checked;
// - captured events and traces go in one multi-row INSERT per batch (unnest of arrays): the pool
//   does the I/O off the event loop, so no writer thread is needed as for SQLite.
//
// Settings (docs/deployment.md) come from the options or from query parameters of the URL, which
// are removed before node-postgres reads it: `pool_max` (connections in the pool, default 10) and
// `safety_poll_ms` (change-feed.ts; default 30000, 0 off). Every other parameter (sslmode,
// application_name, …) is node-postgres's.

export interface PostgresStorageOptions {
  /** Connections in the pool (default 10): invocations only write captures, in batches. */
  poolSize?: number;
  /** The change feed's safety poll (change-feed.ts); default 30 s, 0 off. */
  safetyPollMs?: number;
  /** Connection problems (never a password or a query's data); default stderr. */
  log?: (message: string) => void;
}

type TokenRow = SharedTokenRow<string[]>;

/** Only one instance prunes at a time; the others skip that round. */
const pruneLockKey = 0x70_72_75_6e;
const defaultPoolSize = 10;
const defaultSafetyPollMs = 30_000;
/** ping's bound: a health check must answer even when the database hangs (connections time out only after 10 s). */
const pingTimeoutMs = 2_000;

// BIGINT columns hold epoch milliseconds and counts, far below 2^53: numbers, not strings.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL with its password hidden, for logs and the start line. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    url.search = '';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Our own settings out of the URL; the rest of the URL is node-postgres's. */
export function parseDatabaseUrl(databaseUrl: string): {
  connectionString: string;
  poolSize?: number;
  safetyPollMs?: number;
} {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('the database URL is not a URL (postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`the database URL must start with postgres:// (got ${url.protocol}//)`);
  }
  const number = (name: string, min: number, max: number): number | undefined => {
    const raw = url.searchParams.get(name);
    url.searchParams.delete(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`the database URL's ${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
    }
    return value;
  };
  const poolSize = number('pool_max', 1, 1000);
  const safetyPollMs = number('safety_poll_ms', 0, 86_400_000);
  return {
    connectionString: url.toString(),
    ...(poolSize !== undefined ? { poolSize } : {}),
    ...(safetyPollMs !== undefined ? { safetyPollMs } : {}),
  };
}

/** Connects, applies the migrations (safe when several instances start at once) and returns the storage. */
export async function openPostgresStorage(
  databaseUrl: string,
  options: PostgresStorageOptions = {},
): Promise<PostgresRuntimeStorage> {
  const parsed = parseDatabaseUrl(databaseUrl);
  const log = options.log ?? ((message: string) => process.stderr.write(`pipeline-runtime: ${message}\n`));
  const base: pg.ClientConfig = { connectionString: parsed.connectionString, types };
  const applicationName = new URL(parsed.connectionString).searchParams.get('application_name') ?? 'pipeline-runtime';
  const pool = new pg.Pool({
    ...base,
    application_name: applicationName,
    max: options.poolSize ?? parsed.poolSize ?? defaultPoolSize,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle pooled connection that breaks (server restart, failover) emits here; unhandled, it
  // would end the process. The pool replaces it on the next checkout.
  pool.on('error', (error) => log(`a pooled PostgreSQL connection failed: ${error.message}`));
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `cannot open the PostgreSQL database ${redactDatabaseUrl(databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const feed = new ChangeFeed({
    client: { ...base, application_name: `${applicationName}/listen` },
    safetyPollMs: options.safetyPollMs ?? parsed.safetyPollMs ?? defaultSafetyPollMs,
    log,
  });
  return new PostgresRuntimeStorage(pool, feed, new URL(parsed.connectionString).password);
}

export class PostgresRuntimeStorage implements RuntimeStorage {
  private closed = false;
  private readonly rollouts: PostgresRollouts;

  constructor(
    private readonly pool: pg.Pool,
    private readonly feed: ChangeFeed,
    /** The URL's password (as written there), hidden from ping's error messages. */
    private readonly password = '',
  ) {
    this.rollouts = new PostgresRollouts(pool);
  }

  async activeVersion(): Promise<StoredBundleVersion | undefined> {
    const { rows } = await this.pool.query<VersionRow & { content: string }>(
      `SELECT ${versionColumns}, b.content FROM active_bundle a JOIN bundle_versions v ON v.version = a.version
       JOIN bundles b ON b.hash = v.hash WHERE a.slot = 1`,
    );
    return rows[0] ? withBundle(rows[0]) : undefined;
  }

  async bundleVersion(version: number): Promise<StoredBundleVersion | undefined> {
    const { rows } = await this.pool.query<VersionRow & { content: string }>(
      `SELECT ${versionColumns}, b.content FROM bundle_versions v JOIN bundles b ON b.hash = v.hash WHERE v.version = $1`,
      [version],
    );
    return rows[0] ? withBundle(rows[0]) : undefined;
  }

  async history(limit: number): Promise<BundleVersionRecord[]> {
    const { rows } = await this.pool.query<VersionRow>(
      `SELECT ${versionColumns} FROM bundle_versions v ORDER BY v.version DESC LIMIT $1`,
      [limit],
    );
    return rows.map(toRecord);
  }

  async activate(expectedHash: string | null, next: NewBundleVersion): Promise<ActivateResult> {
    return this.transaction(async (client): Promise<ActivateResult> => {
      // The pointer row is locked until the commit: a publisher on any instance waits here, then
      // reads the pointer as the winner left it (READ COMMITTED re-reads a row it waited for).
      // Locked alone, not joined: the hash is read by the next statement, with a fresh snapshot.
      const current = await lockActivePointer(client);
      let activeHash: string | null = null;
      if (current !== null) {
        const { rows } = await client.query<{ hash: string }>('SELECT hash FROM bundle_versions WHERE version = $1', [
          current,
        ]);
        activeHash = rows[0]?.hash ?? null;
      }
      // While a rollout runs, only its promote changes the active bundle.
      const rolloutId = await runningRolloutId(client);
      if (rolloutId !== undefined) return { ok: false, activeHash, rolloutId };
      if (activeHash !== expectedHash) return { ok: false, activeHash };
      await client.query('INSERT INTO bundles (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING', [
        next.hash,
        JSON.stringify(next.bundle),
      ]);
      const version = await nextVersionNumber(client);
      await client.query(
        `INSERT INTO bundle_versions (version, hash, published_at, author, message, kind, restored_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [version, next.hash, next.publishedAt, next.author, next.message, next.kind, next.restoredFrom ?? null],
      );
      await client.query('UPDATE active_bundle SET version = $1 WHERE slot = 1', [version]);
      // Queued now, delivered by PostgreSQL at the commit: never for a swap that rolls back.
      await client.query('SELECT pg_notify($1, $2)', [changeChannel, changePayload({ kind: 'activated', version })]);
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
  }

  startRollout(expectedHash: string, next: NewRollout): Promise<StartRolloutResult> {
    return this.rollouts.start(expectedHash, next);
  }

  currentRollout(): Promise<StoredRollout | undefined> {
    return this.rollouts.current();
  }

  setRolloutPercent(id: string, percent: number): Promise<StoredRollout | undefined> {
    return this.rollouts.setPercent(id, percent);
  }

  endRollout(
    id: string,
    end: { state: 'aborted' | 'rolled-back'; reason: string; at: number },
  ): Promise<StoredRollout | undefined> {
    return this.rollouts.end(id, end);
  }

  promoteRollout(
    id: string,
    promotion: { at: number; author: string; message: string },
  ): Promise<{ rollout: StoredRollout; active: StoredBundleVersion } | undefined> {
    return this.rollouts.promote(id, promotion);
  }

  putRolloutCounts(rolloutId: string, instanceId: string, counts: RolloutCounts): Promise<void> {
    return this.rollouts.putCounts(rolloutId, instanceId, counts, Date.now());
  }

  rolloutCounts(rolloutId: string): Promise<RolloutCounts[]> {
    return this.rollouts.counts(rolloutId);
  }

  appendDifferences(differences: readonly StoredDifference[], keep: number): Promise<void> {
    return this.rollouts.appendDifferences(differences, keep);
  }

  differences(rolloutId: string, limit: number): Promise<StoredDifference[]> {
    return this.rollouts.differences(rolloutId, limit);
  }

  async putSecret(secret: StoredSecret): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO secrets (name, iv, tag, ciphertext, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext,
           updated_at = excluded.updated_at`,
        [
          secret.name,
          Buffer.from(secret.sealed.iv),
          Buffer.from(secret.sealed.tag),
          Buffer.from(secret.sealed.ciphertext),
          secret.updatedAt,
        ],
      );
      await client.query('SELECT pg_notify($1, $2)', [changeChannel, changePayload({ kind: 'secrets' })]);
    });
  }

  async secrets(): Promise<StoredSecret[]> {
    const { rows } = await this.pool.query<{
      name: string;
      iv: Buffer;
      tag: Buffer;
      ciphertext: Buffer;
      updated_at: number;
    }>('SELECT name, iv, tag, ciphertext, updated_at FROM secrets ORDER BY name');
    return rows.map((row) => ({
      name: row.name,
      sealed: { iv: row.iv, tag: row.tag, ciphertext: row.ciphertext },
      updatedAt: row.updated_at,
    }));
  }

  async metaSetIfAbsent(key: string, value: string): Promise<string> {
    // Two instances starting at once on a new database: one insert wins, both read the winner's.
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return (rows[0] as { value: string }).value;
  }

  async appendCaptured(batch: { events: readonly StoredEvent[]; traces: readonly StoredTrace[] }): Promise<void> {
    if (batch.events.length === 0 && batch.traces.length === 0) return;
    // One JSON parameter per table (the records as they are), unpacked by the server in order.
    // Not text arrays: node-postgres escapes each element of an array literal in JavaScript, which
    // for a batch of traces (JSON full of quotes) held the event loop about 8 times longer than the
    // native JSON.stringify does (measured here: ~3 ms against ~0.35 ms for 100 traces of 2.6 KB).
    await this.transaction(async (client) => {
      if (batch.events.length > 0) {
        await client.query(
          `INSERT INTO captured_events (id, hook, at, line)
           SELECT e->>'id', e->>'hook', (e->>'at')::bigint, e->>'line'
             FROM json_array_elements($1::json) WITH ORDINALITY AS t (e, ord) ORDER BY ord
           ON CONFLICT (id) DO NOTHING`,
          [JSON.stringify(batch.events)],
        );
      }
      if (batch.traces.length > 0) {
        await client.query(
          `INSERT INTO traces (trace_id, hook, started_at, json)
           SELECT e->>'traceId', e->>'hook', (e->>'startedAt')::bigint, e->>'json'
             FROM json_array_elements($1::json) WITH ORDINALITY AS t (e, ord) ORDER BY ord`,
          [JSON.stringify(batch.traces)],
        );
      }
    });
  }

  async events(query: CaptureQuery): Promise<StoredEvent[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.hook !== undefined) where.push(`hook = $${params.push(query.hook)}`);
    if (query.since !== undefined) where.push(`at >= $${params.push(query.since)}`);
    const limit = `$${params.push(query.limit)}`;
    const select = `SELECT seq, id, hook, at, line FROM captured_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const sql =
      query.since === undefined
        ? `SELECT * FROM (${select} ORDER BY at DESC, seq DESC LIMIT ${limit}) recent ORDER BY at, seq`
        : `${select} ORDER BY at, seq LIMIT ${limit}`;
    const { rows } = await this.pool.query<StoredEvent>(sql, params);
    return rows.map(({ id, hook, at, line }) => ({ id, hook: hook as HookId, at, line }));
  }

  async traces(query: CaptureQuery): Promise<StoredTrace[]> {
    const columns = 'seq, trace_id AS "traceId", hook, started_at AS "startedAt", json';
    const { rows } =
      query.since === undefined
        ? await this.pool.query<StoredTrace>(
            `SELECT * FROM (SELECT ${columns} FROM traces ORDER BY started_at DESC, seq DESC LIMIT $1) recent
             ORDER BY "startedAt", seq`,
            [query.limit],
          )
        : await this.pool.query<StoredTrace>(
            `SELECT ${columns} FROM traces WHERE started_at >= $1 ORDER BY started_at, seq LIMIT $2`,
            [query.since, query.limit],
          );
    return rows.map(({ traceId, hook, startedAt, json }) => ({ traceId, hook, startedAt, json }));
  }

  async trace(traceId: string): Promise<StoredTrace | undefined> {
    // The newest if an id was ever stored twice (trace ids are random: it should not happen).
    const { rows } = await this.pool.query<StoredTrace>(
      `SELECT trace_id AS "traceId", hook, started_at AS "startedAt", json FROM traces WHERE trace_id = $1
       ORDER BY seq DESC LIMIT 1`,
      [traceId],
    );
    const row = rows[0];
    return row ? { traceId: row.traceId, hook: row.hook, startedAt: row.startedAt, json: row.json } : undefined;
  }

  async prune(policy: RetentionPolicy, now: number): Promise<{ events: number; traces: number }> {
    return this.transaction(async (client) => {
      // Every instance prunes on its own timer; one round at a time is enough.
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        pruneLockKey,
      ]);
      if (!rows[0]?.locked) return { events: 0, traces: 0 };
      const count = (result: pg.QueryResult) => result.rowCount ?? 0;
      let events = count(await client.query('DELETE FROM captured_events WHERE at < $1', [now - policy.eventMaxAgeMs]));
      events += count(
        await client.query(
          'DELETE FROM captured_events WHERE seq <= (SELECT seq FROM captured_events ORDER BY seq DESC LIMIT 1 OFFSET $1)',
          [policy.maxEvents],
        ),
      );
      let traces = count(await client.query('DELETE FROM traces WHERE started_at < $1', [now - policy.traceMaxAgeMs]));
      traces += count(
        await client.query(
          'DELETE FROM traces WHERE seq <= (SELECT seq FROM traces ORDER BY seq DESC LIMIT 1 OFFSET $1)',
          [policy.maxTraces],
        ),
      );
      return { events, traces };
    });
  }

  async addToken(token: StoredToken): Promise<void> {
    await this.pool.query(
      'INSERT INTO tokens (id, hash, scopes, name, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [token.id, token.hash, token.scopes, token.name, token.createdAt, token.revokedAt ?? null],
    );
  }

  async token(id: string): Promise<StoredToken | undefined> {
    const { rows } = await this.pool.query<TokenRow>('SELECT * FROM tokens WHERE id = $1', [id]);
    return rows[0] ? tokenOf(rows[0]) : undefined;
  }

  async tokens(): Promise<StoredToken[]> {
    const { rows } = await this.pool.query<TokenRow>('SELECT * FROM tokens ORDER BY created_at, id');
    return rows.map(tokenOf);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    const result = await this.pool.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      at,
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  watch(listener: (change: StorageChange) => void): () => void {
    return this.feed.subscribe(listener);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('the PostgreSQL storage is closed');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`PostgreSQL did not answer SELECT 1 within ${pingTimeoutMs} ms`)),
        pingTimeoutMs,
      );
    });
    // query_timeout (node-postgres reads it from the query's config; @types/pg lacks it there) makes
    // the pool discard a connection that stopped answering; the race also bounds the wait for a
    // connection (a dead host is only given up after the pool's 10 s connection timeout).
    const config = { text: 'SELECT 1', query_timeout: pingTimeoutMs } as pg.QueryConfig;
    const query = this.pool.query(config);
    query.catch(() => undefined); // it may lose the race and fail later
    try {
      await Promise.race([query, timedOut]);
    } catch (error) {
      throw new Error(this.withoutPassword(error instanceof Error ? error.message : String(error)));
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed.close();
    await this.pool.end();
  }

  private withoutPassword(message: string): string {
    let text = message;
    for (const form of new Set([this.password, safeDecode(this.password)])) {
      if (form) text = text.split(form).join('***');
    }
    return text;
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The token's record, its scopes read from this storage's form. */
function tokenOf(row: TokenRow): StoredToken {
  return toToken(row, row.scopes as TokenScope[]);
}
