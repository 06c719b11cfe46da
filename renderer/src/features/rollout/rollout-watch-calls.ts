import type { Result } from '@shared/contract';

// rollouts.watch and rollouts.unwatch of one page, per environment. The core counts its watchers
// (one per watch call); the page still counts its own panels and sends `watch` when the first
// starts and `unwatch` when the last stops, one call after the other: a page that reloads or
// closes without its unwatch then leaves one count behind in the core, not one per panel, and two
// calls in flight at once (a panel shown again right after it was left, or mounted twice in
// development) are never answered out of order.

type Call = (environment: string) => Promise<Result<unknown>>;

export interface WatchCalls {
  /** Counts a watcher in; the answer of the `watch` it caused (or of the last one sent). */
  acquire(environment: string): Promise<Result<unknown>>;
  release(environment: string): void;
}

export function watchCalls(watch: Call, unwatch: Call): WatchCalls {
  const watchers = new Map<string, number>();
  const lastCall = new Map<string, Promise<Result<unknown>>>();
  const chain = (environment: string, call: Call): Promise<Result<unknown>> => {
    const previous = lastCall.get(environment) ?? Promise.resolve({ ok: true, value: null } as Result<unknown>);
    const next = previous.then(
      () => call(environment),
      () => call(environment),
    );
    lastCall.set(environment, next);
    return next;
  };
  return {
    acquire(environment) {
      const count = (watchers.get(environment) ?? 0) + 1;
      watchers.set(environment, count);
      return count === 1 ? chain(environment, watch) : (lastCall.get(environment) ?? chain(environment, watch));
    },
    release(environment) {
      const count = (watchers.get(environment) ?? 0) - 1;
      if (count > 0) return void watchers.set(environment, count);
      watchers.delete(environment);
      void chain(environment, unwatch);
    },
  };
}
