import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../../shared/engine';
import { modeOf, type HookId } from '../../shared/hooks';
import { deadlineOf, type ActivePlanSet } from '../active-set';
import type { CapturePreparer } from '../capture/capture-prep';
import type { RuntimeConfig } from '../config';
import type { FinishedRun, InvokeOptions } from '../invoke';
import type { HookAnswer } from '../invoke-answers';
import type { SecretMasker } from '../secrets/secret-masker';
import type { RuntimeStorage } from '../storage/types';
import { judgeCandidate } from './guard';
import { followRollout, type LiveRollout } from './live-rollout';
import { cloneCounts, othersCounts } from './others-counts';
import { mergeCounts, recordRun } from './rollout-counts';
import type { StoredDifference, StoredRollout } from './rollout-types';
import { ShadowRuns } from './shadow-runs';
import { inCandidateShare, stickyValue } from './sticky';

// The rollout as this instance serves it (docs/rollouts.md): which bundle decides an invocation,
// the counts of both sides, the guard, and following the storage (where the rollout lives, so
// that every instance on one database routes the same share and rolls back together).
// The lifecycle requests (start, percent, promote, abort) are in rollout-lifecycle.ts.

export interface RolloutControllerDeps {
  storage: RuntimeStorage;
  config: RuntimeConfig;
  invoke(set: ActivePlanSet, hook: HookId, event: JsonObject, options: InvokeOptions): Promise<HookAnswer>;
  track(run: Promise<unknown>): void;
  masker(set: ActivePlanSet): SecretMasker;
  /** The capture's preparation (masking and redaction), which differences go through too. */
  preparer: CapturePreparer;
  /** Shadow runs at once (config.rollouts.shadowConcurrency, default four per engine worker). */
  shadowConcurrency: number;
  log(message: string): void;
  /** Shadow sampling; Math.random by default (tests pass their own). */
  random?: () => number;
}

export class RolloutController {
  /** The rollout this instance follows (running or, once ended, until the next one starts). */
  private live: LiveRollout | undefined;
  /** Rollouts that stopped here and whose final counts (or rollback) are not written yet. */
  private readonly ending = new Set<LiveRollout>();
  private readonly shadows: ShadowRuns;
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private pendingDifferences: StoredDifference[] = [];
  /** Random per runtime start: the key of this instance's counts row. */
  readonly instanceId = randomBytes(8).toString('hex');

  constructor(private readonly deps: RolloutControllerDeps) {
    this.shadows = new ShadowRuns({
      invoke: deps.invoke,
      track: deps.track,
      masker: deps.masker,
      preparer: deps.preparer,
      concurrency: deps.shadowConcurrency,
      candidateFinished: (live, hook, run) => this.finished(live, 'candidate', hook, run),
      keep: (difference) => this.keep(difference),
      log: deps.log,
    });
    // A failing write is logged and retried at the next tick; it never ends the process.
    this.timer = setInterval(() => void this.sync(), deps.config.rollouts.countsIntervalMs).unref();
  }

  /** The running rollout as this instance routes it (undefined: none, or it ended here). */
  running(): StoredRollout | undefined {
    return this.live?.routing ? this.live.stored : undefined;
  }

  /** The rollout this instance knows of, running or ended. */
  known(): LiveRollout | undefined {
    return this.live;
  }

  /** One invocation, decided by the active bundle or the candidate (docs/rollouts.md, "Which bundle decides"). */
  invoke(active: ActivePlanSet, hook: HookId, event: JsonObject): Promise<HookAnswer> {
    // One read: this invocation follows the rollout as it was when it arrived.
    const live = this.live;
    if (!live?.routing || !live.set) return this.deps.invoke(active, hook, event, {});
    const { id, mode, percent, stickyBy } = live.stored;
    if (mode === 'canary') {
      // No sticky key at all: the active bundle decides (the share is of keys, not of requests).
      const key = stickyValue(event, stickyBy);
      const candidate = key !== undefined && inCandidateShare(id, key, percent);
      const side = candidate ? 'candidate' : 'active';
      return this.deps.invoke(candidate ? live.set : active, hook, event, {
        rollout: { id, role: side },
        onFinished: (run) => this.finished(live, side, hook, run),
      });
    }
    const shadow = (this.deps.random ?? Math.random)() * 100 < percent;
    return this.deps.invoke(active, hook, event, {
      rollout: { id, role: 'active' },
      onFinished: (run) => {
        this.finished(live, 'active', hook, run);
        if (shadow) this.shadows.start(live, active, hook, event, run);
      },
    });
  }

