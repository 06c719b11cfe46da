import { defaultLimits } from '../shared/engine';
import type { EnginePool } from '../shared/engine/node';

/**
 * One trivial run per worker before the first request: a cold worker (wasm compiled, engine made)
 * takes hundreds of milliseconds, which would otherwise land on the first invocations' deadlines.
 */
export async function warmUp(pool: EnginePool): Promise<void> {
  const script = { id: 'warm-up', source: 'return true', contentHash: 'warm-up' };
  const request = {
    script,
    hook: 'signup.before' as const,
    event: {},
    ctx: { hook: 'signup.before' as const, data: {}, results: {}, env: {} },
    limits: { ...defaultLimits },
    secretNames: [],
  };
  // The pool sends each to the least busy worker: as many at once as there are workers reach all.
  await Promise.all(Array.from({ length: pool.stats().workers }, () => pool.runScript(request)));
}
