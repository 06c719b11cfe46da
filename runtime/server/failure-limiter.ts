// Slows down guessing: authentication failures are counted per client address in a fixed window
// (starting at the address's first failure); once `max` failures fall in one window, every request
// from that address that needs a token is answered 429 with Retry-After until the window ends,
// without looking at the token. A success does not reset the count. The map is bounded: when full,
// expired windows are dropped first, then the oldest.

export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly capacity = 50_000,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfterMs(address: string, now = Date.now()): number {
    const window = this.windows.get(address);
    if (!window) return 0;
    const end = window.start + this.windowMs;
    if (now >= end) {
      this.windows.delete(address);
      return 0;
    }
    return window.failures >= this.max ? end - now : 0;
  }

  fail(address: string, now = Date.now()): void {
    let window = this.windows.get(address);
    if (!window || now >= window.start + this.windowMs) {
      if (!window && this.windows.size >= this.capacity) this.evict(now);
      window = { start: now, failures: 0 };
      this.windows.set(address, window);
    }
    window.failures++;
  }

  private evict(now: number): void {
    for (const [address, window] of this.windows) {
      if (now >= window.start + this.windowMs) this.windows.delete(address);
    }
    if (this.windows.size >= this.capacity) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
  }
}
