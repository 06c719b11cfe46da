// SQLite waits for another connection's lock through its busy handler, but not everywhere: while
// a new file is being set up (the first `journal_mode = WAL`, or a WAL being recovered) a second
// process can get SQLITE_BUSY at once, whatever the busy timeout. Two processes opening a new data
// folder together (the app and the CLI, or several CLI commands from a script) then failed on a
// busy machine. Opening a connection is therefore retried here, with a short growing pause, for as
// long as the busy timeout would have waited.

export interface BusyRetryOptions {
  timeoutMs: number;
  /** Milliseconds since some fixed point (default: performance.now). */
  now?: () => number;
  /** Blocks for that long (default: Atomics.wait; opening a database is synchronous). */
  sleep?: (ms: number) => void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs `work`, again while it fails with SQLITE_BUSY and the timeout has not passed. */
export function retryWhileBusy<T>(work: () => T, options: BusyRetryOptions): T {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? sleepSync;
  const deadline = now() + Math.max(0, options.timeoutMs);
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      return work();
    } catch (error) {
      const left = deadline - now();
      if (!isBusyError(error) || left <= 0) throw error;
      sleep(Math.min(wait, left));
    }
  }
}
