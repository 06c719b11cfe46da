import type { ExecutionPlan, JsonObject, JsonValue, PipelineResult } from '../shared/engine';
import type { HookId, HookMode } from '../shared/hooks';
import type { ActivePlanSet } from './active-set';
import type { SecretMasker } from './secrets/secret-masker';
import type { FinishedInvocation, TailOutcome } from './tail/tail-types';

// What an invocation answers (runtime/invoke.ts runs it): the answer from the engine's result or,
// when the engine gave none in time, the fallback the hook's scripts' onError decide; the recorded
// outcome captured with the event; and the line the live tail is told.

export interface HookAnswer {
  hook: HookId;
  mode: HookMode;
  allow?: boolean;
  reason?: string;
  code?: string;
  data?: JsonObject;
  /** Async hooks: the run was accepted and continues in the background. */
  accepted?: true;
  /** The pipeline failed (a script error or limit, the deadline, the engine): the first code. */
  error?: { code: string; script?: string };
  traceId: string;
  /** The bundle version that decided (during a canary, the candidate's for its share); null: none active. */
  version: number | null;
}

export function answerOf(result: PipelineResult, traceId: string, version: number | null): HookAnswer {
  const answer: HookAnswer = { hook: result.hook, mode: result.mode, traceId, version };
  if (result.mode === 'blocking') {
    answer.allow = result.allow ?? true;
    if (result.reason !== undefined) answer.reason = result.reason;
    if (result.code !== undefined) answer.code = result.code;
  }
  if (result.mode === 'enrichment') answer.data = result.data ?? {};
  if (result.error) {
    answer.error = { code: result.error.code };
    if (result.error.scriptId !== undefined) answer.error.script = result.error.scriptId;
  }
  return answer;
}

export function maskAnswer(masker: SecretMasker, answer: HookAnswer): HookAnswer {
  if (masker.empty) return answer;
  if (answer.reason !== undefined) answer.reason = masker.text(answer.reason);
  if (answer.code !== undefined) answer.code = masker.text(answer.code);
  if (answer.data !== undefined) answer.data = masker.json(answer.data);
  return answer;
}

export function fallbackAnswer(
  plan: ExecutionPlan,
  traceId: string,
  code: string,
  deadlineMs: number,
  version: number | null,
): HookAnswer {
  const answer: HookAnswer = { hook: plan.hook, mode: plan.mode, traceId, version, error: { code } };
  if (plan.mode === 'blocking') {
    const allow = plan.layers.every((layer) => layer.every((script) => script.onError === 'allow'));
    answer.allow = allow;
    if (!allow) {
      answer.reason =
        code === 'TIMEOUT'
          ? `the pipeline did not finish within ${deadlineMs} ms (TIMEOUT)`
          : `the pipeline could not run (${code})`;
      answer.code = code;
    }
  }
  if (plan.mode === 'enrichment') answer.data = {};
  return answer;
}

/** The recorded `outcome` (docs/formats.md), in the replay line's field names (outcome.ts). */
export function outcomeOf(answer: HookAnswer, result?: PipelineResult): JsonObject {
  const outcome: JsonObject = {};
  if (answer.mode === 'blocking') {
    outcome.allow = answer.allow ?? true;
    if (answer.reason !== undefined) outcome.reason = answer.reason;
    if (answer.code !== undefined) outcome.code = answer.code;
  }
  if (answer.mode === 'enrichment') outcome.data = answer.data ?? {};
  if (answer.mode === 'async') outcome.results = result?.results ?? {};
  if (answer.error) outcome.error = { code: answer.error.code };
  return outcome;
}

/** What the live tail is told of a finished invocation. */
export function finishedInvocation(
  hook: HookId,
  mode: HookMode,
  set: ActivePlanSet,
  startedAt: number,
  traceId: string,
  outcome: JsonValue,
): FinishedInvocation {
  const fields = (outcome ?? {}) as { allow?: boolean; reason?: string; error?: { code?: string; script?: string } };
  const word: TailOutcome = fields.error
    ? 'error'
    : mode === 'blocking'
      ? fields.allow === false
        ? 'deny'
        : 'allow'
      : mode === 'enrichment'
        ? 'data'
        : 'accepted';
  const invocation: FinishedInvocation = {
    at: startedAt,
    hook,
    mode,
    outcome: word,
    version: set.version?.version ?? null,
    durationMs: Math.max(0, Date.now() - startedAt),
    traceId,
  };
  if (typeof fields.reason === 'string') invocation.reason = fields.reason;
  if (fields.error && typeof fields.error.code === 'string') {
    invocation.error = { code: fields.error.code };
    if (typeof fields.error.script === 'string') invocation.error.script = fields.error.script;
  }
  return invocation;
}
