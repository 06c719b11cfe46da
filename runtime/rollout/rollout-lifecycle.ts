import { randomBytes } from 'node:crypto';
import type { Bundle, ExecutionPlan } from '../../shared/engine';
import { rolloutRequestSchema } from '../../shared/contract/rollout-request';
import type { HookId } from '../../shared/hooks';
import { RuntimeError } from '../errors';
import type { RuntimeStorage, StoredBundleVersion } from '../storage/types';
import type { RolloutController } from './rollout-controller';
import { differenceJson, rolloutJson } from './rollout-json';
import { emptyCounts, mergeCounts } from './rollout-counts';
import { defaultGuard, type DifferenceJson, type RolloutJson, type StoredRollout } from './rollout-types';
import type { StartRolloutRequest } from '../runtime-types';

// The requests that start, steer and end a rollout (the library's startRollout…abortRollout and
// the HTTP endpoints over them, docs/rollouts.md). The storage is the judge of every change (one
// transaction each); this instance applies what it committed at once, and the others follow
// through `watch`.

export interface RolloutLifecycleDeps {
  storage: RuntimeStorage;
  controller: RolloutController;
  log(message: string): void;
  /** PRECONDITION_FAILED unless `expectedHash` is active (re-read from the storage first). */
  checkExpected(expectedHash: string | null): Promise<void>;
  activeHash(): string | null;
  /** The bundle validated exactly like a publish's (its rules, its declared secrets). */
  publishable(bundle: unknown): Promise<{ bundle: Bundle; hash: string }>;
  /** The promoted candidate becomes the active plan set (its plans are already built). */
  promoted(active: StoredBundleVersion, plans: ReadonlyMap<HookId, ExecutionPlan> | undefined): void;
  /** Refreshes the active version from the storage (a promote another instance made). */
  refreshActive(): Promise<void>;
}

export class RolloutLifecycle {
  constructor(private readonly deps: RolloutLifecycleDeps) {}

  async start(request: StartRolloutRequest): Promise<RolloutJson> {
    const settings = rolloutRequestSchema.safeParse({
      mode: request.mode,
      percent: request.percent,
      ...(request.stickyBy !== undefined ? { stickyBy: request.stickyBy } : {}),
      ...(request.guard !== undefined ? { guard: request.guard } : {}),
    });
    if (!settings.success) {
      const problems = settings.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new RuntimeError('INVALID_VALUE', 'the rollout settings are not valid', { problems });
    }
    if (request.expectedHash === null && this.deps.activeHash() === null) {
      throw new RuntimeError('NO_ACTIVE_BUNDLE', 'a rollout runs beside an active bundle: publish one first');
    }
    await this.deps.checkExpected(request.expectedHash);
    // Memory is confirmed against the storage before refusing (it may have ended elsewhere); the
    // storage's start refuses one this instance has not heard of yet.
    if (this.deps.controller.running()) await this.deps.controller.refresh();
    const running = this.deps.controller.running();
    if (running) throw rolloutRunningError(running.id);
    const { bundle, hash } = await this.deps.publishable(request.bundle);
    if (hash === this.deps.activeHash()) {
      throw new RuntimeError('BUNDLE_UNCHANGED', 'the candidate is the active bundle: there is nothing to roll out');
    }
    const { mode, percent, stickyBy, guard } = settings.data;
    const result = await this.deps.storage.startRollout(request.expectedHash as string, {
      id: `ro_${randomBytes(12).toString('hex')}`,
      mode,
      percent,
      stickyBy: stickyBy ?? 'user.id',
      guard: {
        maxErrorRate: guard?.maxErrorRate ?? defaultGuard.maxErrorRate,
        maxP99Ms: guard?.maxP99Ms ?? defaultGuard.maxP99Ms,
        minSamples: guard?.minSamples ?? defaultGuard.minSamples,
      },
      startedAt: Date.now(),
      author: request.author,
      message: request.message ?? '',
      candidateHash: hash,
      candidate: bundle,
    });
    if (!result.ok) {
      if (result.rolloutId !== undefined) throw rolloutRunningError(result.rolloutId);
      throw new RuntimeError('PRECONDITION_FAILED', `the active bundle is ${result.activeHash ?? 'none'}`, {
        activeHash: result.activeHash,
      });
    }
    this.deps.controller.apply(result.rollout);
    return rolloutJson(result.rollout, emptyCounts());
  }

