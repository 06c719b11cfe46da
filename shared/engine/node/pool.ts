import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { faultsSchema, hasFaults, type Faults } from '../faults';
import { maxConcurrentRuns } from '../limits';
import { effectiveTimeoutMs } from '../plan';
import type {
  ExecutionPlan,
  JsonObject,
  ScriptOutcome,
  ScriptRunner,
  ScriptRunRequest,
  SecretProvider,
} from '../types';
import { EngineError } from './engine-error';
import { PlanIds } from './plan-ids';
import type { ExecutingScript } from './sandbox/execution-slot';
import { failedOutcome } from './sandbox/script-run';
import { requestPlan } from './single-script-plan';
import { Watchdog, watchdogTimeout } from './watchdog';
import type { WorkerFetchOptions } from './worker';
import { WorkerHandle, type PipelineJob, type PipelineRun, type WorkerHandleEvents } from './worker-handle';

// The engine pool: Lua sandboxes in worker threads (one per core by default) behind a least-busy
// dispatcher. A job is one event through one plan (docs/engine.md, "Pool and watchdog"); at most
// maxConcurrentRuns jobs are in the workers at once, more wait in a bounded queue, and a full queue
// rejects at once with QUEUE_FULL. This file is the scheduler: the queue, dispatch, and what
// becomes of the jobs of a worker that had to go. The threads themselves are worker-handle.ts;
// deciding that one must go is watchdog.ts.
// When the watchdog replaces a worker, its stuck job is redone with the stuck script settled as
// TIMEOUT (the pipeline's own rules then apply to it); the other jobs that were in that worker are
// retried once on a fresh one.

export { EngineError } from './engine-error';
export type { PipelineRun } from './worker-handle';

export interface EnginePoolOptions {
  /** Worker threads; default one per core. */
  workers?: number;
  /**
   * Where helpers.secret values come from for jobs that bring no provider of their own; without
   * it (and without the job's) every secret is SECRET_NOT_FOUND.
   */
  secrets?: SecretProvider;
  /** helpers.fetch in the workers, or false to refuse every request (FETCH_BLOCKED). */
  fetch?: WorkerFetchOptions | false;
  /** Runs waiting beyond the concurrent ones; default 1000. */
  maxQueue?: number;
  /** Runs in the workers at once; default maxConcurrentRuns (20). */
  maxConcurrent?: number;
  /** How long past its deadline a script may keep executing before its worker is replaced; default 100 ms. */
  watchdogGraceMs?: number;
  /** A worker whose event loop makes no progress this long outside Lua is replaced; default 5 s. */
  stallMs?: number;
  /**
   * How long a new worker may take to load the engine (compile wasm) before it counts as failed to
   * start; default 30 s. Longer than stallMs: on a saturated 2-core machine a start took over 5 s,
   * and a start is slow work, not a stuck loop.
   */
  startMs?: number;
  /** The bundled worker (dist/node/engine-worker.mjs); found next to this file or under dist/ by default. */
  workerUrl?: URL;
}

export interface RunPipelineOptions {
  /**
   * helpers.secret of this run reads here (names the plan declares only), instead of the pool's
   * `secrets`: runs of different environments share the pool and each reads its own values.
   */
  secrets?: SecretProvider;
  /**
   * Faults injected into this run (docs/engine.md, "Fault injection"): faulted fetches and secrets
   * answer in the worker before any connection or lookup, faulted scripts are settled without
   * running. Checked against faultsSchema; a run whose faults are not valid is refused.
   */
  faults?: Faults;
}

export interface EnginePool {
  /** One event through a plan. Reuse the plan object: workers cache it by key. */
  runPipeline(plan: ExecutionPlan, event: JsonObject, options?: RunPipelineOptions): Promise<PipelineRun>;
  /**
   * One script as a one-layer plan (single-script-plan.ts), with the pool's secrets: its outcome
   * as the sandbox produced it, failures included. Rejects only with QUEUE_FULL, after close(),
   * or when the workers cannot start.
   */
  runScript(request: ScriptRunRequest): Promise<ScriptOutcome>;
  /** The pool as a ScriptRunner (runScript). */
  readonly runner: ScriptRunner;
  /** `load`: runs in each worker; `restarts`: workers replaced (watchdog, crash or retirement). */
  stats(): { workers: number; running: number; queued: number; restarts: number; load: number[] };
  close(): Promise<void>;
}

