import { buildPlanSet, buildPlans, emptyPlanSet, type ActivePlanSet } from './active-set';
import { checkPublishable } from './bundle-check';
import type { RuntimeConfig } from './config';
import { RuntimeError } from './errors';
import type { RolloutController } from './rollout/rollout-controller';
import { rolloutRunningError } from './rollout/rollout-lifecycle';
import type { RuntimeSecrets, Serially } from './runtime-secrets';
import type { ActivationResult, PublishRequest, RollbackRequest } from './runtime-types';
import type { RuntimeStorage, StoredBundleVersion } from './storage/types';

// Which bundle the runtime serves and how that changes: a publish, a rollback, a rollout's promote
// and another instance's activation read from the shared storage. The active plan set is one
// immutable object (active-set.ts) replaced in one assignment, never by an older version than the
// one in memory. The storage's compare-and-swap judges every activation; since this instance may
// be a notification behind, an If-Match that disagrees with memory re-reads the storage, in turn on
// the runtime's storage-change queue, before it is refused.

export interface ActivationDeps {
  storage: RuntimeStorage;
  config: RuntimeConfig;
  secrets: RuntimeSecrets;
  /** The runtime's storage-change queue: a refresh asked for here waits behind the changes queued before it. */
  serially: Serially;
  /** The rollout this instance knows of: while one runs, only its promote changes the active bundle. */
  rollouts: Pick<RolloutController, 'running' | 'refresh'>;
  log(message: string): void;
}

export class RuntimeActivation {
  private active: ActivePlanSet;

  constructor(
    private readonly deps: ActivationDeps,
    stored: StoredBundleVersion | undefined,
  ) {
    this.active = stored ? buildPlanSet(stored, deps.config) : emptyPlanSet;
  }

  /** The set an invocation runs: taken once when it arrives, so it sees one bundle whole. */
  current(): ActivePlanSet {
    return this.active;
  }

  async publish(request: PublishRequest): Promise<ActivationResult> {
    await this.checkExpected(request.expectedHash);
    await this.ensureNoRollout();
    const { bundle, hash } = await this.publishable(request.bundle);
    if (hash === this.active.hash && request.expectedHash === hash) return this.unchanged();
    return this.activate(request.expectedHash, {
      hash,
      bundle,
      publishedAt: Date.now(),
      author: request.author,
      message: request.message ?? '',
      kind: 'publish',
    });
  }

  async rollback(request: RollbackRequest): Promise<ActivationResult> {
    if (request.expectedHash !== undefined) await this.checkExpected(request.expectedHash);
    // Without If-Match the rollback applies over what is active now, wherever it was published.
    else await this.deps.serially(() => this.refreshActive());
    const target = await this.deps.storage.bundleVersion(request.version);
    if (!target) throw new RuntimeError('NOT_FOUND', `there is no version ${request.version}`);
    await this.ensureNoRollout();
    await this.deps.secrets.requireValues(target.bundle.secrets, `version ${request.version}`);
    const expected = request.expectedHash !== undefined ? request.expectedHash : this.active.hash;
    if (target.hash === this.active.hash && expected === target.hash) return this.unchanged();
    return this.activate(expected, {
      hash: target.hash,
      bundle: target.bundle,
      publishedAt: Date.now(),
      author: request.author,
      message: request.message ?? `rollback to version ${request.version}`,
      kind: 'rollback',
      restoredFrom: request.version,
    });
  }

  /** PRECONDITION_FAILED unless `expectedHash` is active (null: none), re-read from the storage first. */
  async checkExpected(expectedHash: string | null): Promise<void> {
    // Another instance may have published and its notification not arrived yet: read the storage
    // before refusing an If-Match that names a newer bundle than the one in memory.
    if (expectedHash !== this.active.hash) await this.deps.serially(() => this.refreshActive());
    if (expectedHash !== this.active.hash) {
      throw new RuntimeError('PRECONDITION_FAILED', preconditionMessage(this.active.hash), {
        activeHash: this.active.hash,
      });
    }
  }

  /** The bundle checked exactly like a publish's: its rules and its declared secrets' values. */
  async publishable(candidate: unknown) {
    const declared = (candidate as { secrets?: unknown } | null)?.secrets;
    if (Array.isArray(declared)) await this.deps.secrets.ensureKnown(declared);
    return checkPublishable(candidate, this.deps.secrets.names());
  }

  /** A rollout's promote committed `version`: it becomes the active set unless a newer one is. */
  promoted(version: StoredBundleVersion, plans: ReturnType<typeof buildPlans> | undefined): void {
    const set = buildPlanSet(
      version,
      this.deps.config,
      plans ?? buildPlans(version.bundle, version.hash, this.deps.config),
    );
    if ((this.active.version?.version ?? 0) < version.version) this.active = set;
  }

  /**
   * Swaps in the storage's active version if it is newer than the one in memory. Runs only as work
   * of the storage-change queue (the runtime's `serially`), so refreshes never overtake each other.
   */
  async refreshActive(): Promise<void> {
    const stored = await this.deps.storage.activeVersion();
    if (!stored || stored.version <= (this.active.version?.version ?? 0)) return;
    // Planned before the swap, which is one assignment; never over a newer set (re-checked: the
    // read above awaited, and a local publish may have swapped meanwhile).
    const set = buildPlanSet(stored, this.deps.config);
    if ((this.active.version?.version ?? 0) < stored.version) {
      this.active = set;
      this.deps.log(`now serving version ${stored.version} (${stored.hash}), read from the shared storage`);
    }
  }

  /**
   * ROLLOUT_RUNNING while a rollout runs, even for a publish or rollback that would change nothing:
   * the active bundle is the rollout's base until its promote or abort. Memory is confirmed against
   * the storage (the rollout may have ended through another instance); the storage's activate
   * refuses a rollout this instance has not heard of yet.
   */
  private async ensureNoRollout(): Promise<void> {
    if (!this.deps.rollouts.running()) return;
    await this.deps.rollouts.refresh();
    const running = this.deps.rollouts.running();
    if (running) throw rolloutRunningError(running.id);
  }

  private unchanged(): ActivationResult {
    const { bundle: _bundle, ...record } = this.active.version as StoredBundleVersion;
    return { changed: false, active: record };
  }

  private async activate(
    expectedHash: string | null,
    next: Parameters<RuntimeStorage['activate']>[1],
  ): Promise<ActivationResult> {
    // Planned before the commit: nothing that could fail is left between the commit and the swap.
    const plans = buildPlans(next.bundle, next.hash, this.deps.config);
    const result = await this.deps.storage.activate(expectedHash, next);
    if (!result.ok && result.rolloutId !== undefined) {
      throw rolloutRunningError(result.rolloutId);
    }
    if (!result.ok) {
      throw new RuntimeError('PRECONDITION_FAILED', preconditionMessage(result.activeHash), {
        activeHash: result.activeHash,
      });
    }
    // Committed: swap the whole plan set in one assignment. An activation that committed earlier
    // but resolves later (a networked storage) must not replace a newer one.
    const set = buildPlanSet(result.active, this.deps.config, plans);
    if ((this.active.version?.version ?? 0) < result.active.version) this.active = set;
    const { bundle: _bundle, ...record } = result.active;
    return { changed: true, active: record };
  }
}

function preconditionMessage(activeHash: string | null): string {
  return activeHash === null
    ? 'no bundle is active: publish with If-Match: *'
    : `the active bundle is ${activeHash}: someone published meanwhile; fetch it and retry`;
}
