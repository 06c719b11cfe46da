import { planHook, type Bundle, type ExecutionPlan } from '../shared/engine';
import { scriptHash } from '../shared/engine/node/bundle-files';
import { hookIds, type HookId } from '../shared/hooks';
import type { RuntimeConfig } from './config';
import type { StoredBundleVersion } from './storage/types';

// What an invocation reads: one immutable object holding the active version and a ready plan per
// hook. Activation builds a new set and replaces the runtime's reference in one assignment after
// the storage committed, so a request that took the reference before sees the old bundle whole and
// every later one the new bundle whole: never a mix. Plans are built once here (the pool caches
// them in its workers by key, `<bundle hash>:<hook>`), with each script's timeout capped a little
// below its hook's deadline (by a fifth, at most 100 ms), so that one slow script is stopped by
// the engine and settled by its own onError, named in the answer, before the deadline fires.

export interface ActivePlanSet {
  readonly version: StoredBundleVersion | undefined;
  readonly hash: string | null;
  readonly plans: ReadonlyMap<HookId, ExecutionPlan>;
  /** Secret names the bundle declares: the only ones a script can read (and the runtime masks). */
  readonly secretNames: readonly string[];
}

export const emptyPlanSet: ActivePlanSet = Object.freeze({
  version: undefined,
  hash: null,
  plans: new Map(),
  secretNames: [],
});

export function deadlineOf(config: RuntimeConfig, plan: Pick<ExecutionPlan, 'mode'>): number {
  const { deadlines } = config;
  return plan.mode === 'blocking'
    ? deadlines.blockingMs
    : plan.mode === 'enrichment'
      ? deadlines.enrichmentMs
      : deadlines.asyncMs;
}

/** The longest a script may run within a hook deadline: a margin is left for the engine to answer. */
export function scriptCapOf(deadlineMs: number): number {
  return Math.max(1, deadlineMs - Math.min(100, Math.floor(deadlineMs / 5)));
}

/** The plans of a bundle, one per configured hook; built before its activation commits. */
export function buildPlans(bundle: Bundle, hash: string, config: RuntimeConfig): ReadonlyMap<HookId, ExecutionPlan> {
  const hashes: Record<string, string> = {};
  for (const [id, script] of Object.entries(bundle.scripts)) hashes[id] = scriptHash(script.source);
  const plans = new Map<HookId, ExecutionPlan>();
  for (const hook of hookIds) {
    const plan = planHook(bundle, hook, { bundleHash: hash, scriptHashes: hashes });
    if (plan.layers.length === 0) continue;
    const deadline = scriptCapOf(deadlineOf(config, plan));
    plan.limits.timeoutMs = Math.min(plan.limits.timeoutMs, deadline);
    for (const layer of plan.layers) {
      for (const script of layer) {
        if (script.timeoutMs !== undefined) script.timeoutMs = Math.min(script.timeoutMs, deadline);
      }
    }
    plans.set(hook, Object.freeze(plan));
  }
  return plans;
}

export function buildPlanSet(
  version: StoredBundleVersion,
  config: RuntimeConfig,
  plans = buildPlans(version.bundle, version.hash, config),
): ActivePlanSet {
  return Object.freeze({ version, hash: version.hash, plans, secretNames: Object.freeze([...version.bundle.secrets]) });
}
