import type { Bundle } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { NewRollout, RolloutCounts, StoredDifference, StoredRollout } from '../rollout/rollout-types';

// The runtime's state behind one interface, so that the embedded SQLite default (./sqlite) can be
// joined by the PostgreSQL one (./postgres) without touching the runtime. Rules for any
// implementation:
// - every method is async and takes or returns plain data (times are epoch milliseconds);
// - `activate` is the only way to change the active bundle: one compare-and-swap in one
//   transaction (check the active hash, append the version, point at it), so that two publishers
//   racing with the same If-Match cannot both win, and a crash leaves the old or the new pointer;
// - version numbers are assigned by the storage inside that transaction (1, 2, 3, … never reused);
// - secrets arrive sealed (AES-GCM); the storage never sees a plaintext value or the key;
// - tokens are stored as SHA-256 hashes; the storage never sees a token;
// - a storage shared by several runtime instances (PostgreSQL) offers `watch`, so that each
//   instance learns of the others' publishes and secrets; a single-process one (SQLite) need not.

export interface BundleVersionRecord {
  version: number;
  /** The bundle's content hash (docs/formats.md). */
  hash: string;
  publishedAt: number;
  author: string;
  message: string;
  /**
   * `rollback`: the content of `restoredFrom` made active again; `rollout`: a rollout's candidate,
   * promoted (its version is the one the rollout reserved, runtime/rollout/rollout-types.ts).
   */
  kind: 'publish' | 'rollback' | 'rollout';
  restoredFrom?: number;
  /** For kind `rollout`: the rollout that promoted it. */
  rolloutId?: string;
}

export interface StoredBundleVersion extends BundleVersionRecord {
  bundle: Bundle;
}

export interface NewBundleVersion {
  hash: string;
  bundle: Bundle;
  publishedAt: number;
  author: string;
  message: string;
  kind: 'publish' | 'rollback';
  restoredFrom?: number;
}

export type ActivateResult =
  | { ok: true; active: StoredBundleVersion }
  /**
   * The active hash was not the expected one (`activeHash` is what is active now, null: none), or
   * a rollout runs (`rolloutId`): the active bundle changes only by its promote while it does.
   */
  | { ok: false; activeHash: string | null; rolloutId?: string };

export type StartRolloutResult =
  | { ok: true; rollout: StoredRollout }
  /** `expectedHash` is not active (`activeHash` is), or another rollout runs (`rolloutId`). */
  | { ok: false; activeHash: string | null; rolloutId?: string };

/** AES-256-GCM output; see secrets/secret-cipher.ts. */
export interface SealedSecret {
  iv: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
}

export interface StoredSecret {
  name: string;
  sealed: SealedSecret;
  updatedAt: number;
}

/** A captured event, already redacted: `line` is its NDJSON line (docs/formats.md) without the newline. */
export interface StoredEvent {
  id: string;
  hook: HookId;
  at: number;
  line: string;
}

/** A finished trace (the engine's form, secrets masked) as JSON text. */
export interface StoredTrace {
  traceId: string;
  hook: HookId;
  startedAt: number;
  json: string;
}

export interface CaptureQuery {
  hook?: HookId;
  /** Inclusive lower bound on the capture time (epoch ms). Without it: the most recent `limit`. */
  since?: number;
  limit: number;
}

export interface RetentionPolicy {
  maxEvents: number;
  eventMaxAgeMs: number;
  maxTraces: number;
  traceMaxAgeMs: number;
}

