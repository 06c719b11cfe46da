import { randomUUID } from 'node:crypto';
import { ContractError, type ChannelInput } from '../../shared/contract';
import { parseRecordedEvents, type Bundle, type RecordedEvent, type SecretProvider } from '../../shared/engine';
import type { CoreEvents } from '../events/event-bus';
import type { ImpactReview } from '../publish/gates';
import { publishAuthor } from '../publish/publish-rules';
import type { ConnectRuntime } from '../publish/runtime-connection';
import type { PipelineExecutor } from '../replay/replay-runner';
import { plannedBundle } from '../replay/replay-selection';
import type { Workspace } from '../store';
import { ImpactJob, isFlip, type ImpactProgress } from './impact-jobs-run';
import type { CompareBundlesOptions, ImpactSummary } from './impact-types';

// The studio's impact jobs (docs/publish.md, "Impact"): what the workspace's pipeline, or it with
// one script's draft, would have decided on an environment's real traffic, against the bundle its
// runtime runs now. Decided here:
// - the baseline is the runtime's ACTIVE bundle and the events are its captured events of the
//   period plus the library's pinned ones, each id once (the captured first): what the candidate
//   would change is judged on what the environment really sees and on the suite;
// - one impact at a time per environment (BUSY), in the replay pool, with that environment's
//   secrets passed with every event;
// - the changes live in memory with their acknowledgements (the last 5 impacts); both traces of a
//   changed event are stored in the workspace, so traces.get opens them;
// - the publish gate asks `review(environment, hash)`: the latest impact of that environment whose
//   candidate is the bundle being published.

export type { ImpactProgress };

const maxKeptImpacts = 5;
const hourMs = 3_600_000;

export interface ImpactJobsDeps {
  workspace(): Workspace;
  /** The replay pool: both sides of every event go through it. */
  engine(): PipelineExecutor;
  secretsFor(environment: string): SecretProvider;
  connect: ConnectRuntime;
  /** The comparison itself (core/impact). */
  compare(options: CompareBundlesOptions): Promise<ImpactSummary>;
  /** Where `impact.progress` is pushed. */
  events: CoreEvents;
  now?: () => number;
}

export class ImpactJobs {
  private readonly jobs = new Map<string, ImpactJob>();
  private closing = false;

  constructor(private readonly deps: ImpactJobsDeps) {}

  async start(input: ChannelInput<'impact.start'>): Promise<{ impactId: string }> {
    this.refuseClosing();
    const environment = input.environment;
    const { client } = this.deps.connect(environment);
    this.refuseBusy(environment);
    const now = this.deps.now?.() ?? Date.now();
    const active = await client.activeBundle();
    if (active === null) {
      throw new ContractError(
        'NOTHING_TO_REPLAY',
        `Nothing is published on ${environment}'s runtime: there is no active bundle to compare with.`,
      );
    }
    const since = new Date(now - (input.sinceHours ?? 168) * hourMs).toISOString();
    const captured = parseRecordedEvents(await client.events({ since })).events;
    const workspace = this.deps.workspace();
    const events = uniqueById([...captured, ...(input.includePinned === false ? [] : workspace.events.pinned())]);
    if (events.length === 0) {
      throw new ContractError(
        'NOTHING_TO_REPLAY',
        `${environment}'s runtime captured no event in the period and no event is pinned.`,
      );
    }
    const hooks = new Set(events.map((event) => event.hook));
    const candidateInput = input.candidate ?? { kind: 'workspace' };
    const baseline = plannedBundle(active.bundle, hooks);
    const candidate = plannedBundle(candidateBundle(workspace.exportBundle(), candidateInput), hooks);
    // Checked again after the awaits above: two starts for one environment may have raced.
    this.refuseClosing();
    this.refuseBusy(environment);
    const impactId = randomUUID();
    const job = new ImpactJob({
      impactId,
      environment,
      candidate:
        candidateInput.kind === 'draft' ? { kind: 'draft', scriptId: candidateInput.scriptId } : { kind: 'workspace' },
      baseline,
      candidateSide: candidate,
      events,
      workspace,
      engine: () => this.deps.engine(),
      secrets: () => this.deps.secretsFor(environment),
      compare: this.deps.compare,
      onProgress: (progress) => this.deps.events.emit('impact.progress', progress),
    });
    this.jobs.set(impactId, job);
    this.forgetOld();
    return { impactId };
  }

  progress(impactId: string): ImpactProgress {
    return this.find(impactId).progress();
  }

  /** Resolves with the final progress once the impact has ended; never rejects. */
  ended(impactId: string): Promise<ImpactProgress> {
    return this.find(impactId).ended;
  }

