import type { JsonObject, RecordedEvent, Trace } from '../shared/engine';
import { createEnginePool, type EnginePool } from '../shared/engine/node';
import { checkValueShape, eventBounds } from '../shared/engine/value-bounds';
import { isHookId, validateEvent, type HookId } from '../shared/hooks';
import { buildPlanSet, buildPlans, emptyPlanSet, type ActivePlanSet } from './active-set';
import { checkPublishable } from './bundle-check';
import { CaptureWriter } from './capture/capture-writer';
import { createPrepThread } from './capture/capture-prep-thread';
import type { CapturePreparer } from './capture/capture-prep';
import { parseRuntimeConfig, type RuntimeConfig } from './config';
import { warmUp } from './engine-warm-up';
import { RuntimeError } from './errors';
import { invokeHook, type HookAnswer, type InvokeDeps } from './invoke';
import { RolloutController } from './rollout/rollout-controller';
import { RolloutLifecycle, rolloutRunningError } from './rollout/rollout-lifecycle';
import type { DifferenceJson, RolloutJson, StoredRollout } from './rollout/rollout-types';
import { openRuntimeSecrets, type RuntimeSecrets, type Serially } from './runtime-secrets';
import { TokenVerifier } from './auth/token-verifier';
import { TailHub } from './tail/tail-hub';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage';
import type {
  BundleVersionRecord,
  CaptureQuery,
  RuntimeStorage,
  StorageChange,
  StoredBundleVersion,
  StoredToken,
} from './storage/types';
import type {
  ActivationResult,
  ActiveBundle,
  PublishRequest,
  RollbackRequest,
  Runtime,
  RuntimeOptions,
  StartRolloutRequest,
} from './runtime-types';

export type {
  ActivationResult,
  ActiveBundle,
  PublishRequest,
  RollbackRequest,
  Runtime,
  RuntimeOptions,
  StartRolloutRequest,
} from './runtime-types';

// The reference runtime as a library: what the HTTP server serves and what a host application
// can embed instead (`runHook(hookId, event)` in-process). State lives behind RuntimeStorage
// (SQLite in the data folder by default); the pipeline runs in the studio's own engine pool.
//
// Several instances may share one storage (PostgreSQL, docs/deployment.md). Each keeps the active
// plan set and the secrets in memory, and follows the others through the storage's `watch`: a
// newer activation is read and swapped in, changed secrets are re-read, and after a `resync` (the
// subscription was down) both. Since an instance may be a notification behind, a publish whose
// If-Match or declared secrets disagree with memory re-reads the storage before refusing; the
// storage's compare-and-swap stays the judge of who wins.
//
// A rollout (docs/rollouts.md) lives in the storage too: the controller (rollout/rollout-controller.ts)
// decides which bundle answers each invocation, and follows the storage's rollout changes the same
// way. While one runs, the active bundle changes only by its promote.

