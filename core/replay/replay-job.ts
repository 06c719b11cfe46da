import type { Bundle, RecordedEvent, ReplayLine, SecretProvider } from '../../shared/engine';
import type { Faults } from '../../shared/engine/faults';
import { scriptHash } from '../../shared/engine/node/bundle-files';
import { maxConcurrentRuns } from '../../shared/engine/limits';
import {
  countLine,
  emptyCounts,
  liveProgress,
  summaryOf,
  type ReplayProgress,
  type ReplayStatus,
} from './replay-progress';
import { replayEvents, type PipelineExecutor } from './replay-runner';
import type { ReplaySink } from './replay-sink';

// One replay run from its first event to its end: the run loop every replay goes through (the
// studio's, the CLI's, the publish gate's). Decided here:
// - results are written in batches (every 200 lines or 250 ms) in input order, traces beside them;
//   each written batch is reported (onProgress), and so is the end;
// - `done` counts the lines stored or about to be (in input order), not events finished out of
//   order, so an ended run's `done` is its number of results;
// - cancel stops starting events and waits for the ones in flight (bounded by their scripts'
//   timeouts); everything finished is kept. A cancel after the last event finished leaves `done`;
// - a store that refuses a write (a full disk) stops the replay rather than losing results
//   silently: the run ends `failed` with the store's message;
// - every job ends `done`, `cancelled` or `failed`: `finished` never rejects.

const resultBatchLines = 200;
const resultBatchMs = 250;

export interface ReplayJobOptions {
  runId: number;
  bundle: Bundle;
  bundleHash: string;
  events: readonly RecordedEvent[];
  /** The engine pool; asked once the job starts (making it may fail, which fails the run). */
  engine: () => PipelineExecutor;
  /** The run environment's secrets, passed with every event. */
  secrets: () => SecretProvider;
  /** Faults injected into every event's run (a what-if replay); none by default. */
  faults?: Faults | undefined;
  sink: ReplaySink;
  /** Events in flight at once; default maxConcurrentRuns. */
  concurrency?: number | undefined;
  /** Each line once it is accepted for the store, in input order. */
  onLine?: ((line: ReplayLine) => void) | undefined;
  /** After each batch of results is written, and once when the run has ended. */
  onProgress?: ((progress: ReplayProgress) => void) | undefined;
}

export class ReplayJob {
  readonly runId: number;
  readonly total: number;
  /** Resolves with the final progress once the run has ended and its end is written. */
  readonly finished: Promise<ReplayProgress>;
  private status: ReplayStatus = 'running';
  private message: string | undefined;
  private readonly counts = emptyCounts();
  private readonly startedAt = performance.now();
  /** Frozen when the job ends. */
  private elapsedMs: number | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly options: ReplayJobOptions) {
    this.runId = options.runId;
    this.total = options.events.length;
    this.finished = this.run();
  }

  get running(): boolean {
    return this.status === 'running';
  }

  progress(): ReplayProgress {
    return liveProgress({
      runId: this.runId,
      status: this.status,
      total: this.total,
      counts: { ...this.counts },
      elapsedMs: this.elapsedMs ?? performance.now() - this.startedAt,
      message: this.message,
    });
  }

  /** Stops the run and resolves with its final progress (`done` if it had already finished). */
  cancel(): Promise<ReplayProgress> {
    this.controller.abort();
    return this.finished;
  }

  private async run(): Promise<ReplayProgress> {
    const { sink } = this.options;
    const pending: ReplayLine[] = [];
    let stored = 0;
    let lastWrite = performance.now();
    let failure: { error: unknown } | undefined;
    const writeResults = () => {
      lastWrite = performance.now();
      if (pending.length === 0) return;
      const lines = pending.splice(0);
      sink.addResults(stored, lines);
      stored += lines.length;
      this.report();
    };
    const fail = (error: unknown) => {
      failure ??= { error };
      this.controller.abort();
    };

    try {
      const outcome = await replayEvents({
        executor: this.options.engine(),
        secrets: this.options.secrets(),
        faults: this.options.faults,
        bundle: this.options.bundle,
        bundleHash: this.options.bundleHash,
        scriptHash,
        events: this.options.events,
        concurrency: this.options.concurrency ?? maxConcurrentRuns,
        signal: this.controller.signal,
        onLine: (line, trace) => {
          if (failure) return;
          try {
            if (trace) sink.writeTrace(trace, line.id);
            pending.push(line);
            countLine(this.counts, line);
            this.options.onLine?.(line);
            if (pending.length >= resultBatchLines || performance.now() - lastWrite >= resultBatchMs) writeResults();
          } catch (error) {
            fail(error);
          }
        },
      });
      if (!failure) {
        writeResults();
        sink.flush();
        this.status = outcome.replayed < this.total ? 'cancelled' : 'done';
      }
    } catch (error) {
      fail(error);
    }
    this.elapsedMs = performance.now() - this.startedAt;
    if (failure) {
      this.status = 'failed';
      this.message = `The replay stopped: ${messageOf(failure.error)}`;
    }
    const status = this.status as Exclude<ReplayStatus, 'running'>;
    try {
      sink.finish(status, summaryOf(this.counts, this.elapsedMs), this.message);
    } catch (error) {
      // The store is gone or full: the run stays `running` there (the studio's next open marks it
      // failed), and this process reports it failed rather than pretending it was recorded.
      this.status = 'failed';
      this.message = `The replay ended ${status} but its end could not be stored: ${messageOf(error)}`;
    } finally {
      sink.close();
    }
    this.report();
    return this.progress();
  }

  private report(): void {
    try {
      this.options.onProgress?.(this.progress());
    } catch {
      // Progress is for whoever watches; a listener that fails must not fail the replay.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
