import { compileFilter, searchableFields, type CompiledFilter, type TailFilter } from './tail-filter';
import { TailSampler, type SamplerCounts } from './tail-sampler';
import type { FinishedInvocation } from './tail-types';

// The runtime's live tail (docs/live-tail.md): every finished invocation is published here
// (runtime/invoke.ts) and handed to the followers whose filter it passes, sampled per follower
// when it cannot keep up (tail-sampler.ts). Publishing runs on the invocation's path: it costs
// one filter check per follower, allocates nothing per follower that is not sent to, and never
// throws (a follower that throws is removed and logged; the invocation goes on).

export type { TailFilter } from './tail-filter';

/** What a follower receives: invocations, and the share of matching ones it is sent. */
export type TailDelivery =
  { kind: 'invocation'; invocation: FinishedInvocation } | { kind: 'sampling'; rate: number; dropped: number };

export interface TailSubscription {
  close(): void;
  /** Lets the follower's window move on while nothing matches (a heartbeat), announcing a changed share. */
  tick(): void;
  /** Matching, sent and dropped since it opened, and the share over the recent window. */
  counts(): SamplerCounts;
}

export interface TailHubOptions {
  /** The clock sampling reads (tests freeze or step it). Default: Date.now. */
  now?: () => number;
  /** Followers at once; one more is refused (a limit on followers, not on traffic). Default 32. */
  maxFollowers?: number;
  /** Invocations a second a follower is sent at most, and the default. Default 200. */
  maxRate?: number;
  /** The window sampling measures and adapts over. Default 1 s. */
  windowMs?: number;
  /** Unsent bytes past which a follower is sent less. Default 256 KiB. */
  softBacklogBytes?: number;
  log?: (message: string) => void;
}

export interface FollowOptions {
  /** Invocations a second for this follower, 1 to the hub's `maxRate` (default: the hub's). */
  maxRate?: number;
  /** Bytes written to the follower and not yet taken by its connection. */
  backlog?: () => number;
}

export class TooManyFollowers extends Error {
  constructor(readonly limit: number) {
    super(`the live tail already has ${limit} followers on this instance`);
    this.name = 'TooManyFollowers';
  }
}

export const tailDefaults = {
  maxFollowers: 32,
  maxRate: 200,
  windowMs: 1000,
  softBacklogBytes: 256 * 1024,
} as const;

interface Follower {
  filter: CompiledFilter;
  sampler: TailSampler;
  deliver(delivery: TailDelivery): void;
}

export class TailHub {
  readonly maxFollowers: number;
  readonly maxRate: number;
  readonly softBacklogBytes: number;
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly log: (message: string) => void;
  private readonly active = new Set<Follower>();

  constructor(options: TailHubOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxFollowers = Math.max(1, Math.floor(options.maxFollowers ?? tailDefaults.maxFollowers));
    this.maxRate = Math.max(1, options.maxRate ?? tailDefaults.maxRate);
    this.windowMs = Math.max(1, options.windowMs ?? tailDefaults.windowMs);
    this.softBacklogBytes = options.softBacklogBytes ?? tailDefaults.softBacklogBytes;
    this.log = options.log ?? ((message) => process.stderr.write(`pipeline-runtime: ${message}\n`));
  }

  publish(invocation: FinishedInvocation): void {
    if (this.active.size === 0) return;
    const searchable = searchableFields(invocation);
    // Deleting the current entry while iterating a Set is safe, and no follower is visited twice.
    for (const follower of this.active) {
      try {
        this.offer(follower, invocation, searchable);
      } catch (error) {
        this.remove(follower, error);
      }
    }
  }

  /**
   * Follows the invocations that pass `filter`. The first delivery, before this returns, is the
   * opening share (`rate` 1). Throws TooManyFollowers when the hub is full.
   */
  subscribe(
    filter: TailFilter,
    deliver: (delivery: TailDelivery) => void,
    options: FollowOptions = {},
  ): TailSubscription {
    if (this.active.size >= this.maxFollowers) throw new TooManyFollowers(this.maxFollowers);
    const maxRate = Math.min(this.maxRate, Math.max(1, options.maxRate ?? this.maxRate));
    const follower: Follower = {
      filter: compileFilter(filter),
      sampler: new TailSampler({
        maxRate,
        windowMs: this.windowMs,
        now: this.now,
        backlog: options.backlog ?? (() => 0),
        softBacklogBytes: this.softBacklogBytes,
      }),
      deliver,
    };
    this.active.add(follower);
    try {
      deliver({ kind: 'sampling', ...follower.sampler.opening() });
    } catch (error) {
      this.remove(follower, error);
    }
    return {
      close: () => {
        this.active.delete(follower);
      },
      tick: () => {
        if (!this.active.has(follower)) return;
        try {
          const report = follower.sampler.tick();
          if (report) follower.deliver({ kind: 'sampling', ...report });
        } catch (error) {
          this.remove(follower, error);
        }
      },
      counts: () => follower.sampler.counts(),
    };
  }

  get followers(): number {
    return this.active.size;
  }

  private offer(follower: Follower, invocation: FinishedInvocation, searchable: () => readonly string[]): void {
    if (!follower.filter.matches(invocation, searchable)) {
      const report = follower.sampler.tick();
      if (report) follower.deliver({ kind: 'sampling', ...report });
      return;
    }
    const { send, report } = follower.sampler.offer();
    if (send) follower.deliver({ kind: 'invocation', invocation });
    if (report) follower.deliver({ kind: 'sampling', ...report });
  }

  private remove(follower: Follower, error: unknown): void {
    this.active.delete(follower);
    try {
      this.log(
        `a live tail follower failed and was removed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } catch {
      // Logging must not be what breaks an invocation either.
    }
  }
}
