import type { HookMode } from '../../hooks/definitions';
import type { ExecutionPlan, ScriptLimits, ScriptRunRequest, ScriptUnit } from '../types';

// One script as a plan of one layer: how the editor's Run and the CLI's `run` go through the same
// pipeline job as a replay (and get its trace), and how the pool's runScript runs a lone request.

export interface SingleScript {
  script: Pick<ScriptUnit, 'id' | 'source' | 'contentHash'>;
  hook: ExecutionPlan['hook'];
  /** The hook's own mode, unless the caller wants the script's outcome unjudged ('async'). */
  mode: HookMode;
  env: Record<string, string>;
  secretNames: readonly string[];
  limits: ScriptLimits;
}

export function singleScriptPlan(single: SingleScript): ExecutionPlan {
  const { id, source, contentHash } = single.script;
  return {
    // Workers cache plans by key and content (plan-ids.ts): the same draft run again is not resent.
    key: `single:${id}:${contentHash}:${single.hook}:${single.mode}`,
    hook: single.hook,
    mode: single.mode,
    // Only the text and identity: the request's limits apply, not a timeout of the script's own.
    layers: [[{ id, source, contentHash }]],
    env: { ...single.env },
    secretNames: [...single.secretNames],
    limits: { ...single.limits },
  };
}

/**
 * The plan of EnginePool.runScript. Async mode, because there the pipeline records a script's
 * value as it is: the outcome comes back as the sandbox produced it, for the caller to judge.
 * ctx.env comes from the request; ctx.data and ctx.results start empty, as in any first layer.
 */
export function requestPlan(request: ScriptRunRequest): ExecutionPlan {
  return singleScriptPlan({
    script: request.script,
    hook: request.hook,
    mode: 'async',
    env: request.ctx.env,
    secretNames: request.secretNames,
    limits: request.limits,
  });
}
