import pg from 'pg';
import type { StorageChange } from '../types';

// How one runtime instance learns of the others' writes: a dedicated connection (not from the
// pool: a pooled client is handed to other queries, and LISTEN belongs to a session) that LISTENs
// on one channel. `activate` and `putSecret` NOTIFY inside their transactions, so a notification is
// sent exactly when the change commits, to every listening session of the database.
//
// Notifications sent while this connection is down are lost (PostgreSQL queues them per session
// only). So after every (re)connection, the first one included, the feed reports `resync`: the
// runtime then re-reads the active version and the secrets. Reconnection backs off exponentially
// (with jitter, so that a fleet does not reconnect in lockstep after a failover).
//
// The safety poll: a connection can also die silently (a NAT or a firewall dropping an idle TCP
// flow, a half-open socket after a network partition): no error, no notification, ever. TCP
// keep-alive finds that eventually; the poll finds it within `safetyPollMs`: it runs a small query
// on the LISTEN connection itself (a failure means the connection is gone: reconnect and resync),
// and reports the active version, the secrets' fingerprint and the newest rollout's revision when
// they changed since the last look, in case anything was missed. It is a backstop measured in tens of seconds (default 30 s,
// one cheap query per instance), not how changes normally travel: NOTIFY delivers them in
// milliseconds. 0 turns it off (tests that must prove NOTIFY did the work).

export const changeChannel = 'pipeline_runtime_changes';

export interface ChangeFeedOptions {
  client: pg.ClientConfig;
  safetyPollMs: number;
  log: (message: string) => void;
  /** Reconnection delays: `initialMs` doubling up to `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
}

/** The payload of a notification (JSON on `changeChannel`). */
export function changePayload(change: StorageChange): string {
  return JSON.stringify(change);
}

/** What the safety poll compares between two looks. */
interface Look {
  version: number | null;
  secrets: string;
  rollout_id: string | null;
  rollout_revision: number | null;
}

export class ChangeFeed {
  private readonly listeners = new Set<(change: StorageChange) => void>();
  private client: pg.Client | undefined;
  private started = false;
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private seen: Look | undefined;

  constructor(private readonly options: ChangeFeedOptions) {}

  subscribe(listener: (change: StorageChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.started && !this.closed) {
      this.started = true;
      void this.connect();
      if (this.options.safetyPollMs > 0) {
        this.pollTimer = setInterval(() => void this.poll(), this.options.safetyPollMs);
        this.pollTimer.unref();
      }
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private emit(change: StorageChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.options.log(`a storage change listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ query_timeout: 10_000, ...this.options.client, keepAlive: true });
    let gone = false;
    const lost = (error?: unknown) => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.closed) return;
      const reason = error instanceof Error ? error.message : 'connection ended';
      this.options.log(`the LISTEN connection to PostgreSQL is down (${reason}); reconnecting`);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel !== changeChannel) return;
      const change = parseChange(message.payload);
      if (change) this.emit(change);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${changeChannel}`);
      this.seen = await this.look(client);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.closed) {
      gone = true;
      await client.end().catch(() => undefined);
      return;
    }
    if (this.attempt > 0) this.options.log('the LISTEN connection to PostgreSQL is back; re-reading the state');
    this.client = client;
    this.attempt = 0;
    // Listening from here on; whatever committed before (or while we were away) is re-read.
    this.emit({ kind: 'resync' });
  }

  private scheduleReconnect(): void {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 5000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private async look(client: pg.Client): Promise<Look> {
    const { rows } = await client.query<Look>(
      `SELECT (SELECT version FROM active_bundle WHERE slot = 1) AS version,
              (SELECT count(*) || ':' || COALESCE(max(updated_at), 0) FROM secrets) AS secrets,
              newest.id AS rollout_id, newest.revision AS rollout_revision
         FROM (SELECT 1) AS one
         LEFT JOIN (SELECT id, revision FROM rollouts ORDER BY started_at DESC, candidate_version DESC LIMIT 1) AS newest
           ON true`,
    );
    return rows[0] ?? { version: null, secrets: '', rollout_id: null, rollout_revision: null };
  }

  private async poll(): Promise<void> {
    const client = this.client;
    if (!client || this.polling) return;
    this.polling = true;
    try {
      const now = await this.look(client);
      const before = this.seen;
      this.seen = now;
      if (now.version !== null && now.version !== before?.version) {
        this.emit({ kind: 'activated', version: now.version });
      }
      if (before && now.secrets !== before.secrets) this.emit({ kind: 'secrets' });
      if (
        now.rollout_id !== null &&
        now.rollout_revision !== null &&
        (now.rollout_id !== before?.rollout_id || now.rollout_revision !== before.rollout_revision)
      ) {
        this.emit({ kind: 'rollout', id: now.rollout_id, revision: now.rollout_revision });
      }
    } catch (error) {
      // A query that fails on this connection means it is gone: the error handler reconnects.
      client.emit('error', error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.polling = false;
    }
  }
}

/** Rollout ids are `ro_<random>`; anything longer is not one of ours. */
const maxRolloutIdLength = 200;

/** A notification's payload as a change; undefined for anything else sent on the channel. */
export function parseChange(payload: string | undefined): StorageChange | undefined {
  try {
    const value = JSON.parse(payload ?? '') as { kind?: unknown; version?: unknown; id?: unknown; revision?: unknown };
    if (value === null || typeof value !== 'object') return undefined;
    if (value.kind === 'activated' && isPositiveInteger(value.version)) {
      return { kind: 'activated', version: value.version };
    }
    if (value.kind === 'secrets') return { kind: 'secrets' };
    if (
      value.kind === 'rollout' &&
      typeof value.id === 'string' &&
      value.id.length > 0 &&
      value.id.length <= maxRolloutIdLength &&
      isPositiveInteger(value.revision)
    ) {
      return { kind: 'rollout', id: value.id, revision: value.revision };
    }
  } catch {
    // not ours
  }
  return undefined;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}
