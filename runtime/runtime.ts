import type { JsonObject, RecordedEvent, Trace } from '../shared/engine';
import { createEnginePool, type EnginePool } from '../shared/engine/node';
import { checkValueShape, eventBounds } from '../shared/engine/value-bounds';
import { isHookId, validateEvent } from '../shared/hooks';
import { CaptureQueries } from './capture/capture-queries';
import { CaptureWriter } from './capture/capture-writer';
import { createPrepThread } from './capture/capture-prep-thread';
import type { CapturePreparer } from './capture/capture-prep';
import { parseRuntimeConfig, type RuntimeConfig } from './config';
import { warmUp } from './engine-warm-up';
import { RuntimeError } from './errors';
import { invokeHook, type InvokeDeps } from './invoke';
import type { HookAnswer } from './invoke-answers';
import { RolloutController } from './rollout/rollout-controller';
import { RolloutLifecycle } from './rollout/rollout-lifecycle';
import type { DifferenceJson, RolloutJson, StoredRollout } from './rollout/rollout-types';
import { RuntimeActivation } from './runtime-activation';
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
//
// The parts live in files of their own: which bundle is active and how it changes in
// runtime-activation.ts, the secrets in runtime-secrets.ts, reading the capture back in
// capture/capture-queries.ts. This file wires them and orders the storage's changes.

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
  private readonly activation: RuntimeActivation;
  private readonly capture: CaptureWriter;
  private readonly queries: CaptureQueries;
  private readonly verifier: TokenVerifier;
  private readonly background = new Set<Promise<unknown>>();
  private readonly unwatch: (() => void) | undefined;
  /** Storage changes and refreshes, applied one at a time. */
  private readonly queue: SerialQueue;
  private closed = false;
  private readonly rollouts: RolloutController;
  private readonly lifecycle: RolloutLifecycle;
  private readonly invokeDeps: InvokeDeps;
  readonly tail: TailHub;
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
    this.tail = new TailHub({ log });
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
    this.queries = new CaptureQueries(this.capture, storage);
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
      // Four per worker: enough that a short stall of the engine does not skip shadows at ordinary
      // load (bench/rollout.bench.mjs), while a saturated runtime still sheds them.
      shadowConcurrency: config.rollouts.shadowConcurrency ?? 4 * this.pool.stats().workers,
      log,
      random: parts.random,
    });
    this.rollouts.apply(rollout);
    this.activation = new RuntimeActivation(
      { storage, config, secrets: this.secrets, serially: this.queue.serially, rollouts: this.rollouts, log },
      active,
    );
    this.lifecycle = new RolloutLifecycle({
      storage,
      controller: this.rollouts,
      log,
      checkExpected: (hash) => this.activation.checkExpected(hash),
      activeHash: () => this.activation.current().hash,
      publishable: (bundle) => this.activation.publishable(bundle),
      promoted: (version, plans) => this.activation.promoted(version, plans),
      refreshActive: () => this.queue.serially(() => this.activation.refreshActive()),
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
    return this.rollouts.invoke(this.activation.current(), hookId, checked.event as JsonObject);
  }

  // Async: a closed runtime answers with a rejected promise, never a throw.
  async publish(request: PublishRequest): Promise<ActivationResult> {
    this.ensureOpen();
    return this.activation.publish(request);
  }

  async checkPrecondition(expectedHash: string | null): Promise<void> {
    this.ensureOpen();
    return this.activation.checkExpected(expectedHash);
  }

  async rollback(request: RollbackRequest): Promise<ActivationResult> {
    this.ensureOpen();
    return this.activation.rollback(request);
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
    return this.activation.current().version;
  }

  activeHash(): string | null {
    return this.activation.current().hash;
  }

  setSecret(name: string, value: string): Promise<{ name: string; updatedAt: number }> {
    this.ensureOpen();
    return this.secrets.set(name, value);
  }

  secretNames(): { name: string; updatedAt: number }[] {
    return this.secrets.list();
  }

  events(query: Partial<CaptureQuery> = {}): Promise<RecordedEvent[]> {
    return this.queries.events(query);
  }

  traces(query: Partial<Omit<CaptureQuery, 'hook'>> = {}): Promise<Trace[]> {
    return this.queries.traces(query);
  }

  trace(traceId: string): Promise<Trace | undefined> {
    return this.queries.trace(traceId);
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
      await this.activation.refreshActive();
      await this.rollouts.refresh();
      return;
    }
    if (change.kind === 'activated' && change.version <= (this.activation.current().version?.version ?? 0)) return;
    if (change.kind !== 'secrets') {
      await this.activation.refreshActive();
      await this.rollouts.refresh();
    }
    if (change.kind !== 'activated') await this.secrets.refresh();
  }

  private track(run: Promise<unknown>): void {
    const tracked = run.catch((error: unknown) => {
      this.log(`background run failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private ensureOpen(): void {
    if (this.closed) throw new RuntimeError('CLOSED', 'the runtime is closed');
  }
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
