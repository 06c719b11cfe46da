// One follower's share of the live tail (docs/live-tail.md, "Sampling"). A follower is never
// refused for being busy; instead it is sent every `stride`-th matching invocation (counted since
// its stream opened; the stride is a power of two, so a coarser stride keeps a subset of a finer
// one's picks). The stride widens when the follower's budget (a token bucket of `maxRate`
// invocations a second, one second of burst) or its unsent bytes run out, and is chosen afresh at
// each window from how many invocations matched in the last one, so it narrows again, down to
// every one, when the follower keeps up. What it reports is measured, not intended: `rate` is
// sent / matching over the recent window (the current one and the one before).

export interface SamplerOptions {
  /** Invocations a second the follower may be sent. */
  maxRate: number;
  /** Length of a window, in the clock's milliseconds. */
  windowMs: number;
  now(): number;
  /** Bytes written to the follower and not yet taken by its connection (0 when unknown). */
  backlog(): number;
  /** Past this many unsent bytes, nothing more is sent and the stride widens. */
  softBacklogBytes: number;
}

export interface SamplingReport {
  rate: number;
  dropped: number;
}

export interface SamplerCounts {
  matching: number;
  sent: number;
  dropped: number;
  /** The share measured over the recent window (1 when nothing matched in it). */
  rate: number;
}

/** A stride this wide keeps one invocation in about a million: plenty for any rate. */
const maxStride = 2 ** 20;
/** The stride is chosen so that the expected share uses at most this part of the budget. */
const headroom = 0.8;

interface WindowCounts {
  matching: number;
  sent: number;
}

export class TailSampler {
  private stride = 1;
  private matching = 0;
  private sent = 0;
  private dropped = 0;
  private tokens: number;
  private refilledAt: number;
  private windowStart: number;
  private current: WindowCounts = { matching: 0, sent: 0 };
  private previous: WindowCounts = { matching: 0, sent: 0 };
  private announced: SamplingReport = { rate: 1, dropped: 0 };

  constructor(private readonly options: SamplerOptions) {
    const now = options.now();
    this.tokens = options.maxRate;
    this.refilledAt = now;
    this.windowStart = now;
  }

  /** What the stream says when it opens. */
  opening(): SamplingReport {
    return { ...this.announced };
  }

  /**
   * Decides for one matching invocation: send it or not, and whether the share changed enough to
   * be announced (after the invocation, so the report counts it).
   */
  offer(): { send: boolean; report?: SamplingReport } {
    let changed = this.roll();
    this.refill();
    this.matching += 1;
    this.current.matching += 1;
    let send = false;
    if (this.matching % this.stride === 0) {
      if (this.tokens >= 1 && this.options.backlog() <= this.options.softBacklogBytes) {
        send = true;
        this.tokens -= 1;
        this.sent += 1;
        this.current.sent += 1;
      } else if (this.stride < maxStride) {
        // Over budget on a pick: keep half as many from now on.
        this.stride *= 2;
        changed = true;
      }
    }
    if (!send) {
      this.dropped += 1;
      // The first invocation left out after the stream last said "every one" is told at once.
      if (this.announced.rate === 1) changed = true;
    }
    const report = changed ? this.announce() : undefined;
    return report ? { send, report } : { send };
  }

  /** Moves to a new window if the clock says so (also while nothing matches); a report if it changed anything. */
  tick(): SamplingReport | undefined {
    return this.roll() ? this.announce() : undefined;
  }

  counts(): SamplerCounts {
    return { matching: this.matching, sent: this.sent, dropped: this.dropped, rate: this.rate() };
  }

  private rate(): number {
    const matching = this.previous.matching + this.current.matching;
    return matching === 0 ? 1 : (this.previous.sent + this.current.sent) / matching;
  }

  /** Starts a new window once the current one is over; true when it did (the share may have changed). */
  private roll(): boolean {
    const now = this.options.now();
    const elapsed = now - this.windowStart;
    if (elapsed < this.options.windowMs) return false;
    // A window with nothing after it for a whole window length is not "recent" any more.
    this.previous = elapsed < 2 * this.options.windowMs ? this.current : { matching: 0, sent: 0 };
    this.current = { matching: 0, sent: 0 };
    this.windowStart = now;
    const before = this.stride;
    this.stride = this.strideFor(this.previous.matching);
    if (this.options.backlog() > this.options.softBacklogBytes) {
      // The connection has not taken what it was sent: whatever the traffic, send less.
      this.stride = Math.min(maxStride, Math.max(this.stride, before * 2));
    }
    return true;
  }

  /** The narrowest stride whose share of `matching` fits the window's budget, with headroom. */
  private strideFor(matching: number): number {
    const budget = Math.max(1, (this.options.maxRate * this.options.windowMs * headroom) / 1000);
    let stride = 1;
    while (stride < maxStride && matching / stride > budget) stride *= 2;
    return stride;
  }

  private refill(): void {
    const now = this.options.now();
    // A clock that steps back gives nothing (and takes nothing).
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = Math.max(this.refilledAt, now);
    this.tokens = Math.min(this.options.maxRate, this.tokens + (elapsed * this.options.maxRate) / 1000);
  }

  /** The share and count now, unless they are what the follower was last told. */
  private announce(): SamplingReport | undefined {
    const rate = this.rate();
    if (rate === this.announced.rate && this.dropped === this.announced.dropped) return undefined;
    this.announced = { rate, dropped: this.dropped };
    return { ...this.announced };
  }
}
