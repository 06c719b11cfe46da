// Polls while a run is running: the next poll is scheduled only after the previous answer, so a
// slow answer never stacks requests, and it stops when the poll says so or when its owner stops it
// (the view unmounted).

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `poll` now and then `intervalMs` after each answer while it resolves true. A rejected poll
 * counts as "keep going" (a transient failure). Returns `stop`.
 */
export function startPolling(
  poll: () => Promise<boolean>,
  intervalMs: number,
  timers: Timers = browserTimers,
): () => void {
  let stopped = false;
  let handle: unknown = null;
  const tick = () => {
    handle = null;
    if (stopped) return;
    poll().then(
      (again) => {
        if (again && !stopped) handle = timers.set(tick, intervalMs);
      },
      () => {
        if (!stopped) handle = timers.set(tick, intervalMs);
      },
    );
  };
  tick();
  return () => {
    stopped = true;
    if (handle !== null) timers.clear(handle);
  };
}