const maxStartFailures = 3;

export function createEnginePool(options: EnginePoolOptions = {}): EnginePool {
  return new WorkerEnginePool(options);
}

class WorkerEnginePool implements EnginePool {
  readonly runner: ScriptRunner = { run: (request) => this.runScript(request) };
  private readonly workers: WorkerHandle[] = [];
  private readonly queue: PipelineJob[] = [];
  private readonly planIds = new PlanIds();
  /** Faults objects already checked: a replay passes the same one with every event. */
  private readonly checkedFaults = new WeakSet<Faults>();
  private readonly watchdog: Watchdog;
  private readonly workerEvents: WorkerHandleEvents;
  private readonly workerUrl: URL;
  private readonly maxQueue: number;
  private readonly maxConcurrent: number;
  private running = 0;
  private nextJobId = 1;
  private restarts = 0;
  private startFailures = 0;
  private broken: string | undefined;
  private closed = false;

  constructor(private readonly options: EnginePoolOptions) {
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.maxQueue = options.maxQueue ?? 1000;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? maxConcurrentRuns);
    this.watchdog = new Watchdog(
      { graceMs: options.watchdogGraceMs ?? 100, stallMs: options.stallMs ?? 5000, startMs: options.startMs ?? 30_000 },
      () => this.workers,
      (handle, stuck) => this.replace(handle, stuck),
    );
    this.workerEvents = {
      ready: () => {
        this.startFailures = 0;
      },
      settled: (_handle, job, ended) => {
        this.release();
        if ('run' in ended) job.resolve(ended.run);
        else job.reject(ended.error);
      },
      lost: (handle) => this.replace(handle, undefined),
    };
    const count = Math.max(1, options.workers ?? availableParallelism());
    for (let i = 0; i < count; i++) this.workers.push(this.spawn(i));
  }

  runPipeline(plan: ExecutionPlan, event: JsonObject, options: RunPipelineOptions = {}): Promise<PipelineRun> {
    const faults = hasFaults(options.faults) ? options.faults : undefined;
    if (faults && !this.checkedFaults.has(faults)) {
      const checked = faultsSchema.safeParse(faults);
      if (!checked.success) {
        const problem = checked.error.issues[0];
        const where = problem?.path.join('.') || 'faults';
        return Promise.reject(new EngineError('RUNTIME_ERROR', `invalid faults: ${where}: ${problem?.message}`, true));
      }
      this.checkedFaults.add(faults);
    }
    return new Promise((resolve, reject) => {
      this.submit({
        id: this.nextJobId++,
        plan,
        planId: this.planIds.idOf(plan),
        event,
        secrets: options.secrets ?? this.options.secrets,
        forced: faults ? faultedScripts(plan, faults) : {},
        faults,
        retried: false,
        resolve,
        reject,
      });
    });
  }

  async runScript(request: ScriptRunRequest): Promise<ScriptOutcome> {
    try {
      const { result } = await this.runPipeline(requestPlan(request), request.event);
      const outcome = result.scripts[0];
      if (outcome) return outcome;
      return failedOutcome(request.script.id, { code: 'RUNTIME_ERROR', message: 'the script did not run' });
    } catch (error) {
      // A run lost after it started is that script's failure; a refused one is the caller's to retry.
      if (!(error instanceof EngineError) || error.refused) throw error;
      return failedOutcome(request.script.id, { code: error.code, message: error.message });
    }
  }

  stats() {
    const workers = this.workers.filter((handle) => handle.alive).length;
    const load = this.workers.map((handle) => handle.jobs.size);
    return { workers, running: this.running, queued: this.queue.length, restarts: this.restarts, load };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchdog.stop();
    const error = closedError();
    for (const job of this.queue.splice(0)) job.reject(error);
    const stopped = this.workers.map((handle) => handle.stop());
    for (const { jobs } of stopped) for (const job of jobs) job.reject(error);
    await Promise.all(stopped.map(({ terminated }) => terminated));
  }

  private submit(job: PipelineJob): void {
    if (this.closed || this.broken) {
      job.reject(this.broken ? new EngineError('RUNTIME_ERROR', this.broken, true) : closedError());
    } else if (this.running < this.maxConcurrent) {
      this.running++;
      this.dispatch(job);
    } else if (this.queue.length < this.maxQueue) {
      this.queue.push(job);
    } else {
      job.reject(new EngineError('QUEUE_FULL', `the engine queue is full (${this.maxQueue} runs waiting)`, true));
    }
  }

  /** Sends a job (counted in `running`) to the least busy worker. */
  private dispatch(job: PipelineJob): void {
    let handle = this.workers[0] as WorkerHandle;
    for (const candidate of this.workers) if (candidate.jobs.size < handle.jobs.size) handle = candidate;
    this.watchdog.arm();
    handle.start(job);
  }

  /** A job left the workers: let a queued one in. */
  private release(): void {
    this.running--;
    const next = this.queue.shift();
    if (next && !this.closed) {
      this.running++;
      this.dispatch(next);
    }
  }

  /** Terminates a worker and starts another; `stuck` is the script that overstayed, if one did. */
  private replace(handle: WorkerHandle, stuck: ExecutingScript | undefined): void {
    if (!handle.alive || this.closed) return;
    const { jobs } = handle.stop();
    this.restarts++;
    if (!handle.ready && ++this.startFailures >= maxStartFailures) {
      this.broken = `engine workers fail to start${handle.error ? `: ${handle.error}` : ''}`;
    }
    if (this.broken) {
      const error = new EngineError('RUNTIME_ERROR', this.broken, true);
      this.running -= jobs.length;
      for (const job of [...jobs, ...this.queue.splice(0)]) job.reject(error);
      return;
    }
    this.workers[handle.index] = this.spawn(handle.index);
    for (const job of jobs) {
      if (stuck && job.id === stuck.jobId) this.redoWithoutStuck(job, stuck);
      else if (!job.retried || !handle.ready) {
        // A job on a worker that never got ready never ran: it waits for the next worker without
        // using up its one retry, and fails with "fail to start" once starting gives up.
        if (handle.ready) job.retried = true;
        this.dispatch(job);
      } else {
        this.release();
        job.reject(new EngineError('RUNTIME_ERROR', 'the engine worker stopped twice while this run was in it'));
      }
    }
  }

  /** Redoes the run with the stuck script settled as TIMEOUT: the pipeline's own rules then apply. */
  private redoWithoutStuck(job: PipelineJob, stuck: ExecutingScript): void {
    const script = job.plan.layers[stuck.layer]?.[stuck.index];
    if (!script) {
      this.release();
      job.reject(new EngineError('TIMEOUT', 'a script of this pipeline ran past its deadline'));
      return;
    }
    job.forced[script.id] = watchdogTimeout(script.id, effectiveTimeoutMs(job.plan, script), stuck);
    this.dispatch(job);
  }

  private spawn(index: number): WorkerHandle {
    return new WorkerHandle(index, { workerUrl: this.workerUrl, fetch: this.options.fetch ?? {} }, this.workerEvents);
  }
}