export const tokenScopes = ['publish', 'invoke', 'events:read', 'secrets:write'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export interface StoredToken {
  /** The public part of the token (`psrt_<id>_…`), the lookup key. */
  id: string;
  /** SHA-256 (hex) of the whole token. */
  hash: string;
  scopes: TokenScope[];
  name: string;
  createdAt: number;
  revokedAt?: number;
}

/**
 * What another instance (or this one) changed in a shared storage. `resync`: changes may have been
 * missed (the subscription was down, or has just started): re-read the active version and secrets.
 */
export type StorageChange =
  | { kind: 'activated'; version: number }
  | { kind: 'secrets' }
  /** A rollout started, changed its percent or ended (its revision increased). */
  | { kind: 'rollout'; id: string; revision: number }
  | { kind: 'resync' };

export interface RuntimeStorage {
  // ---- bundles
  activeVersion(): Promise<StoredBundleVersion | undefined>;
  bundleVersion(version: number): Promise<StoredBundleVersion | undefined>;
  /** Newest first. */
  history(limit: number): Promise<BundleVersionRecord[]>;
  /** Compare-and-swap: `expectedHash` null means "only if no bundle is active". */
  activate(expectedHash: string | null, next: NewBundleVersion): Promise<ActivateResult>;

  // ---- rollouts (runtime/rollout/rollout-types.ts); every state change is one transaction
  /**
   * Starts `next` only if `expectedHash` is active and no rollout runs, reserving the candidate's
   * version number from the sequence `activate` numbers from (never reused); revision 1.
   */
  startRollout(expectedHash: string, next: NewRollout): Promise<StartRolloutResult>;
  /** The newest rollout, running or ended; undefined before the first. */
  currentRollout(): Promise<StoredRollout | undefined>;
  /** Sets the percent of rollout `id` if it runs (revision + 1); undefined when it does not run. */
  setRolloutPercent(id: string, percent: number): Promise<StoredRollout | undefined>;
  /** Ends rollout `id` if it runs (revision + 1); undefined when it did not run (ended elsewhere first). */
  endRollout(
    id: string,
    end: { state: 'aborted' | 'rolled-back'; reason: string; at: number },
  ): Promise<StoredRollout | undefined>;
  /**
   * In one transaction, if rollout `id` runs and its base is still active: ends it `promoted` and
   * activates its candidate under its reserved version (kind `rollout`, `rolloutId`). Undefined
   * when it does not run.
   */
  promoteRollout(
    id: string,
    promotion: { at: number; author: string; message: string },
  ): Promise<{ rollout: StoredRollout; active: StoredBundleVersion } | undefined>;
  /** Replaces instance `instanceId`'s counts for rollout `rolloutId`. */
  putRolloutCounts(rolloutId: string, instanceId: string, counts: RolloutCounts): Promise<void>;
  /** Every instance's counts for the rollout (the runtime adds them up). */
  rolloutCounts(rolloutId: string): Promise<RolloutCounts[]>;
  /** Appends, then keeps only the newest `keep` of each rollout. */
  appendDifferences(differences: readonly StoredDifference[], keep: number): Promise<void>;
  /** Newest first. */
  differences(rolloutId: string, limit: number): Promise<StoredDifference[]>;

  // ---- secrets and settings
  putSecret(secret: StoredSecret): Promise<void>;
  secrets(): Promise<StoredSecret[]>;
  /** Sets `key` only if it has no value; returns the value that is stored afterwards. */
  metaSetIfAbsent(key: string, value: string): Promise<string>;

  // ---- captured events and traces
  appendCaptured(batch: { events: readonly StoredEvent[]; traces: readonly StoredTrace[] }): Promise<void>;
  /** Oldest first. */
  events(query: CaptureQuery): Promise<StoredEvent[]>;
  /** Oldest first; `hook` is ignored. */
  traces(query: CaptureQuery): Promise<StoredTrace[]>;
  /** One stored trace by id (GET /v1/traces/{traceId}). */
  trace(traceId: string): Promise<StoredTrace | undefined>;
  /** Deletes what the policy no longer keeps; returns how many rows went. */
  prune(policy: RetentionPolicy, now: number): Promise<{ events: number; traces: number }>;

  // ---- tokens
  addToken(token: StoredToken): Promise<void>;
  token(id: string): Promise<StoredToken | undefined>;
  tokens(): Promise<StoredToken[]>;
  /** false when there is no such token or it was already revoked. */
  revokeToken(id: string, at: number): Promise<boolean>;

  // ---- several instances on one storage
  /**
   * Optional: reports changes committed by any instance, until the returned function is called.
   * Delivery is at least once and may lag; after a `resync` the listener re-reads everything.
   */
  watch?(listener: (change: StorageChange) => void): () => void;

  // ---- readiness
  /**
   * A cheap round trip (`SELECT 1`) that resolves when the storage answers and rejects with the
   * reason when it cannot (closed, unreachable). GET /v1/health calls it on every check, so it must
   * settle within a few seconds even when the database hangs, and its error message must not carry
   * a password or other secret.
   */
  ping(): Promise<void>;

  close(): Promise<void>;
}
