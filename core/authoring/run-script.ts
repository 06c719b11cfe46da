import {
  defaultLimits,
  interpretBlockingValue,
  interpretEnrichmentValue,
  type JsonObject,
  type JsonValue,
  type LogEntry,
  type ScriptError,
  type ScriptOutcome,
  type SecretProvider,
  type Trace,
} from '../../shared/engine';
import { EngineError, singleScriptPlan, type EnginePool } from '../../shared/engine/node';
import { scriptHash } from '../../shared/engine/node/bundle-files';
import { modeOf, type HookId } from '../../shared/hooks';

// One script on one event, as the CLI's `run` and the editor's Run button both do it, and what its
// value means for the hook. Shared so that the two can never judge the same run differently.
// The script runs as a pipeline of one layer, the same job as a replay's, so the run has a trace.

export interface SingleScriptRun {
  pool: EnginePool;
  /** Shown in logs and errors; the file name on the CLI, "draft" in the editor. */
  scriptId: string;
  source: string;
  hook: HookId;
  /** An already validated payload. */
  event: JsonObject;
  /** Pipeline variables (helpers.env, ctx.env). */
  env: Record<string, string>;
  /** Names helpers.secret may read; any other is SECRET_NOT_FOUND. */
  secretNames: readonly string[];
  /** Where this run's helpers.secret values come from; the pool's own provider otherwise. */
  secrets?: SecretProvider;
  timeoutMs?: number;
}

export interface SingleScriptResult {
  /** The script's own outcome, as the sandbox produced it: judgeScriptRun says what it means. */
  outcome: ScriptOutcome;
  /** The run's trace; null when the engine lost the run before it finished (its worker stopped twice). */
  trace: Trace | null;
}

export type DecisionKind = 'allow' | 'deny' | 'data' | 'recorded' | 'error';

export interface ScriptRunVerdict {
  /** false when the script failed or its value is not what its hook accepts (INVALID_RESULT). */
  ok: boolean;
  decision: { kind: DecisionKind; reason?: string; code?: string };
  result: JsonValue;
  error: ScriptError | null;
  logs: LogEntry[];
  logsDropped?: { entries: number; bytes: number };
  durationMs: number;
  instructions: number;
}

/**
 * Rejects only when the pool refuses the run (EngineError with `refused`: queue full, closed, or
 * workers that cannot start); a run the engine lost after it started is a failed outcome.
 */
export async function runSingleScript(run: SingleScriptRun): Promise<SingleScriptResult> {
  const { pool, scriptId, source, hook, event, env, secretNames, secrets, timeoutMs } = run;
  const plan = singleScriptPlan({
    script: { id: scriptId, source, contentHash: scriptHash(source) },
    hook,
    mode: modeOf(hook),
    env,
    secretNames,
    limits: { ...defaultLimits, ...(timeoutMs ? { timeoutMs } : {}) },
  });
  try {
    const { result, trace } = await pool.runPipeline(plan, event, secrets ? { secrets } : {});
    const outcome = result.scripts[0];
    if (!outcome) throw new Error('the one-layer plan ran no script');
    return { outcome: scriptsOwnOutcome(outcome), trace };
  } catch (error) {
    if (!(error instanceof EngineError) || error.refused) throw error;
    return { outcome: lostOutcome(scriptId, error), trace: null };
  }
}

/**
 * The pipeline (shared/engine/pipeline.ts) turns a value its hook does not accept into an
 * INVALID_RESULT failure that keeps the value, and the sandbox never gives a failed outcome a
 * value: so a failed outcome with a value is a script that returned. Undone here, judgeScriptRun
 * judges it as it judges every run, in the same words for the editor and the CLI.
 */
export function scriptsOwnOutcome(outcome: ScriptOutcome): ScriptOutcome {
  if (outcome.ok || outcome.error?.code !== 'INVALID_RESULT' || outcome.value === undefined) return outcome;
  const { error: _judged, ...returned } = outcome;
  return { ...returned, ok: true };
}

function lostOutcome(scriptId: string, error: EngineError): ScriptOutcome {
  return {
    scriptId,
    ok: false,
    error: { code: error.code, message: error.message },
    logs: [],
    instructions: 0,
    memoryPeakBytes: 0,
    startedAt: Date.now(),
    durationMs: 0,
    fetches: [],
  };
}

/** Microseconds are the clock's real resolution; more digits only make the output noisy. */
const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;

/** What the script's value means for its hook: an invalid value turns into INVALID_RESULT. */
export function judgeScriptRun(hook: HookId, outcome: ScriptOutcome): ScriptRunVerdict {
  const verdict: ScriptRunVerdict = {
    ok: outcome.ok,
    decision: { kind: 'error' },
    result: outcome.value ?? null,
    error: outcome.error ?? null,
    logs: outcome.logs.map((log) => ({ ...log, t: roundMs(log.t) })),
    durationMs: roundMs(outcome.durationMs),
    instructions: outcome.instructions,
  };
  if (outcome.logsDropped) verdict.logsDropped = outcome.logsDropped;
  if (!outcome.ok) {
    if (outcome.error) verdict.decision.code = outcome.error.code;
    return verdict;
  }
  const mode = modeOf(hook);
  if (mode === 'async') {
    verdict.decision = { kind: 'recorded' };
    return verdict;
  }
  const judged = mode === 'blocking' ? interpretBlockingValue(outcome.value) : interpretEnrichmentValue(outcome.value);
  if (judged.kind === 'invalid') {
    verdict.ok = false;
    verdict.error = { code: 'INVALID_RESULT', message: judged.message };
    verdict.decision = { kind: 'error', code: 'INVALID_RESULT' };
  } else if (judged.kind === 'deny') {
    verdict.decision = { kind: 'deny' };
    if (judged.reason !== undefined) verdict.decision.reason = judged.reason;
    if (judged.code !== undefined) verdict.decision.code = judged.code;
  } else {
    verdict.decision = { kind: judged.kind === 'allow' ? 'allow' : 'data' };
  }
  return verdict;
}
