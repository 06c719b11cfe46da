import type { JsonObject } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { ActivePlanSet } from '../active-set';
import type { CapturePreparer } from '../capture/capture-prep';
import type { FinishedRun, InvokeOptions } from '../invoke';
import type { HookAnswer } from '../invoke-answers';
import type { SecretMasker } from '../secrets/secret-masker';
import { prepareDifference } from './difference-record';
import type { LiveRollout } from './live-rollout';
import { outcomeDifferences } from '../../shared/engine';
import { recordDifference } from './rollout-counts';
import type { StoredDifference } from './rollout-types';

// Shadow mode (docs/rollouts.md): the active bundle answered; the candidate runs the same event
// afterwards, off the answer's path, and the two outcomes are compared. A shadow run starts only
// after the answer was computed (and a turn of the event loop later, so the answer is on its way
// first), never changes it, and at most `concurrency` run at once: one more is skipped and counted
// (`shadowSkipped`), so shadowing can never queue the engine ahead of real answers. Every shadow
// run is tracked like a background run, so flush() and close() wait for it.

export interface ShadowDeps {
  invoke(set: ActivePlanSet, hook: HookId, event: JsonObject, options: InvokeOptions): Promise<HookAnswer>;
  track(run: Promise<unknown>): void;
  masker(set: ActivePlanSet): SecretMasker;
  preparer: CapturePreparer;
  concurrency: number;
  /** The candidate's run is counted (and judged by the guard) like a canary's. */
  candidateFinished(live: LiveRollout, hook: HookId, run: FinishedRun): void;
  /** A difference to keep (written in batches with the counts). */
  keep(difference: StoredDifference): void;
  log(message: string): void;
}

export class ShadowRuns {
  private inFlight = 0;

  constructor(private readonly deps: ShadowDeps) {}

  get running(): number {
    return this.inFlight;
  }

  /** After the active bundle's run of `event` finished with `activeRun`. */
  start(live: LiveRollout, active: ActivePlanSet, hook: HookId, event: JsonObject, activeRun: FinishedRun): void {
    const candidate = live.set;
    if (!live.routing || !candidate) return;
    if (this.inFlight >= this.deps.concurrency) {
      live.counts.shadowSkipped += 1;
      live.dirty = true;
      return;
    }
    this.inFlight += 1;
    const work = this.run(live, candidate, active, hook, event, activeRun).finally(() => {
      this.inFlight -= 1;
    });
    this.deps.track(work);
  }

  private async run(
    live: LiveRollout,
    candidate: ActivePlanSet,
    active: ActivePlanSet,
    hook: HookId,
    event: JsonObject,
    activeRun: FinishedRun,
  ): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    // Rolled back or ended while it waited: the next invocation is the active bundle's alone.
    if (!live.routing) return;
    const candidateRun = await new Promise<FinishedRun>((resolve, reject) => {
      this.deps
        .invoke(candidate, hook, event, {
          rollout: { id: live.stored.id, role: 'shadow' },
          captureEvent: false,
          onFinished: resolve,
        })
        .catch(reject);
    });
    this.deps.candidateFinished(live, hook, candidateRun);
    const kinds = outcomeDifferences(activeRun.outcome, candidateRun.outcome);
    if (kinds.length === 0) return;
    const difference = await prepareDifference(this.deps.preparer, {
      rolloutId: live.stored.id,
      hook,
      at: Date.now(),
      kinds,
      event,
      active: { outcome: activeRun.outcome, traceId: activeRun.traceId, masker: this.deps.masker(active) },
      candidate: { outcome: candidateRun.outcome, traceId: candidateRun.traceId, masker: this.deps.masker(candidate) },
    }).catch(() => undefined);
    // Counted with its row kept in the same step, so that counts never run ahead of the list.
    if (difference) this.deps.keep(difference);
    else this.deps.log(`rollout ${live.stored.id}: a difference of ${hook} could not be prepared for storage`);
    recordDifference(live.counts, kinds);
    live.dirty = true;
  }
}
