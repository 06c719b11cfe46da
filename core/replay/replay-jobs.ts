import { ContractError, type ChannelOutput } from '../../shared/contract';
import {
  BundleInvalidError,
  planHook,
  summarizeReplay,
  type Bundle,
  type ReplayLine,
  type ReplaySummary,
} from '../../shared/engine';
import type { EnginePool } from '../../shared/engine/node';
import { bundleHash, scriptHash } from '../../shared/engine/node/bundle-files';
import { maxConcurrentRuns } from '../../shared/engine/limits';
import type { HookId } from '../../shared/hooks';
import type { EnvironmentSecrets } from '../authoring/environment-secrets';
import type { ReplayRun, ResultCounts, StoredEvent, Workspace } from '../store';
import { replayEvents } from './replay-runner';

// Replay jobs: `replay.start` checks what it can at once (the selection, the environment, that the
// pipeline plans), creates the run row and answers; the replay itself runs in the background on
// the replay pool while the UI polls `replay.progress`. Decided here:
// - one replay at a time in this process (a second start is BUSY): the replay pool is sized to the
//   machine and a second replay would only halve the first one's speed;
// - the environment's secrets are admitted for the whole replay (EnvironmentSecrets): the editor's
//   runs of that environment go on beside it, runs of another environment wait until it ends;
// - results are appended in batches (every 200 lines or 250 ms) and traces go through a
//   TraceBatcher tagged with the event and run ids; progress counters live here, in memory;
// - `done` counts the lines stored or about to be (in input order), not events finished out of
//   order, so a finished run's `done` is its number of results;
// - cancel aborts, waits for the events in flight (bounded by their scripts' timeouts) and answers
//   once the run is marked: a poll after it sees `cancelled`. Every event finished is kept; a
//   cancel that comes after the last event finished leaves the run `done`;
// - the last job stays in memory, so its progress is exact even if writing its end failed; other
//   runs answer from the store.

export const defaultReplayEnvironment = 'staging';
/** A run left `running` by a studio that stopped (crash, kill) gets this message on the next open. */
export const staleRunMessage = 'the studio stopped during this replay';

const resultBatchLines = 200;
const resultBatchMs = 250;
/** The estimate waits for this many events, or this share of them, whichever comes first. */
const etaMinEvents = 50;
const etaMinShare = 0.05;

export type ReplayProgress = ChannelOutput<'replay.progress'>;

export type ReplaySelection =
  | { kind: 'events'; ids: string[] }
  | { kind: 'pinned' }
  | { kind: 'filter'; filter: Parameters<Workspace['events']['list']>[0] };

export interface ReplayJobsDeps {
  workspace(): Workspace;
  /** The replay pool (created on first use). */
  engine(): EnginePool;
  secrets: EnvironmentSecrets;
}

interface Job {
  runId: number;
  total: number;
  status: ReplayRun['status'];
  message?: string;
  done: number;
  allowed: number;
  denied: number;
  errors: number;
  mismatches: number;
  startedAt: number;
  /** Frozen when the job ends. */
  elapsedMs?: number;
  controller: AbortController;
  finished: Promise<void>;
}

export class ReplayJobs {
  private job: Job | null = null;
  private closing = false;

  constructor(private readonly deps: ReplayJobsDeps) {}

  /** Whether this run is the one replaying now. */
  isRunning(runId: number): boolean {
    return this.job?.runId === runId && this.job.status === 'running';
  }

  start(input: {
    selection: ReplaySelection;
    label?: string | undefined;
    environment?: string | undefined;
  }): ReplayRun {
    if (this.closing) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    if (this.job?.status === 'running') {
      throw new ContractError(
        'BUSY',
        `Replay run ${this.job.runId} is still running; cancel it or wait for it to end.`,
      );
    }
    const workspace = this.deps.workspace();
    const environment = input.environment ?? defaultReplayEnvironment;
    if (!workspace.environments.get(environment)) {
      throw new ContractError('NOT_FOUND', `There is no environment "${environment}".`);
    }
    const events = selectEvents(workspace, input.selection);
    if (events.length === 0) throw new ContractError('NOTHING_TO_REPLAY', nothingMessage(input.selection));
    const { bundle, hash } = plannedBundle(workspace, events);
    const hooks = new Set(events.map((event) => event.hook));
    const hook = hooks.size === 1 ? [...hooks][0] : undefined;
    const run = workspace.replays.start({
      bundleHash: hash,
      total: events.length,
      ...(hook ? { hook } : {}),
      ...(input.label !== undefined ? { label: input.label } : {}),
      environment,
    });
    const job: Job = {
      runId: run.id,
      total: events.length,
      status: 'running',
      done: 0,
      allowed: 0,
      denied: 0,
      errors: 0,
      mismatches: 0,
      startedAt: performance.now(),
      controller: new AbortController(),
      finished: Promise.resolve(),
    };
    this.job = job;
    job.finished = this.execute(job, workspace, { bundle, hash, events, environment });
    return run;
  }