/**
 * The plan's scripts that the faults name, settled as the watchdog settles a stuck script: the
 * pipeline's onError and mode rules then apply to them as to a real failure.
 */
function faultedScripts(plan: ExecutionPlan, faults: Faults): Record<string, ScriptOutcome> {
  const forced: Record<string, ScriptOutcome> = {};
  const named = faults.scripts;
  if (!named) return forced;
  for (const script of plan.layers.flat()) {
    const fault = Object.prototype.hasOwnProperty.call(named, script.id) ? named[script.id] : undefined;
    if (fault === 'timeout') {
      const timeoutMs = effectiveTimeoutMs(plan, script);
      forced[script.id] = failedOutcome(script.id, {
        code: 'TIMEOUT',
        message: `the script ran longer than ${timeoutMs} ms (injected fault: it did not run)`,
      });
    } else if (fault === 'error') {
      forced[script.id] = failedOutcome(script.id, {
        code: 'RUNTIME_ERROR',
        message: 'the script failed (injected fault: it did not run)',
      });
    }
  }
  return forced;
}

function closedError(): EngineError {
  return new EngineError('RUNTIME_ERROR', 'the engine pool was closed', true);
}

function defaultWorkerUrl(): URL {
  const besideBundle = new URL('./engine-worker.mjs', import.meta.url);
  const fromSource = new URL('../../../dist/node/engine-worker.mjs', import.meta.url);
  return existsSync(fileURLToPath(besideBundle)) ? besideBundle : fromSource;
}
