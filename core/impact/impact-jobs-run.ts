import type { z } from 'zod';
import type { Bundle, RecordedEvent, SecretProvider } from '../../shared/engine';
import { impactFlipKinds, type impactProgressSchema } from '../../shared/contract/impact-channels';
import type { ImpactAcknowledgement, ImpactReview } from '../publish/gates';
import type { PipelineExecutor } from '../replay/replay-runner';
import type { Workspace } from '../store';
import type { CompareBundlesOptions, ImpactChange, ImpactChangeKind, ImpactSummary } from './impact-types';

export type ImpactProgress = z.output<typeof impactProgressSchema>;

// One impact from its first event to its end (the job table is impact-jobs.ts). Decided here:
// - progress is pushed every 200 compared events and once at the end; while it runs the counts
//   are those of the changes seen so far and the latency is known only at the end;
// - both traces of every changed event are written through one workspace trace sink, tagged with
//   the event's id (traces.get opens them; retention removes them like any trace);
// - every job ends done, cancelled or failed: `ended` never rejects.

const pushEvery = 200;

export interface KeptChange {
  change: ImpactChange;
  acknowledged: boolean;
}

export interface ImpactJobOptions {
  impactId: string;
  environment: string;
  candidate: ImpactProgress['candidate'];
  baseline: { bundle: Bundle; hash: string };
  candidateSide: { bundle: Bundle; hash: string };
  events: readonly RecordedEvent[];
  workspace: Workspace;
  engine: () => PipelineExecutor;
  secrets: () => SecretProvider;
  compare(options: CompareBundlesOptions): Promise<ImpactSummary>;
  onProgress(progress: ImpactProgress): void;
}

const flips: ReadonlySet<ImpactChangeKind> = new Set(impactFlipKinds);

/** An allow→deny or deny→allow, whatever else changed with it. */
export function isFlip(change: ImpactChange): boolean {
  return change.changes.some((kind) => flips.has(kind));
}

export class ImpactJob {
  readonly impactId: string;
  readonly environment: string;
  readonly candidateHash: string;
  readonly changes: KeptChange[] = [];
  readonly acknowledgements: ImpactAcknowledgement[] = [];
  readonly ended: Promise<ImpactProgress>;
  private status: ImpactProgress['status'] = 'running';
  private message: string | undefined;
  private done = 0;
  private summary: ImpactSummary | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly options: ImpactJobOptions) {
    this.impactId = options.impactId;
    this.environment = options.environment;
    this.candidateHash = options.candidateSide.hash;
    this.ended = this.run();
  }

  get running(): boolean {
    return this.status === 'running';
  }

  cancel(): Promise<ImpactProgress> {
    this.controller.abort();
    return this.ended;
  }

  progress(): ImpactProgress {
    const { options } = this;
    return {
      impactId: this.impactId,
      environment: this.environment,
      status: this.status,
      total: options.events.length,
      done: this.done,
      summary: this.summaryNow(),
      baselineHash: options.baseline.hash,
      candidateHash: this.candidateHash,
      candidate: options.candidate,
      ...(this.message !== undefined ? { message: this.message } : {}),
    };
  }

  review(): ImpactReview {
    const flipped = this.changes.filter((entry) => isFlip(entry.change));
    return {
      impactId: this.impactId,
      status: this.status,
      flips: flipped.length,
      unacknowledged: flipped.filter((entry) => !entry.acknowledged).length,
      acknowledgements: this.acknowledgements.map((ack) => ({ ...ack, ids: [...ack.ids] })),
    };
  }

  private async run(): Promise<ImpactProgress> {
    const { options } = this;
    let traces: ReturnType<Workspace['traceSink']> | undefined;
    let lastPushed = 0;
    try {
      traces = options.workspace.traceSink();
      const sink = traces;
      this.summary = await options.compare({
        executor: options.engine(),
        baseline: options.baseline,
        candidate: options.candidateSide,
        events: options.events,
        secrets: options.secrets(),
        signal: this.controller.signal,
        onChange: (change, both) => {
          sink.write(both.baseline, { eventId: change.id });
          sink.write(both.candidate, { eventId: change.id });
          this.changes.push({ change, acknowledged: false });
        },
        onProgress: (done) => {
          this.done = done;
          if (done - lastPushed >= pushEvery) {
            lastPushed = done;
            this.report();
          }
        },
      });
      traces.flush();
      this.done = this.summary.events;
      this.status = this.summary.cancelled ? 'cancelled' : 'done';
    } catch (error) {
      this.status = 'failed';
      this.message = `The impact stopped: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      try {
        traces?.close();
      } catch {
        // Only after a failure: the impact already carries that failure's message.
      }
    }
    this.report();
    return this.progress();
  }

  private summaryNow(): ImpactProgress['summary'] {
    if (this.summary) {
      const {
        duplicates: _duplicates,
        total: _total,
        cancelled: _cancelled,
        elapsedMs: _elapsed,
        ...shown
      } = this.summary;
      return shown;
    }
    const count = (kind: ImpactChangeKind) => this.changes.filter((entry) => entry.change.change === kind).length;
    const zero = { p50: 0, p95: 0, p99: 0 };
    return {
      events: this.done,
      unchanged: Math.max(0, this.done - this.changes.length),
      allowToDeny: count('allow→deny'),
      denyToAllow: count('deny→allow'),
      reasonChanged: count('reason'),
      dataChanged: count('data'),
      newErrors: count('error-new'),
      fixedErrors: count('error-fixed'),
      changedErrors: count('error-changed'),
      latencyMs: { baseline: zero, candidate: zero },
    };
  }

  private report(): void {
    try {
      this.options.onProgress(this.progress());
    } catch {
      // Progress is for whoever watches; a listener that fails must not fail the impact.
    }
  }
}
