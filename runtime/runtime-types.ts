import type { Bundle, RecordedEvent, Trace } from '../shared/engine';
import type { WorkerFetchOptions } from '../shared/engine/node';
import type { RuntimeConfig, RuntimeConfigInput } from './config';
import type { HookAnswer } from './invoke-answers';
import type { DifferenceJson, RolloutGuard, RolloutJson, RolloutMode, StickyKey } from './rollout/rollout-types';
import type { TailHub } from './tail/tail-hub';
import type { BundleVersionRecord, CaptureQuery, RuntimeStorage, StoredToken } from './storage/types';

// The library's surface (createRuntime in runtime.ts): its options, requests and results.

export interface RuntimeOptions {
  /** The data folder: runtime.db and, by default, runtime.key. Required unless `storage` and a key are given. */
  dataDir?: string;
  /** Another storage (e.g. PostgreSQL); default: SQLite in `dataDir`. The runtime closes it. */
  storage?: RuntimeStorage;
  /** The 32-byte key that seals secrets; default: see secrets/secrets-key.ts. */
  secretsKey?: Uint8Array;
  /** A file holding the base64 key (`--key-file`). */
  keyFile?: string;
  config?: RuntimeConfigInput;
  /** helpers.fetch in the workers (e.g. extra CA certificates), or false to refuse every request. */
  fetch?: WorkerFetchOptions | false;
  /** Operational messages (never secret values, tokens or event contents); default stderr. */
  log?: (message: string) => void;
  /** Draws for capture sampling and shadow runs (docs/rollouts.md); default Math.random. */
  random?: () => number;
  /** TESTS ONLY: a bundled engine worker elsewhere than dist/node. */
  workerUrl?: URL;
}

export interface PublishRequest {
  /** The bundle with each script's `source` inlined (docs/formats.md); validated here. */
  bundle: unknown;
  /** The hash of the bundle it replaces; null when none may be active (If-Match: *). */
  expectedHash: string | null;
  author: string;
  message?: string;
}

export interface RollbackRequest {
  version: number;
  /** When given, the rollback applies only if this hash is active (like publish). */
  expectedHash?: string | null;
  author: string;
  message?: string;
}

export interface StartRolloutRequest {
  /** The candidate, inlined like a publish's bundle; validated the same way. */
  bundle: unknown;
  mode: RolloutMode;
  /** 1–100: the candidate's share of sticky keys (canary) or of invocations (shadow). */
  percent: number;
  /** Default `user.id` (then `user.email`, then `request.ip`). */
  stickyBy?: StickyKey;
  /** Limits the guard rolls back at; each defaults as in rollout-types.ts `defaultGuard`. */
  guard?: Partial<RolloutGuard>;
  message?: string;
  author: string;
  /** The hash of the active bundle the rollout runs beside (If-Match). */
  expectedHash: string | null;
}

export interface ActivationResult {
  /** false when the bundle was already the active one: nothing was recorded. */
  changed: boolean;
  active: BundleVersionRecord;
}

export interface ActiveBundle extends BundleVersionRecord {
  bundle: Bundle;
}

export interface Runtime {
  runHook(hookId: string, event: unknown): Promise<HookAnswer>;
  publish(request: PublishRequest): Promise<ActivationResult>;
  rollback(request: RollbackRequest): Promise<ActivationResult>;
  /**
   * PRECONDITION_FAILED unless `expectedHash` names the active bundle (null: none active), read
   * from the storage when memory disagrees. The HTTP layer judges If-Match with it before reading
   * the body; publish and rollback check again, and the storage's activate is the final word.
   */
  checkPrecondition(expectedHash: string | null): Promise<void>;
  history(limit?: number): Promise<BundleVersionRecord[]>;
  /**
   * Starts a rollout of a candidate beside the active bundle (docs/rollouts.md): ROLLOUT_RUNNING
   * while another runs, PRECONDITION_FAILED when `expectedHash` is not active, and the bundle's
   * errors as a publish's (PIPELINE_INVALID, SECRETS_MISSING).
   */
  startRollout(request: StartRolloutRequest): Promise<RolloutJson>;
  /** The newest rollout (running or ended) with every instance's counts; undefined before the first. */
  currentRollout(): Promise<RolloutJson | undefined>;
  /** NO_ROLLOUT before the first, ROLLOUT_ENDED once it ended. */
  setRolloutPercent(percent: number, author: string): Promise<RolloutJson>;
  /** The candidate becomes the active bundle under its reserved version (history kind `rollout`). */
  promoteRollout(author: string): Promise<RolloutJson>;
  abortRollout(author: string): Promise<RolloutJson>;
  /** The current rollout's kept differences (shadow mode), newest first; NO_ROLLOUT before the first. */
  rolloutDifferences(limit: number): Promise<DifferenceJson[]>;
  activeBundle(): ActiveBundle | undefined;
  /** The active bundle's hash, or null; what health and If-Match compare with. */
  activeHash(): string | null;
  setSecret(name: string, value: string): Promise<{ name: string; updatedAt: number }>;
  secretNames(): { name: string; updatedAt: number }[];
  events(query?: Partial<CaptureQuery>): Promise<RecordedEvent[]>;
  traces(query?: Partial<Omit<CaptureQuery, 'hook'>>): Promise<Trace[]>;
  /** One stored trace (captures written first); undefined when unknown or no longer kept. */
  trace(traceId: string): Promise<Trace | undefined>;
  /** The record of a valid, unrevoked token; undefined otherwise. */
  verifyToken(token: string): Promise<StoredToken | undefined>;
  /** Waits for background runs (async hooks, runs past their deadline) and writes pending captures. */
  flush(): Promise<void>;
  readonly config: RuntimeConfig;
  readonly storage: RuntimeStorage;
  /** Every finished invocation, for GET /v1/tail (runtime/tail/tail-hub.ts). */
  readonly tail: TailHub;
  captureStats(): { pending: number; dropped: number; written: { events: number; traces: number } };
  close(): Promise<void>;
}
