import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { maxConcurrentRuns } from '../limits';
import { effectiveTimeoutMs } from '../plan';
import type {
  EngineErrorCode,
  ExecutionPlan,
  JsonObject,
  PipelineResult,
  ScriptOutcome,
  ScriptRunner,
  ScriptRunRequest,
  SecretProvider,
  Trace,
} from '../types';
import { createExecutionSlot, readExecutionSlot, type ExecutingScript } from './sandbox/execution-slot';
import { epochNow, failedOutcome } from './sandbox/script-run';
import type { EngineWorkerData, FromWorker, ToWorker, WorkerFetchOptions } from './worker';

// The engine pool: Lua sandboxes in worker threads (one per core by default) behind a least-busy
// dispatcher. At most maxConcurrentRuns jobs (script runs or pipeline runs) are in the workers at
// once; more wait in a bounded queue, and a full queue rejects at once with QUEUE_FULL.
// The watchdog lives here, outside the engines, because a script inside a C function (a string
// pattern) is beyond any hook and never returns to its thread's event loop: each worker writes
// into shared memory which script is executing and until when, and a script still executing
// watchdogGraceMs past its deadline is stopped by terminating its worker. The stuck run gets
// TIMEOUT (in a pipeline run, that script does; the run is redone with it settled as TIMEOUT); the
// other runs that were in that worker are retried once on a fresh one.
// The limit itself does not depend on the grace: a run that ends past its deadline is a TIMEOUT
// in the worker too (sandbox/script-run.ts), so the grace only decides when a stuck engine dies.

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface EnginePoolOptions {
  /** Worker threads; default one per core. */
  workers?: number;
  /** Where helpers.secret values come from; without it every secret is SECRET_NOT_FOUND. */
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

export interface PipelineRun {
  result: PipelineResult;
  trace: Trace;
}

export interface EnginePool {
  /** Resolves with the outcome, failures included; rejects only with QUEUE_FULL or after close(). */
  runScript(request: ScriptRunRequest): Promise<ScriptOutcome>;
  /** One event through a plan. Reuse the plan object: workers cache it by key. */
  runPipeline(plan: ExecutionPlan, event: JsonObject): Promise<PipelineRun>;
  /** The pool as a ScriptRunner (one job per script). */
  readonly runner: ScriptRunner;
  /** `load`: runs in each worker; `restarts`: workers replaced (watchdog, crash or retirement). */
  stats(): { workers: number; running: number; queued: number; restarts: number; load: number[] };
  close(): Promise<void>;
}

interface JobBase {
  id: number;
  retried: boolean;
}
interface ScriptJob extends JobBase {
  kind: 'script';
  request: ScriptRunRequest;
  resolve(outcome: ScriptOutcome): void;
  reject(error: Error): void;
}
interface PipelineJob extends JobBase {
  kind: 'pipeline';
  plan: ExecutionPlan;
  planId: string;
  event: JsonObject;
  forced: Record<string, ScriptOutcome>;
  resolve(run: PipelineRun): void;
  reject(error: Error): void;
}
type Job = ScriptJob | PipelineJob;

interface WorkerHandle {
  index: number;
  worker: Worker;
  slot: SharedArrayBuffer;
  jobs: Map<number, Job>;
  /** Plan ids this worker was sent (it may have evicted some: it then asks again). */
  plans: Set<string>;
  alive: boolean;
  ready: boolean;
  progress: number;
  progressAt: number;
  error?: string;
}

const watchdogIntervalMs = 25;
const maxStartFailures = 3;

export function createEnginePool(options: EnginePoolOptions = {}): EnginePool {
  return new WorkerEnginePool(options);
}

class WorkerEnginePool implements EnginePool {
  readonly runner: ScriptRunner = { run: (request) => this.runScript(request) };
  private readonly workers: WorkerHandle[] = [];
  private readonly queue: Job[] = [];
  private readonly planIds = new Map<string, { plan: ExecutionPlan; id: string; fingerprint: string }>();
  private readonly workerUrl: URL;
  private readonly maxQueue: number;
  private readonly maxConcurrent: number;
  private readonly graceMs: number;
  private readonly stallMs: number;
  private readonly startMs: number;
  private running = 0;
  private nextJobId = 1;
  private nextPlanId = 1;
  private restarts = 0;
  private startFailures = 0;
  private broken: string | undefined;
  private closed = false;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: EnginePoolOptions) {
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.maxQueue = options.maxQueue ?? 1000;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? maxConcurrentRuns);
    this.graceMs = options.watchdogGraceMs ?? 100;
    this.stallMs = options.stallMs ?? 5000;
    this.startMs = options.startMs ?? 30_000;
    const count = Math.max(1, options.workers ?? availableParallelism());
    for (let i = 0; i < count; i++) this.workers.push(this.spawn(i));
  }

  runScript(request: ScriptRunRequest): Promise<ScriptOutcome> {
    return new Promise((resolve, reject) => {
      this.submit({ kind: 'script', id: this.nextJobId++, retried: false, request, resolve, reject });
    });
  }

  runPipeline(plan: ExecutionPlan, event: JsonObject): Promise<PipelineRun> {
    return new Promise((resolve, reject) => {
      const planId = this.planIdOf(plan);
      this.submit({
        kind: 'pipeline',
        id: this.nextJobId++,
        retried: false,
        plan,
        planId,
        event,
        forced: {},
        resolve,
        reject,
      });
    });
  }

  stats() {
    const workers = this.workers.filter((handle) => handle.alive).length;
    const load = this.workers.map((handle) => handle.jobs.size);
    return { workers, running: this.running, queued: this.queue.length, restarts: this.restarts, load };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    const error = new EngineError('RUNTIME_ERROR', 'the engine pool was closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const handle of this.workers) {
      for (const job of handle.jobs.values()) job.reject(error);
      handle.jobs.clear();
      handle.alive = false;
    }
    await Promise.all(this.workers.map((handle) => handle.worker.terminate()));
  }

  private submit(job: Job): void {
    if (this.closed || this.broken) {
      job.reject(new EngineError('RUNTIME_ERROR', this.broken ?? 'the engine pool was closed'));
    } else if (this.running < this.maxConcurrent) {
      this.running++;
      this.dispatch(job);
    } else if (this.queue.length < this.maxQueue) {
      this.queue.push(job);
    } else {
      job.reject(new EngineError('QUEUE_FULL', `the engine queue is full (${this.maxQueue} runs waiting)`));
    }
  }

  /** Sends a job (counted in `running`) to the least busy live worker. */
  private dispatch(job: Job): void {
    let handle = this.workers[0] as WorkerHandle;
    for (const candidate of this.workers) if (candidate.jobs.size < handle.jobs.size) handle = candidate;
    handle.jobs.set(job.id, job);
    handle.worker.ref();
    this.post(handle, job);
    this.watchdog ??= setInterval(this.tick, watchdogIntervalMs).unref();
  }

  private post(handle: WorkerHandle, job: Job): void {
    let message: ToWorker;
    if (job.kind === 'script') {
      message = { type: 'script', jobId: job.id, request: job.request };
    } else {
      const plan = handle.plans.has(job.planId) ? undefined : job.plan;
      message = {
        type: 'pipeline',
        jobId: job.id,
        planId: job.planId,
        event: job.event,
        forced: job.forced,
        ...(plan ? { plan } : {}),
      };
    }
    try {
      handle.worker.postMessage(message);
    } catch (thrown) {
      // Not structured-cloneable: the caller passed something that is not plain data.
      this.settle(handle, job.id);
      this.fail(job, new EngineError('INVALID_EVENT', thrown instanceof Error ? thrown.message : String(thrown)));
      return;
    }
    if (job.kind === 'pipeline') {
      if (handle.plans.size > 256) handle.plans.clear();
      handle.plans.add(job.planId);
    }
  }

  private onMessage(handle: WorkerHandle, message: FromWorker): void {
    if (!handle.alive) return;
    switch (message.type) {
      case 'ready':
        handle.ready = true;
        this.startFailures = 0;
        return;
      case 'script-done': {
        const job = this.settle(handle, message.jobId);
        if (job?.kind === 'script') job.resolve(message.outcome);
        return;
      }
      case 'pipeline-done': {
        const job = this.settle(handle, message.jobId);
        if (job?.kind === 'pipeline') job.resolve(JSON.parse(message.payload) as PipelineRun);
        return;
      }
      case 'need-plan': {
        const job = handle.jobs.get(message.jobId);
        if (job?.kind === 'pipeline') {
          handle.plans.delete(job.planId);
          this.post(handle, job);
        }
        return;
      }
      case 'job-failed': {
        const job = this.settle(handle, message.jobId);
        if (job) this.fail(job, new EngineError('RUNTIME_ERROR', message.message));
        return;
      }
      case 'secret':
        void this.answerSecret(handle, message);
        return;
      case 'retire':
        this.replace(handle, undefined);
        return;
    }
  }

  /** Removes a finished job from its worker and lets a queued one in. */
  private settle(handle: WorkerHandle, jobId: number): Job | undefined {
    const job = handle.jobs.get(jobId);
    if (!job) return undefined;
    handle.jobs.delete(jobId);
    if (handle.jobs.size === 0) handle.worker.unref();
    this.release();
    return job;
  }

  private release(): void {
    this.running--;
    const next = this.queue.shift();
    if (next && !this.closed) {
      this.running++;
      this.dispatch(next);
    }
  }

  private fail(job: Job, error: EngineError): void {
    if (job.kind === 'script') {
      job.resolve(failedOutcome(job.request.script.id, { code: error.code, message: error.message }));
    } else {
      job.reject(error);
    }
  }

  /** Only names the job's script or plan declares are looked up; the value goes to that worker only. */
  private async answerSecret(handle: WorkerHandle, message: Extract<FromWorker, { type: 'secret' }>): Promise<void> {
    const job = handle.jobs.get(message.jobId);
    const declared = job?.kind === 'script' ? job.request.secretNames : job?.plan.secretNames;
    let value: string | undefined;
    if (declared?.includes(message.name) && this.options.secrets) {
      value = await this.options.secrets.get(message.name).catch(() => undefined);
    }
    if (handle.alive)
      handle.worker.postMessage({ type: 'secret', requestId: message.requestId, value } satisfies ToWorker);
  }

  private readonly tick = (): void => {
    const now = epochNow();
    let busy = false;
    for (const handle of this.workers) {
      if (!handle.alive || handle.jobs.size === 0) continue;
      busy = true;
      const reading = readExecutionSlot(handle.slot);
      if (!reading) continue;
      if (reading.progress !== handle.progress) {
        handle.progress = reading.progress;
        handle.progressAt = now;
      }
      const executing = reading.executing;
      if (executing && now > executing.deadline + this.graceMs) this.replace(handle, executing);
      else if (!executing && now - handle.progressAt > (handle.ready ? this.stallMs : this.startMs)) {
        this.replace(handle, undefined);
      }
    }
    if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  };

  /** Terminates a worker and starts another; `stuck` is the script that overstayed, if one did. */
  private replace(handle: WorkerHandle, stuck: ExecutingScript | undefined): void {
    if (!handle.alive || this.closed) return;
    handle.alive = false;
    void handle.worker.terminate();
    this.restarts++;
    const jobs = [...handle.jobs.values()];
    handle.jobs.clear();
    if (!handle.ready && ++this.startFailures >= maxStartFailures) {
      this.broken = `engine workers fail to start${handle.error ? `: ${handle.error}` : ''}`;
    }
    if (this.broken) {
      const error = new EngineError('RUNTIME_ERROR', this.broken);
      this.running -= jobs.length;
      for (const job of [...jobs, ...this.queue.splice(0)]) job.reject(error);
      return;
    }
    this.workers[handle.index] = this.spawn(handle.index);
    for (const job of jobs) {
      if (stuck && job.id === stuck.jobId) this.stopStuck(job, stuck);
      else if (!job.retried || !handle.ready) {
        // A job on a worker that never got ready never ran: it waits for the next worker without
        // using up its one retry, and fails with "fail to start" once starting gives up.
        if (handle.ready) job.retried = true;
        this.dispatch(job);
      } else {
        this.release();
        this.fail(job, new EngineError('RUNTIME_ERROR', 'the engine worker stopped twice while this run was in it'));
      }
    }
  }

  private stopStuck(job: Job, stuck: ExecutingScript): void {
    if (job.kind === 'script') {
      this.release();
      job.resolve(watchdogTimeout(job.request.script.id, job.request.limits.timeoutMs, stuck));
      return;
    }
    const script = job.plan.layers[stuck.layer]?.[stuck.index];
    if (!script) {
      this.release();
      job.reject(new EngineError('TIMEOUT', 'a script of this pipeline ran past its deadline'));
      return;
    }
    // Redo the run with that script settled as TIMEOUT: the pipeline's own rules then apply.
    job.forced[script.id] = watchdogTimeout(script.id, effectiveTimeoutMs(job.plan, script), stuck);
    this.dispatch(job);
  }

  private spawn(index: number): WorkerHandle {
    const slot = createExecutionSlot();
    const workerData: EngineWorkerData = { slot, fetch: this.options.fetch ?? {} };
    const worker = new Worker(this.workerUrl, { workerData });
    worker.unref();
    const handle: WorkerHandle = {
      index,
      worker,
      slot,
      jobs: new Map(),
      plans: new Set(),
      alive: true,
      ready: false,
      progress: 0,
      progressAt: epochNow(),
    };
    worker.on('message', (message: FromWorker) => this.onMessage(handle, message));
    worker.on('error', (error) => {
      handle.error = error.message;
    });
    worker.on('exit', () => this.replace(handle, undefined));
    return handle;
  }

  /** Workers cache plans by id: the same key with different content (e.g. other limits) gets a new id. */
  private planIdOf(plan: ExecutionPlan): string {
    const known = this.planIds.get(plan.key);
    if (known?.plan === plan) return known.id;
    const fingerprint = JSON.stringify(plan);
    if (known?.fingerprint === fingerprint) {
      known.plan = plan;
      return known.id;
    }
    const id = `${plan.key}#${this.nextPlanId++}`;
    if (this.planIds.size > 1000) this.planIds.clear();
    this.planIds.set(plan.key, { plan, id, fingerprint });
    return id;
  }
}

function watchdogTimeout(scriptId: string, timeoutMs: number, stuck: ExecutingScript): ScriptOutcome {
  return failedOutcome(
    scriptId,
    {
      code: 'TIMEOUT',
      message: `the script ran longer than ${timeoutMs} ms (stopped inside a library call by replacing its engine)`,
    },
    stuck.startedAt,
  );
}

function defaultWorkerUrl(): URL {
  const besideBundle = new URL('./engine-worker.mjs', import.meta.url);
  const fromSource = new URL('../../../dist/node/engine-worker.mjs', import.meta.url);
  return existsSync(fileURLToPath(besideBundle)) ? besideBundle : fromSource;
}