const maxQueryLimit = 10_000;
const maxTraceLimit = 1000;

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const config = parseRuntimeConfig(options.config ?? {});
  const log = options.log ?? ((message: string) => process.stderr.write(`pipeline-runtime: ${message}\n`));
  if (!options.storage && !options.dataDir) throw new Error('createRuntime needs a dataDir or a storage');
  const storage = options.storage ?? openSqliteStorage(options.dataDir as string);
  try {
    const queue = serialQueue();
    const secrets = await openRuntimeSecrets(storage, options, log, queue.serially);
    const active = await storage.activeVersion();
    const rollout = await storage.currentRollout();
    const pool = createEnginePool({
      ...(config.workers !== undefined ? { workers: config.workers } : {}),
      secrets: { get: async (name) => secrets.value(name) },
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    try {
      await warmUp(pool);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return new ReferenceRuntime(
      { storage, config, secrets, queue, pool, log, random: options.random ?? Math.random },
      active,
      rollout,
    );
  } catch (error) {
    await storage.close();
    throw error;
  }
}

interface RuntimeParts {
  storage: RuntimeStorage;
  config: RuntimeConfig;
  secrets: RuntimeSecrets;
  queue: SerialQueue;
  pool: EnginePool;
  log: (message: string) => void;
  random: () => number;
}

class ReferenceRuntime implements Runtime {
  private active: ActivePlanSet;
  private readonly capture: CaptureWriter;
  private readonly verifier: TokenVerifier;
  private readonly background = new Set<Promise<unknown>>();
  private readonly unwatch: (() => void) | undefined;
  /** Storage changes and refreshes, applied one at a time. */
  private readonly queue: SerialQueue;
  private closed = false;
  private readonly rollouts: RolloutController;
  private readonly lifecycle: RolloutLifecycle;
  private readonly invokeDeps: InvokeDeps;
  readonly tail = new TailHub();
  readonly storage: RuntimeStorage;
  readonly config: RuntimeConfig;
  private readonly secrets: RuntimeSecrets;
  private readonly pool: EnginePool;
  private readonly log: (message: string) => void;

  constructor(parts: RuntimeParts, active: StoredBundleVersion | undefined, rollout: StoredRollout | undefined) {
    this.storage = parts.storage;
    this.config = parts.config;
    this.secrets = parts.secrets;
    this.queue = parts.queue;
    this.pool = parts.pool;
    this.log = parts.log;
    const { storage, config, log } = parts;
    this.active = active ? buildPlanSet(active, config) : emptyPlanSet;
    this.verifier = new TokenVerifier(storage);
    // One preparation thread masks and redacts both captures and a rollout's differences.
    const preparer: CapturePreparer = createPrepThread(config.capture.redaction, config.source);
    this.capture = new CaptureWriter(storage, {
      flushIntervalMs: config.capture.flushIntervalMs,
      batchSize: config.capture.batchSize,
      maxPending: config.capture.maxPending,
      retention: config.retention,
      preparer,
      onError: (error) => log(`capture: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.invokeDeps = {
      pool: this.pool,
      config,
      masker: (s) => this.secrets.maskerOf(s),
      capture: (item) => this.capture.push(item),
      track: (run) => this.track(run),
      observe: (invocation) => this.tail.publish(invocation),
      random: parts.random,
    };
    this.rollouts = new RolloutController({
      storage,
      config,
      invoke: (set, hook, event, options) => invokeHook(this.invokeDeps, set, hook, event, options),
      track: (run) => this.track(run),
      masker: (s) => this.secrets.maskerOf(s),
      preparer,
      shadowConcurrency: config.rollouts.shadowConcurrency ?? this.pool.stats().workers,
      log,
      random: parts.random,
    });
    this.rollouts.apply(rollout);
    this.lifecycle = new RolloutLifecycle({
      storage,
      controller: this.rollouts,
      log,
      checkExpected: (hash) => this.checkExpected(hash),
      activeHash: () => this.active.hash,
      publishable: (bundle) => this.publishable(bundle),
      promoted: (version, plans) => {
        const set = buildPlanSet(version, config, plans ?? buildPlans(version.bundle, version.hash, config));
        if ((this.active.version?.version ?? 0) < version.version) this.active = set;
      },
      refreshActive: () => this.queue.serially(() => this.refreshActive()),
    });
    this.unwatch = storage.watch?.((change) => {
      void this.queue
        .serially(() => this.applyChange(change))
        .catch((error: unknown) => {
          log(
            `could not apply a storage change (${change.kind}): ${error instanceof Error ? error.message : String(error)}`,
          );
        });
    });
  }

  async runHook(hookId: string, event: unknown): Promise<HookAnswer> {
    this.ensureOpen();
    if (!isHookId(hookId)) throw new RuntimeError('UNKNOWN_HOOK', `unknown hook "${hookId}"`);
    // Bounded before anything walks it: masking, validation and capture all read the event.
    const shape = checkValueShape(event, eventBounds);
    if (!shape.ok) {
      const message = `the event cannot be run: ${shape.message}`;
      throw new RuntimeError('INVALID_EVENT', `INVALID_EVENT: ${message}`, { problems: [{ path: '', message }] });
    }
    const checked = validateEvent(hookId, event);
    if (!checked.ok) throw new RuntimeError('INVALID_EVENT', checked.message, { problems: checked.problems });
    // One read of the reference: this invocation runs the set that was active when it arrived
    // (or the rollout's candidate, which the controller decides in the same step).
    return this.rollouts.invoke(this.active, hookId, checked.event as JsonObject);
  }

  async publish(request: PublishRequest): Promise<ActivationResult> {
    this.ensureOpen();
    await this.checkExpected(request.expectedHash);
    await this.ensureNoRollout();
    const { bundle, hash } = await this.publishable(request.bundle);
    if (hash === this.active.hash && request.expectedHash === hash) return this.unchanged();
    return this.activate(request.expectedHash, {
      hash,
      bundle,
      publishedAt: Date.now(),
      author: request.author,
      message: request.message ?? '',
      kind: 'publish',
    });
  }

  async checkPrecondition(expectedHash: string | null): Promise<void> {
    this.ensureOpen();
    await this.checkExpected(expectedHash);
  }

  async rollback(request: RollbackRequest): Promise<ActivationResult> {
    this.ensureOpen();
    if (request.expectedHash !== undefined) await this.checkExpected(request.expectedHash);
    // Without If-Match the rollback applies over what is active now, wherever it was published.
    else await this.queue.serially(() => this.refreshActive());
    const target = await this.storage.bundleVersion(request.version);
    if (!target) throw new RuntimeError('NOT_FOUND', `there is no version ${request.version}`);
    await this.ensureNoRollout();
    await this.secrets.requireValues(target.bundle.secrets, `version ${request.version}`);
    const expected = request.expectedHash !== undefined ? request.expectedHash : this.active.hash;
    if (target.hash === this.active.hash && expected === target.hash) return this.unchanged();
    return this.activate(expected, {
      hash: target.hash,
      bundle: target.bundle,
      publishedAt: Date.now(),
      author: request.author,
      message: request.message ?? `rollback to version ${request.version}`,
      kind: 'rollback',
      restoredFrom: request.version,
    });
  }

  startRollout(request: StartRolloutRequest): Promise<RolloutJson> {
    this.ensureOpen();
    return this.lifecycle.start(request);
  }

  currentRollout(): Promise<RolloutJson | undefined> {
    this.ensureOpen();
    return this.lifecycle.current();
  }

  setRolloutPercent(percent: number, author: string): Promise<RolloutJson> {
    this.ensureOpen();
    return this.lifecycle.setPercent(percent, author);
  }

  promoteRollout(author: string): Promise<RolloutJson> {
    this.ensureOpen();
    return this.lifecycle.promote(author);
  }

  abortRollout(author: string): Promise<RolloutJson> {
    this.ensureOpen();
    return this.lifecycle.abort(author);
  }

  rolloutDifferences(limit: number): Promise<DifferenceJson[]> {
    this.ensureOpen();
    return this.lifecycle.differences(limit);
  }

  history(limit = 100): Promise<BundleVersionRecord[]> {
    return this.storage.history(Math.max(1, Math.min(limit, 1000)));
  }

  activeBundle(): ActiveBundle | undefined {
    return this.active.version;
  }

  activeHash(): string | null {
    return this.active.hash;
  }

  setSecret(name: string, value: string): Promise<{ name: string; updatedAt: number }> {
    this.ensureOpen();
    return this.secrets.set(name, value);
  }

  secretNames(): { name: string; updatedAt: number }[] {
    return this.secrets.list();
  }

  async events(query: Partial<CaptureQuery> = {}): Promise<RecordedEvent[]> {
    await this.capture.flush();
    const rows = await this.storage.events(normalizeQuery(query));
    return rows.map((row) => JSON.parse(row.line) as RecordedEvent);
  }

  async traces(query: Partial<Omit<CaptureQuery, 'hook'>> = {}): Promise<Trace[]> {
    await this.capture.flush();
    const rows = await this.storage.traces(
      normalizeQuery({ ...query, limit: Math.min(query.limit ?? 100, maxTraceLimit) }),
    );
    return rows.map((row) => JSON.parse(row.json) as Trace);
  }

  async trace(traceId: string): Promise<Trace | undefined> {
    await this.capture.flush();
    const row = await this.storage.trace(traceId);
    return row ? (JSON.parse(row.json) as Trace) : undefined;
  }

  verifyToken(token: string): Promise<StoredToken | undefined> {
    return this.verifier.verify(token);
  }

  async flush(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
    await this.capture.flush();
  }

  captureStats() {
    return this.capture.stats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    try {
      await Promise.race([
        (async () => {
          while (this.background.size > 0) await Promise.all([...this.background]);
        })(),
        new Promise((resolve) => setTimeout(resolve, this.config.deadlines.asyncMs + 1000).unref()),
      ]);
      // Final counts and differences go before the capture (whose thread prepares differences) closes.
      await this.rollouts.close();
      await this.capture.close();
    } finally {
      await this.pool.close();
      await this.queue.settled();
      await this.storage.close();
    }
  }

  private async applyChange(change: StorageChange): Promise<void> {
    if (this.closed) return;
    if (change.kind === 'rollout') {
      const known = this.rollouts.known();
      if (known?.stored.id === change.id && known.stored.revision >= change.revision) return;
      // A promote activates the candidate: the new active set is swapped in before routing stops.
      await this.refreshActive();
      await this.rollouts.refresh();
      return;
    }
    if (change.kind === 'activated' && change.version <= (this.active.version?.version ?? 0)) return;
    if (change.kind !== 'secrets') {
      await this.refreshActive();
      await this.rollouts.refresh();
    }
    if (change.kind !== 'activated') await this.secrets.refresh();
  }

  /**
   * ROLLOUT_RUNNING while a rollout runs, even for a publish or rollback that would change nothing:
   * the active bundle is the rollout's base until its promote or abort. Memory is confirmed against
   * the storage (the rollout may have ended through another instance); the storage's activate
   * refuses a rollout this instance has not heard of yet.
   */
  private async ensureNoRollout(): Promise<void> {
    if (!this.rollouts.running()) return;
    await this.rollouts.refresh();
    const running = this.rollouts.running();
    if (running) throw rolloutRunningError(running.id);
  }

  /** The bundle checked exactly like a publish's: its rules and its declared secrets' values. */
  private async publishable(candidate: unknown) {
    const declared = (candidate as { secrets?: unknown } | null)?.secrets;
    if (Array.isArray(declared)) await this.secrets.ensureKnown(declared);
    return checkPublishable(candidate, this.secrets.names());
  }

  /** Swaps in the storage's active version if it is newer than the one in memory. */
  private async refreshActive(): Promise<void> {
    const stored = await this.storage.activeVersion();
    if (!stored || stored.version <= (this.active.version?.version ?? 0)) return;
    // Planned before the swap, which is one assignment; never over a newer set (re-checked: the
    // read above awaited, and a local publish may have swapped meanwhile).
    const set = buildPlanSet(stored, this.config);
    if ((this.active.version?.version ?? 0) < stored.version) {
      this.active = set;
      this.log(`now serving version ${stored.version} (${stored.hash}), read from the shared storage`);
    }
  }

  private track(run: Promise<unknown>): void {
    const tracked = run.catch((error: unknown) => {
      this.log(`background run failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private async checkExpected(expectedHash: string | null): Promise<void> {
    // Another instance may have published and its notification not arrived yet: read the storage
    // before refusing an If-Match that names a newer bundle than the one in memory.
    if (expectedHash !== this.active.hash) await this.queue.serially(() => this.refreshActive());
    if (expectedHash !== this.active.hash) {
      throw new RuntimeError('PRECONDITION_FAILED', preconditionMessage(this.active.hash), {
        activeHash: this.active.hash,
      });
    }
  }

  private unchanged(): ActivationResult {
    const { bundle: _bundle, ...record } = this.active.version as StoredBundleVersion;
    return { changed: false, active: record };
  }

  private async activate(
    expectedHash: string | null,
    next: Parameters<RuntimeStorage['activate']>[1],
  ): Promise<ActivationResult> {
    // Planned before the commit: nothing that could fail is left between the commit and the swap.
    const plans = buildPlans(next.bundle, next.hash, this.config);
    const result = await this.storage.activate(expectedHash, next);
    if (!result.ok && result.rolloutId !== undefined) {
      throw rolloutRunningError(result.rolloutId);
    }
    if (!result.ok) {
      throw new RuntimeError('PRECONDITION_FAILED', preconditionMessage(result.activeHash), {
        activeHash: result.activeHash,
      });
    }
    // Committed: swap the whole plan set in one assignment. An activation that committed earlier
    // but resolves later (a networked storage) must not replace a newer one.
    const set = buildPlanSet(result.active, this.config, plans);
    if ((this.active.version?.version ?? 0) < result.active.version) this.active = set;
    const { bundle: _bundle, ...record } = result.active;
    return { changed: true, active: record };
  }

  private ensureOpen(): void {
    if (this.closed) throw new RuntimeError('CLOSED', 'the runtime is closed');
  }
}

function preconditionMessage(activeHash: string | null): string {
  return activeHash === null
    ? 'no bundle is active: publish with If-Match: *'
    : `the active bundle is ${activeHash}: someone published meanwhile; fetch it and retry`;
}

function normalizeQuery(query: Partial<CaptureQuery>): CaptureQuery {
  const normalized: CaptureQuery = { limit: Math.max(1, Math.min(query.limit ?? 1000, maxQueryLimit)) };
  if (query.hook !== undefined) normalized.hook = query.hook as HookId;
  if (query.since !== undefined) normalized.since = query.since;
  return normalized;
}

interface SerialQueue {
  serially: Serially;
  /** Resolves once everything queued so far has run (whether it failed or not). */
  settled(): Promise<void>;
}

function serialQueue(): SerialQueue {
  let last: Promise<unknown> = Promise.resolve();
  return {
    serially: <T>(work: () => Promise<T>): Promise<T> => {
      const run = last.catch(() => undefined).then(work);
      last = run;
      return run;
    },
    settled: () =>
      last.then(
        () => undefined,
        () => undefined,
      ),
  };
}
