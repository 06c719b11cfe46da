import {
  defaultLimits,
  interpretBlockingValue,
  interpretEnrichmentValue,
  type JsonObject,
  type JsonValue,
  type LogEntry,
  type ScriptError,
  type ScriptOutcome,
} from '../../shared/engine';
import type { EnginePool } from '../../shared/engine/node';
import { scriptHash } from '../../shared/engine/node/bundle-files';
import { modeOf, type HookId } from '../../shared/hooks';

// One script on one event, as the CLI's `run` and the editor's Run button both do it, and what its
// value means for the hook. Shared so that the two can never judge the same run differently.

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
  timeoutMs?: number;
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

export function runSingleScript(run: SingleScriptRun): Promise<ScriptOutcome> {
  const { pool, scriptId, source, hook, event, env, secretNames, timeoutMs } = run;
  return pool.runScript({
    script: { id: scriptId, source, contentHash: scriptHash(source) },
    hook,
    event,
    ctx: { hook, data: {}, results: {}, env },
    limits: { ...defaultLimits, ...(timeoutMs ? { timeoutMs } : {}) },
    secretNames,
  });
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