  /** The newest rollout with every instance's counts; undefined before the first. */
  async current(): Promise<RolloutJson | undefined> {
    // This instance's counts (and a rollback its guard decided) are written first, so that what it
    // has served is in the answer.
    await this.deps.controller.sync();
    const stored = await this.deps.storage.currentRollout();
    if (!stored) return undefined;
    this.deps.controller.apply(stored);
    const rows = await this.deps.storage.rolloutCounts(stored.id);
    return rolloutJson(stored, mergeCounts(rows));
  }

  async setPercent(percent: number, author: string): Promise<RolloutJson> {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      throw new RuntimeError('INVALID_VALUE', 'percent must be a whole number from 1 to 100', {
        problems: [{ path: 'percent', message: 'must be a whole number from 1 to 100' }],
      });
    }
    const current = await this.runningRollout();
    const changed = await this.deps.storage.setRolloutPercent(current.id, percent);
    if (!changed) throw await this.ended();
    this.deps.controller.apply(changed);
    this.deps.log(`rollout ${changed.id}: ${percent}% (by ${author})`);
    return this.json(changed);
  }

  async promote(author: string): Promise<RolloutJson> {
    const current = await this.runningRollout();
    const done = await this.deps.storage.promoteRollout(current.id, {
      at: Date.now(),
      author,
      message: current.message || `rollout ${current.id}`,
    });
    if (!done) throw await this.ended();
    // One step: the candidate becomes the active set and routing stops, so that no invocation
    // sees the rollout ended with the old bundle still active.
    const known = this.deps.controller.known();
    this.deps.promoted(done.active, known?.stored.id === current.id ? known.set?.plans : undefined);
    this.deps.controller.apply(done.rollout);
    this.deps.log(`rollout ${current.id} promoted by ${author}: version ${done.active.version} is active`);
    return this.json(done.rollout);
  }

  async abort(author: string): Promise<RolloutJson> {
    const current = await this.runningRollout();
    const ended = await this.deps.storage.endRollout(current.id, {
      state: 'aborted',
      reason: `aborted by ${author}`,
      at: Date.now(),
    });
    if (!ended) throw await this.ended();
    this.deps.controller.apply(ended);
    this.deps.log(`rollout ${current.id} aborted by ${author}`);
    return this.json(ended);
  }

  async differences(limit: number): Promise<DifferenceJson[]> {
    const stored = await this.deps.storage.currentRollout();
    if (!stored) throw noRollout();
    await this.deps.controller.sync();
    const rows = await this.deps.storage.differences(stored.id, Math.max(1, Math.min(limit, 1000)));
    return rows.map((row) => differenceJson(row, stored));
  }

  private async json(stored: StoredRollout): Promise<RolloutJson> {
    await this.deps.controller.sync();
    return rolloutJson(stored, mergeCounts(await this.deps.storage.rolloutCounts(stored.id)));
  }

  private async runningRollout(): Promise<StoredRollout> {
    const current = await this.deps.storage.currentRollout();
    if (!current) throw noRollout();
    this.deps.controller.apply(current);
    if (current.state !== 'running') throw endedError(current);
    return current;
  }

  /** The rollout ended between our read and our change (another instance, or the guard). */
  private async ended(): Promise<RuntimeError> {
    const current = await this.deps.storage.currentRollout();
    if (current) this.deps.controller.apply(current);
    if (current?.state === 'promoted') await this.deps.refreshActive();
    return current ? endedError(current) : noRollout();
  }
}

/** A publish, a rollback or another rollout while rollout `id` runs. */
export function rolloutRunningError(id: string): RuntimeError {
  return new RuntimeError(
    'ROLLOUT_RUNNING',
    `rollout ${id} is running: promote it or abort it first (POST /v1/rollouts/current/promote or …/abort)`,
    { rolloutId: id },
  );
}

function noRollout(): RuntimeError {
  return new RuntimeError('NO_ROLLOUT', 'no rollout has been started on this runtime');
}

function endedError(rollout: StoredRollout): RuntimeError {
  return new RuntimeError('ROLLOUT_ENDED', `rollout ${rollout.id} has ended (${rollout.state})`, {
    rolloutId: rollout.id,
  });
}
