import { Worker } from 'node:worker_threads';
import type { Faults } from '../faults';
import type { ExecutionPlan, JsonObject, PipelineResult, ScriptOutcome, SecretProvider, Trace } from '../types';
import { EngineError } from './engine-error';
import { createExecutionSlot } from './sandbox/execution-slot';
import { epochNow } from './sandbox/script-run';
import type { EngineWorkerData, FromWorker, ToWorker, WorkerFetchOptions } from './worker';

// One engine worker thread as the pool sees it: spawning it, the messages both ways, which plans
// it was sent, and the secrets it asks for. Secret values never wait in a worker: helpers.secret
// asks over the port, and the answer comes from the provider of the job that asked, for a name
// that job's plan declares, so that jobs of different environments can share a worker and never
// read each other's values.

export interface PipelineRun {
  result: PipelineResult;
  trace: Trace;
}

/** One event through one plan: the only kind of job a worker runs. */
export interface PipelineJob {
  id: number;
  plan: ExecutionPlan;
  /** The plan's id in the workers' caches (plan-ids.ts). */
  planId: string;
  event: JsonObject;
  /** Where this job's helpers.secret values come from; without one every secret is missing. */
  secrets: SecretProvider | undefined;
  /**
   * Scripts settled without running: those the watchdog stopped in an earlier attempt (TIMEOUT)
   * and those the job's faults name.
   */
  forced: Record<string, ScriptOutcome>;
  /** Injected faults (docs/engine.md, "Fault injection"); undefined for an ordinary job. */
  faults: Faults | undefined;
  /** Whether the job was already redone once after its worker stopped. */
  retried: boolean;
  resolve(run: PipelineRun): void;
  reject(error: EngineError): void;
}

export interface WorkerHandleEvents {
  /** The worker has loaded the engine. */
  ready(handle: WorkerHandle): void;
  /** A job left the worker: finished with a run, or failed as a whole. */
  settled(handle: WorkerHandle, job: PipelineJob, ended: { run: PipelineRun } | { error: EngineError }): void;
  /** The worker exited, or asked to be replaced (its WebAssembly heap may be corrupt). */
  lost(handle: WorkerHandle): void;
}

export interface WorkerHandleOptions {
  workerUrl: URL;
  fetch: WorkerFetchOptions | false;
}

/** Plan ids remembered per worker; the worker evicts on its own and then asks again (need-plan). */
const maxPlansRemembered = 256;

export class WorkerHandle {
  readonly worker: Worker;
  /** Shared with the worker: which script executes and until when, and a heartbeat (watchdog.ts). */
  readonly slot: SharedArrayBuffer = createExecutionSlot();
  readonly jobs = new Map<number, PipelineJob>();
  alive = true;
  ready = false;
  /** The heartbeat last read by the watchdog, and when it last changed. */
  progress = 0;
  progressAt = epochNow();
  /** Why the thread failed, when it did: named when starting gives up. */
  error: string | undefined;
  private readonly plans = new Set<string>();

  constructor(
    readonly index: number,
    options: WorkerHandleOptions,
    private readonly events: WorkerHandleEvents,
  ) {
    const workerData: EngineWorkerData = { slot: this.slot, fetch: options.fetch };
    this.worker = new Worker(options.workerUrl, { workerData });
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.onMessage(message));
    this.worker.on('error', (error) => {
      this.error = error.message;
    });
    this.worker.on('exit', () => this.events.lost(this));
  }

  /** Hands a job to the worker; while it has jobs, the thread keeps the process alive. */
  start(job: PipelineJob): void {
    this.jobs.set(job.id, job);
    this.worker.ref();
    this.post(job);
  }

  /** Terminates the thread; returns the jobs that were in it and the termination itself. */
  stop(): { jobs: PipelineJob[]; terminated: Promise<unknown> } {
    this.alive = false;
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    return { jobs, terminated: this.worker.terminate() };
  }

  private post(job: PipelineJob): void {
    const plan = this.plans.has(job.planId) ? undefined : job.plan;
    const message: ToWorker = {
      type: 'pipeline',
      jobId: job.id,
      planId: job.planId,
      event: job.event,
      forced: job.forced,
      ...(job.faults ? { faults: job.faults } : {}),
      ...(plan ? { plan } : {}),
    };
    try {
      this.worker.postMessage(message);
    } catch (thrown) {
      // Not structured-cloneable: the caller passed something that is not plain data.
      const taken = this.take(job.id);
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      if (taken) this.events.settled(this, taken, { error: new EngineError('INVALID_EVENT', reason) });
      return;
    }
    if (this.plans.size > maxPlansRemembered) this.plans.clear();
    this.plans.add(job.planId);
  }

  /** Removes a job that left the worker. */
  private take(jobId: number): PipelineJob | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    this.jobs.delete(jobId);
    if (this.jobs.size === 0) this.worker.unref();
    return job;
  }

  private onMessage(message: FromWorker): void {
    if (!this.alive) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.events.ready(this);
        return;
      case 'pipeline-done': {
        const job = this.take(message.jobId);
        if (job) this.events.settled(this, job, { run: JSON.parse(message.payload) as PipelineRun });
        return;
      }
      case 'need-plan': {
        const job = this.jobs.get(message.jobId);
        if (job) {
          this.plans.delete(job.planId);
          this.post(job);
        }
        return;
      }
      case 'job-failed': {
        const job = this.take(message.jobId);
        if (job) this.events.settled(this, job, { error: new EngineError('RUNTIME_ERROR', message.message) });
        return;
      }
      case 'secret':
        void this.answerSecret(message);
        return;
      case 'retire':
        this.events.lost(this);
        return;
    }
  }

  /**
   * Only names the asking job's plan declares are looked up, in that job's provider; a name the
   * job's faults make missing never is (the worker does not ask for it either).
   */
  private async answerSecret(message: Extract<FromWorker, { type: 'secret' }>): Promise<void> {
    const job = this.jobs.get(message.jobId);
    let value: string | undefined;
    const faulted = job?.faults?.secrets?.includes(message.name) === true;
    if (job?.secrets && !faulted && job.plan.secretNames.includes(message.name)) {
      value = await job.secrets.get(message.name).catch(() => undefined);
    }
    if (this.alive) this.worker.postMessage({ type: 'secret', requestId: message.requestId, value } satisfies ToWorker);
  }
}