  changes(input: ChannelInput<'impact.changes'>) {
    const job = this.find(input.impactId);
    const matching = job.changes.filter(
      (entry) =>
        (input.kind === undefined || entry.change.changes.includes(input.kind)) &&
        (input.script === undefined || entry.change.scripts.includes(input.script)),
    );
    const offset = input.offset ?? 0;
    const page = matching.slice(offset, offset + (input.limit ?? 200));
    const { events: known } = this.deps.workspace().events.getMany(page.map((entry) => entry.change.id));
    const inLibrary = new Set(known.map((event) => event.id));
    return {
      total: matching.length,
      changes: page.map(({ change, acknowledged }) => ({
        ...change,
        baseline: { ok: change.baseline.error === undefined, ...change.baseline },
        candidate: { ok: change.candidate.error === undefined, ...change.candidate },
        acknowledged,
        inLibrary: inLibrary.has(change.id),
      })),
    };
  }

  /** One changed event of an impact (events.acceptOutcome), or NOT_FOUND. */
  change(impactId: string, eventId: string) {
    const entry = this.find(impactId).changes.find((kept) => kept.change.id === eventId);
    if (!entry) throw new ContractError('NOT_FOUND', `Impact ${impactId} did not change event "${eventId}".`);
    return entry.change;
  }

  async cancel(impactId: string): Promise<{ cancelled: boolean }> {
    const job = this.find(impactId);
    if (!job.running) return { cancelled: false };
    const end = await job.cancel();
    return { cancelled: end.status === 'cancelled' };
  }

  acknowledge(input: ChannelInput<'impact.acknowledge'>): { acknowledged: number; unacknowledgedFlips: number } {
    const job = this.find(input.impactId);
    if (job.running) {
      throw new ContractError('BUSY', `Impact ${input.impactId} is still running: acknowledge its flips once it ends.`);
    }
    const wanted = input.ids === undefined ? null : new Set(input.ids);
    const chosen = job.changes.filter((entry) =>
      wanted === null ? isFlip(entry.change) && !entry.acknowledged : wanted.has(entry.change.id),
    );
    if (wanted !== null && chosen.length < wanted.size) {
      const found = new Set(chosen.map((entry) => entry.change.id));
      const missing = [...wanted].filter((id) => !found.has(id)).slice(0, 5);
      throw new ContractError(
        'NOT_FOUND',
        `Impact ${input.impactId} did not change ${missing.map((id) => `"${id}"`).join(', ')}.`,
      );
    }
    for (const entry of chosen) entry.acknowledged = true;
    if (chosen.length > 0) {
      job.acknowledgements.push({
        by: publishAuthor(),
        at: new Date(this.deps.now?.() ?? Date.now()).toISOString(),
        ...(input.note !== undefined ? { note: input.note } : {}),
        ids: chosen.map((entry) => entry.change.id),
      });
    }
    return { acknowledged: chosen.length, unacknowledgedFlips: job.review().unacknowledged };
  }

  /** The latest impact of `environment` whose candidate is `hash`, for the publish gate. */
  review(environment: string, hash: string): ImpactReview | null {
    const latest = [...this.jobs.values()]
      .reverse()
      .find((job) => job.environment === environment && job.candidateHash === hash);
    return latest?.review() ?? null;
  }

  /** For the core's close(): no new impact; the running ones are cancelled and awaited. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.jobs.values()].map((job) => job.cancel()));
  }

  private refuseClosing(): void {
    if (this.closing) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
  }

  private refuseBusy(environment: string): void {
    for (const job of this.jobs.values()) {
      if (job.environment === environment && job.running) {
        throw new ContractError(
          'BUSY',
          `An impact on ${environment} is already running (${job.impactId}); cancel it or wait for it to end.`,
        );
      }
    }
  }

  private find(impactId: string): ImpactJob {
    const job = this.jobs.get(impactId);
    if (!job) throw new ContractError('NOT_FOUND', `There is no impact "${impactId}".`);
    return job;
  }

  private forgetOld(): void {
    while (this.jobs.size > maxKeptImpacts) {
      const oldest = [...this.jobs.values()].find((kept) => !kept.running);
      if (!oldest) break;
      this.jobs.delete(oldest.impactId);
    }
  }
}

/** Each id once, the first one kept. */
function uniqueById(events: readonly RecordedEvent[]): RecordedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.id) && Boolean(seen.add(event.id)));
}

/** The workspace's pipeline, or it with one script's source replaced by a draft. */
function candidateBundle(bundle: Bundle, candidate: NonNullable<ChannelInput<'impact.start'>['candidate']>): Bundle {
  if (candidate.kind === 'workspace') return bundle;
  const script = bundle.scripts[candidate.scriptId];
  if (!script) throw new ContractError('NOT_FOUND', `There is no script "${candidate.scriptId}".`);
  return { ...bundle, scripts: { ...bundle.scripts, [candidate.scriptId]: { ...script, source: candidate.source } } };
}