  progress(runId: number): ReplayProgress {
    const job = this.job;
    if (job?.runId === runId) return jobProgress(job);
    const run = this.deps.workspace().replays.get(runId);
    if (!run) throw new ContractError('NOT_FOUND', `There is no replay run ${runId}.`);
    return this.storedProgress(run);
  }

  async cancel(runId: number): Promise<{ cancelled: boolean }> {
    const job = this.job;
    if (job?.runId === runId && job.status === 'running') {
      job.controller.abort();
      await job.finished;
      // Narrowed to 'running' above, but `finished` has moved it on.
      const ended = job.status as Job['status'];
      return { cancelled: ended === 'cancelled' };
    }
    if (!this.deps.workspace().replays.get(runId)) {
      throw new ContractError('NOT_FOUND', `There is no replay run ${runId}.`);
    }
    // Finished, or running in another process (the CLI), which this one cannot stop.
    return { cancelled: false };
  }

  /** Refuses new replays, cancels the running one and waits until its run is marked cancelled. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const job = this.job;
    if (job?.status === 'running') {
      job.controller.abort();
      await job.finished;
    }
  }

  private async execute(
    job: Job,
    workspace: Workspace,
    work: { bundle: Bundle; hash: string; events: StoredEvent[]; environment: string },
  ): Promise<void> {
    const sink = workspace.traceSink();
    const pending: ReplayLine[] = [];
    let stored = 0;
    let lastFlush = performance.now();
    let failure: unknown;
    const flushResults = () => {
      lastFlush = performance.now();
      if (pending.length === 0) return;
      const lines = pending.splice(0);
      workspace.replays.addResults(job.runId, stored, lines);
      stored += lines.length;
    };
    const fail = (error: unknown) => {
      failure ??= error;
      job.controller.abort();
    };

    let summary: ReplaySummary | undefined;
    try {
      const pool = this.deps.engine();
      const outcome = await this.deps.secrets.run(work.environment, () =>
        replayEvents({
          executor: pool,
          bundle: work.bundle,
          bundleHash: work.hash,
          scriptHash,
          events: work.events,
          concurrency: maxConcurrentRuns,
          signal: job.controller.signal,
          onLine: (line, trace) => {
            if (failure !== undefined) return;
            count(job, line);
            try {
              if (trace) sink.write(trace, { eventId: line.id, runId: job.runId });
              pending.push(line);
              if (pending.length >= resultBatchLines || performance.now() - lastFlush >= resultBatchMs) flushResults();
            } catch (error) {
              // The store refused (a full disk): stop replaying rather than losing results silently.
              fail(error);
            }
          },
        }),
      );
      if (failure === undefined) {
        flushResults();
        sink.close();
      }
      summary = summarizeReplay(outcome.lines.slice(0, job.done), outcome.elapsedMs);
      if (failure === undefined) {
        job.status = outcome.lines.length < work.events.length ? 'cancelled' : 'done';
      }
    } catch (error) {
      fail(error);
    }
    job.elapsedMs = performance.now() - job.startedAt;
    if (failure !== undefined) {
      job.status = 'failed';
      job.message = `The replay stopped: ${failure instanceof Error ? failure.message : String(failure)}`;
      try {
        sink.close();
      } catch {
        // The same failure, most likely; the run's own end is what matters below.
      }
    }
    summary ??= { ...countsOf(job), eventsPerSecond: rate(job.done, job.elapsedMs) };
    try {
      workspace.replays.finish(
        job.runId,
        job.status === 'running' ? 'failed' : job.status,
        summary,
        job.status === 'failed' ? job.message : undefined,
      );
    } catch (error) {
      // The run stays `running` in the store; this process answers from memory, and the next
      // open marks it failed.
      process.emitWarning(
        `Replay run ${job.runId} could not be marked ${job.status}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private storedProgress(run: ReplayRun): ReplayProgress {
    const startedMs = Date.parse(run.startedAt);
    const progressOf = (counts: ResultCounts, elapsedMs: number, eventsPerSecond: number): ReplayProgress => ({
      runId: run.id,
      status: run.status,
      total: run.total,
      done: counts.events,
      allowed: counts.allowed,
      denied: counts.denied,
      errors: counts.errors,
      mismatches: counts.mismatches,
      elapsedMs,
      etaMs: null,
      eventsPerSecond,
    });
    if (run.status === 'running') {
      // Another process's replay (the CLI stores its results at the end), or one whose end could
      // not be written: what is stored so far, without an estimate.
      const counts = this.deps.workspace().replays.counts(run.id);
      const elapsedMs = Math.max(0, Date.now() - startedMs);
      return progressOf(counts, elapsedMs, rate(counts.events, elapsedMs));
    }
    const counts = run.summary ?? { ...this.deps.workspace().replays.counts(run.id), eventsPerSecond: 0 };
    const elapsedMs = run.finishedAt ? Math.max(0, Date.parse(run.finishedAt) - startedMs) : 0;
    const progress = progressOf(counts, elapsedMs, counts.eventsPerSecond);
    if (run.message !== undefined) progress.message = run.message;
    return progress;
  }
}

function count(job: Job, line: ReplayLine): void {
  job.done += 1;
  if (line.allow === true) job.allowed += 1;
  if (line.allow === false) job.denied += 1;
  if (!line.ok) job.errors += 1;
  if (line.mismatch !== null) job.mismatches += 1;
}

function countsOf(job: Job) {
  return { events: job.done, allowed: job.allowed, denied: job.denied, errors: job.errors, mismatches: job.mismatches };
}

/** Events per second, one decimal (as summarizeReplay has it). */
function rate(done: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round(((done * 1000) / elapsedMs) * 10) / 10 : 0;
}

function jobProgress(job: Job): ReplayProgress {
  const running = job.status === 'running';
  const elapsedMs = job.elapsedMs ?? performance.now() - job.startedAt;
  const perMs = elapsedMs > 0 ? job.done / elapsedMs : 0;
  const enough = job.done >= etaMinEvents || job.done >= job.total * etaMinShare;
  const progress: ReplayProgress = {
    runId: job.runId,
    status: job.status,
    total: job.total,
    done: job.done,
    allowed: job.allowed,
    denied: job.denied,
    errors: job.errors,
    mismatches: job.mismatches,
    elapsedMs: Math.round(elapsedMs),
    etaMs: running && enough && perMs > 0 && job.done > 0 ? Math.round((job.total - job.done) / perMs) : null,
    eventsPerSecond: rate(job.done, elapsedMs),
  };
  if (job.message !== undefined) progress.message = job.message;
  return progress;
}

/** The selected events: ids in the order given (each once), pinned or filtered in import order. */
function selectEvents(workspace: Workspace, selection: ReplaySelection): StoredEvent[] {
  switch (selection.kind) {
    case 'events': {
      const { events, missing } = workspace.events.getMany(selection.ids);
      if (missing.length > 0) {
        const named = missing
          .slice(0, 5)
          .map((id) => `"${id}"`)
          .join(', ');
        const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
        throw new ContractError('NOT_FOUND', `The library has no event ${named}${more}.`);
      }
      return events;
    }
    case 'pinned':
      return workspace.events.pinned();
    case 'filter':
      return workspace.events.list({ ...selection.filter, limit: null, offset: 0 });
  }
}

function nothingMessage(selection: ReplaySelection): string {
  if (selection.kind === 'pinned')
    return 'No event is pinned: pin events in the library to build the regression suite.';
  return 'No event of the library matches this filter.';
}

/** The workspace's pipeline as a bundle, planned for every hook of the selection (PIPELINE_INVALID if it cannot be). */
function plannedBundle(workspace: Workspace, events: readonly StoredEvent[]): { bundle: Bundle; hash: string } {
  try {
    const bundle = workspace.exportBundle();
    const hash = bundleHash(bundle);
    for (const hook of new Set<HookId>(events.map((event) => event.hook))) {
      planHook(bundle, hook, { bundleHash: hash, scriptHashes: scriptHash });
    }
    return { bundle, hash };
  } catch (error) {
    if (error instanceof BundleInvalidError) throw new ContractError('PIPELINE_INVALID', error.message);
    throw error;
  }
}