  /**
   * Applies the storage's view of the newest rollout: a newer revision of the one followed (its
   * percent, or its end), or another rollout. Synchronous, so that routing changes in one step.
   */
  apply(stored: StoredRollout | undefined): void {
    if (!stored) return;
    const live = this.live;
    if (live && live.stored.id === stored.id) {
      if (stored.revision <= live.stored.revision) return;
      live.stored = stored;
      // Never routed again once stopped here (the guard may have rolled it back before the
      // storage recorded it).
      if (stored.state !== 'running') this.stop(live);
      return;
    }
    // An older rollout read before a newer one was applied (candidate versions come from the one
    // sequence of bundle versions, so a later rollout always has a higher one).
    if (live && stored.candidateVersion < live.stored.candidateVersion) return;
    if (live?.routing) this.stop(live);
    this.live = followRollout(stored, this.deps.config);
    if (stored.state === 'running')
      this.deps.log(`following rollout ${stored.id} (${stored.mode}, ${stored.percent}%)`);
  }

  /** Re-reads the newest rollout from the storage and applies it. */
  async refresh(): Promise<void> {
    this.apply(await this.deps.storage.currentRollout());
  }

  /** Stops routing to the followed rollout at once (it ended); its final counts are written next. */
  stop(live: LiveRollout): void {
    if (!live.routing) return;
    live.routing = false;
    this.ending.add(live);
    void this.sync();
  }

  /**
   * Writes this instance's counts (when they changed) and the kept differences, and reads the other
   * instances' counts. Serialised; failures are logged and retried at the next call.
   */
  sync(): Promise<void> {
    const run = this.syncing.then(() => this.syncOnce());
    this.syncing = run.catch((error: unknown) => {
      this.deps.log(`rollout counts: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.syncing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }

  private finished(live: LiveRollout, side: 'active' | 'candidate', hook: HookId, run: FinishedRun): void {
    if (!live.routing) return;
    recordRun(live.counts, side, { durationMs: run.durationMs, error: run.error });
    live.dirty = true;
    if (side !== 'candidate') return;
    const candidate = mergeCounts([live.counts, live.others]).candidate;
    const verdict = judgeCandidate(live.stored.guard, candidate, deadlineOf(this.deps.config, { mode: modeOf(hook) }));
    if (!verdict.rollBack) return;
    // Before any await: the next invocation is decided by the active bundle.
    live.rollBack = { reason: verdict.reason, at: Date.now() };
    live.routing = false;
    this.ending.add(live);
    this.deps.log(`rollout ${live.stored.id} rolled back by its guard: ${verdict.reason}`);
    this.deps.track(this.sync());
  }

  private keep(difference: StoredDifference): void {
    this.pendingDifferences.push(difference);
    const kept = this.deps.config.rollouts.differencesKept;
    if (this.pendingDifferences.length > kept) this.pendingDifferences.splice(0, this.pendingDifferences.length - kept);
  }

  private async syncOnce(): Promise<void> {
    const { storage } = this.deps;
    if (this.pendingDifferences.length > 0) {
      const batch = this.pendingDifferences;
      this.pendingDifferences = [];
      try {
        await storage.appendDifferences(batch, this.deps.config.rollouts.differencesKept);
      } catch (error) {
        this.pendingDifferences = [...batch, ...this.pendingDifferences];
        throw error;
      }
    }
    for (const live of [...this.ending]) {
      await this.syncRollout(live);
      this.ending.delete(live);
    }
    if (this.live?.routing) await this.syncRollout(this.live);
  }

  private async syncRollout(live: LiveRollout): Promise<void> {
    const { storage } = this.deps;
    if (live.rollBack) {
      const ended = await storage.endRollout(live.stored.id, { state: 'rolled-back', ...live.rollBack });
      live.rollBack = undefined;
      // A newer rollout may be followed by now: this one's end must not replace it.
      if (this.live !== live) {
        if (ended) live.stored = ended;
      } else if (ended) this.apply(ended);
      else await this.refresh();
    }
    if (live.dirty) {
      const snapshot = cloneCounts(live.counts);
      live.dirty = false;
      try {
        await storage.putRolloutCounts(live.stored.id, this.instanceId, snapshot);
      } catch (error) {
        live.dirty = true;
        throw error;
      }
      live.written = snapshot;
    }
    if (live.routing)
      live.others = othersCounts(mergeCounts(await storage.rolloutCounts(live.stored.id)), live.written);
  }
}
