import { randomUUID } from 'node:crypto';
import { ContractError, type ChannelInput } from '../../shared/contract';
import type { Bundle } from '../../shared/engine';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import type { CoreEvents } from '../events/event-bus';
import type { Workspace } from '../store';
import { requireConfirmation } from './publish-rules';
import { initialSteps, runPublishSteps, type PublishProgress, type PublishStepsDeps } from './publish-steps';
import type { ConnectRuntime } from './runtime-connection';

// Publish jobs (docs/publish.md). Decided here:
// - the bundle is taken once when a publish starts (the workspace's current pipeline, or the
//   bundle folder the CLI was given): the suite replays that bundle and that bundle is what is
//   sent, so an edit made during the publish is not half-published;
// - If-Match is the hash the user reviewed (publish.start's expectedHash, from the preview), else
//   the one active when the job starts; a 412 fails the job: someone published meanwhile;
// - with `rollout`, the same job starts a rollout instead of publishing (publish-steps.ts): the
//   same gates, the same If-Match, one job per environment either way;
// - one running job per environment (BUSY); jobs live in memory like replay jobs, the last 20
//   are kept for publish.progress;
// - a job pushes its progress (publish.steps) whenever a step changes and once when it ends, and
//   `ended` resolves with its final progress: nobody has to poll.

const maxKeptJobs = 20;

export interface PublishJobsDeps extends Omit<PublishStepsDeps, 'isClosing'> {
  connect: ConnectRuntime;
  workspace(): Workspace;
  events: CoreEvents;
}

export interface PublishJob {
  jobId: string;
  /** Resolves with the final progress once the job has ended; never rejects. */
  ended: Promise<PublishProgress>;
}

interface Job {
  progress: PublishProgress;
  ended: Promise<PublishProgress>;
}

export class PublishJobs {
  private readonly jobs = new Map<string, Job>();
  private closing = false;

  constructor(private readonly deps: PublishJobsDeps) {}

  /**
   * Checks what can be checked at once, then runs the publish in the background. `bundle`: another
   * bundle than the workspace's (the CLI's `publish <bundle-dir>`).
   */
  async start(input: ChannelInput<'publish.start'>, bundle?: Bundle): Promise<PublishJob> {
    if (this.closing) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    const name = input.environment;
    const { client } = this.deps.connect(name);
    requireConfirmation(name, input.confirm, input.rollout ? 'start a rollout' : 'publish');
    this.refuseBusy(name);
    // Taken now: the hash the user reviewed, else what is active at this moment (which also
    // checks the token and its publish scope before answering).
    const expectedHash =
      input.expectedHash !== undefined ? input.expectedHash : ((await client.activeBundle())?.hash ?? null);
    const workspace = this.deps.workspace();
    const published = bundle ?? workspace.exportBundle();
    if (input.reviewedHash !== undefined && bundleHash(published) !== input.reviewedHash) {
      throw new ContractError(
        'PIPELINE_CHANGED',
        'The pipeline changed since it was reviewed (a script was saved meanwhile): review the changes again.',
      );
    }
    // Checked again after the awaits above: two starts for one environment may have raced.
    if (this.closing) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    this.refuseBusy(name);
    const jobId = randomUUID();
    const progress: PublishProgress = {
      jobId,
      environment: name,
      status: 'running',
      steps: initialSteps(name, input.rollout),
    };
    const push = () => this.deps.events.emit('publish.steps', structuredClone(progress));
    const steps = runPublishSteps(
      { ...this.deps, isClosing: () => this.closing },
      progress,
      {
        workspace,
        client,
        bundle: published,
        expectedHash,
        message: input.message,
        pushSecrets: input.pushSecrets ?? false,
        ...(input.rollout ? { rollout: input.rollout } : {}),
      },
      push,
    );
    const job: Job = { progress, ended: steps.then(() => structuredClone(progress)) };
    this.jobs.set(jobId, job);
    this.forgetOldJobs();
    return { jobId, ended: job.ended };
  }

  progress(jobId: string): PublishProgress {
    return structuredClone(this.find(jobId).progress);
  }

  /** Resolves with the job's final progress once it has ended. */
  ended(jobId: string): Promise<PublishProgress> {
    return this.find(jobId).ended;
  }

  /**
   * For the core's close(): no new job; a running one stops before its publish request (its suite
   * replay is cancelled by the replay jobs' own shutdown), or, if that request is already out,
   * waits for the answer (bounded by the client's timeout) and records it.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.jobs.values()].map((job) => job.ended));
  }

  private refuseBusy(environment: string): void {
    for (const job of this.jobs.values()) {
      if (job.progress.environment === environment && job.progress.status === 'running') {
        throw new ContractError('BUSY', `A publish to ${environment} is already running (job ${job.progress.jobId}).`);
      }
    }
  }

  private find(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new ContractError('NOT_FOUND', `There is no publish job "${jobId}".`);
    return job;
  }

  private forgetOldJobs(): void {
    while (this.jobs.size > maxKeptJobs) {
      const oldest = [...this.jobs.values()].find((kept) => kept.progress.status !== 'running');
      if (!oldest) break;
      this.jobs.delete(oldest.progress.jobId);
    }
  }
}
