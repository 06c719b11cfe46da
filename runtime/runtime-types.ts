import type { Bundle, RecordedEvent, Trace } from '../shared/engine';
import type { WorkerFetchOptions } from '../shared/engine/node';
import type { RuntimeConfig, RuntimeConfigInput } from './config';
import type { HookAnswer } from './invoke';
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
  activeBundle(): ActiveBundle | undefined;
  /** The active bundle's hash, or null; what health and If-Match compare with. */
  activeHash(): string | null;
  setSecret(name: string, value: string): Promise<{ name: string; updatedAt: number }>;
  secretNames(): { name: string; updatedAt: number }[];
  events(query?: Partial<CaptureQuery>): Promise<RecordedEvent[]>;
  traces(query?: Partial<Omit<CaptureQuery, 'hook'>>): Promise<Trace[]>;
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
