import { ContractError } from '../../shared/contract';
import type { Bundle, ReplayLine, SecretProvider } from '../../shared/engine';
import { hasFaults, whatIfLabel, type Faults } from '../../shared/engine/faults';
import type { CoreEvents } from '../events/event-bus';
import type { ReplayRun, Workspace } from '../store';
import { ReplayJob } from './replay-job';
import { storedProgress, type ReplayProgress } from './replay-progress';
import type { PipelineExecutor } from './replay-runner';
import { nothingMessage, plannedBundle, selectEvents, type ReplaySelection } from './replay-selection';
import { workspaceSink } from './replay-sink';

// The one replay orchestrator: the studio's replay.* channels, `pipeline-studio replay --workspace`
// and the publish's pinned-suite gate all start runs here. `start` checks what it can at once (the
// selection, the environment, that the pipeline plans), creates the run row and answers; the run
// itself goes on in the background (replay-job.ts) and pushes `replay.progress` as it stores
// results and when it ends. Decided here:
// - one replay at a time in this process (a second start is BUSY): the replay pool is sized to the
//   machine and a second replay would only halve the first one's speed;
// - the run environment's secrets travel with each of its events (secretsFor), so replays and the
//   editor's runs of any environment share pools without ever reading another's values;
// - the last job stays in memory, so its progress is exact even if writing its end failed; other
//   runs answer from the store.

export type { ReplayProgress } from './replay-progress';
export type { ReplaySelection } from './replay-selection';

export const defaultReplayEnvironment = 'staging';
/** A run left `running` by a studio that stopped (crash, kill) gets this message on the next open. */
export const staleRunMessage = 'the studio stopped during this replay';

export interface ReplayJobsDeps {
  workspace(): Workspace;
  /** The replay pool (created on first use). */
  engine(): PipelineExecutor;
  /** The keychain secrets of an environment, as scripts read them through helpers.secret. */
  secretsFor(environment: string): SecretProvider;
  /** Where `replay.progress` is pushed. */
  events: CoreEvents;
}

export interface ReplayStart {
  selection: ReplaySelection;
  label?: string | undefined;
  /** Whose secrets the scripts read; default staging. */
  environment?: string | undefined;
  /** Replayed instead of the workspace's current pipeline (a publish's bundle); the run stores its hash. */
  bundle?: Bundle | undefined;
  /** Events in flight at once; default the engine's limit. */
  concurrency?: number | undefined;
  /** Faults injected into every event (a what-if replay); the run's label names them. */
  faults?: Faults | undefined;
  /** Each result as it is stored, in input order (the CLI prints them). */
  onLine?: ((line: ReplayLine) => void) | undefined;
}

export class ReplayJobs {
  private job: ReplayJob | null = null;
  private closing = false;

  constructor(private readonly deps: ReplayJobsDeps) {}

  /** Whether this run is the one replaying now. */
  isRunning(runId: number): boolean {
    return this.job?.runId === runId && this.job.running;
  }

  start(input: ReplayStart): ReplayRun {
    if (this.closing) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    if (this.job?.running) {
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
    const hooks = new Set(events.map((event) => event.hook));
    const { bundle, hash } = plannedBundle(input.bundle ?? (() => workspace.exportBundle()), hooks);
    const hook = hooks.size === 1 ? [...hooks][0] : undefined;
    const faults = hasFaults(input.faults) ? input.faults : undefined;
    const label = runLabel(input.label, faults);
    const run = workspace.replays.start({
      bundleHash: hash,
      total: events.length,
      ...(hook ? { hook } : {}),
      ...(label !== undefined ? { label } : {}),
      environment,
    });
    this.job = new ReplayJob({
      runId: run.id,
      bundle,
      bundleHash: hash,
      events,
      engine: () => this.deps.engine(),
      secrets: () => this.deps.secretsFor(environment),
      faults,
      sink: workspaceSink(workspace, run.id),
      concurrency: input.concurrency,
      onLine: input.onLine,
      onProgress: (progress) => this.deps.events.emit('replay.progress', progress),
    });
    return run;
  }

  progress(runId: number): ReplayProgress {
    if (this.job?.runId === runId) return this.job.progress();
    return storedProgress(this.storedRun(runId), () => this.deps.workspace().replays.counts(runId), Date.now());
  }

  /**
   * Resolves with the run's final progress once it has ended. A run replaying in another process
   * (the CLI) cannot be watched from here: it answers that run's stored progress.
   */
  async finished(runId: number): Promise<ReplayProgress> {
    if (this.job?.runId === runId) return this.job.finished;
    return this.progress(runId);
  }

  /** Stops the run; answers once it is marked, `cancelled: false` when it had already ended. */
  async cancel(runId: number): Promise<{ cancelled: boolean }> {
    const job = this.job;
    if (job?.runId === runId && job.running) {
      const end = await job.cancel();
      return { cancelled: end.status === 'cancelled' };
    }
    // Ended, or running in another process (the CLI), which this one cannot stop.
    this.storedRun(runId);
    return { cancelled: false };
  }

  /** Refuses new replays, cancels the running one and waits until its run is marked cancelled. */
  async shutdown(): Promise<void> {
    this.closing = true;
    if (this.job?.running) await this.job.cancel();
  }

  private storedRun(runId: number): ReplayRun {
    const run = this.deps.workspace().replays.get(runId);
    if (!run) throw new ContractError('NOT_FOUND', `There is no replay run ${runId}.`);
    return run;
  }
}

/**
 * A run made with faults says so in its label, in the CLI's own words (docs/replay.md, "What-if"):
 * the label is where the runs list, the comparison and the CLI already show what a run was.
 */
function runLabel(label: string | undefined, faults: Faults | undefined): string | undefined {
  if (!faults) return label;
  const whatIf = whatIfLabel(faults);
  if (label === undefined || label === '') return whatIf;
  const combined = `${label} · ${whatIf}`;
  return combined.length <= 200 ? combined : `${combined.slice(0, 199)}…`;
}
