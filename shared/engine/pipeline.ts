import { engineErrorCodes } from './types';
import type {
  EngineClock,
  EngineErrorCode,
  ExecutionPlan,
  IdSource,
  JsonObject,
  JsonValue,
  PipelineResult,
  ScriptContext,
  ScriptError,
  ScriptOutcome,
  ScriptRunner,
  ScriptUnit,
  SpanEvent,
  TraceSpan,
  Trace,
} from './types';
import { copyJson, describeConflict, mergeLayer, type EnrichmentContribution } from './merge';
import { interpretBlockingValue, interpretEnrichmentValue } from './outcome';
import { effectiveTimeoutMs } from './plan';
import { errorText, makeSpan, scriptSpans, unixNano, warningEvent } from './otlp';

// Runs one hook's plan on one event: layers in order, the scripts of a layer concurrently, each
// with its own deep copy of the event and of ctx. The event is trusted: callers validate it at
// their boundary (validateEvent, parseRecordedEvents, readEventInput).
//
// Failures, per mode (docs/engine.md, "Pipelines"):
// - blocking: a script error, limit or INVALID_RESULT follows the script's onError: `deny` (the
//   default; reason `script "<id>" failed (<CODE>)`, code <CODE>, so that no internal message
//   reaches a host app's user) or `allow` (the script counts as allowing). The first deny in layer
//   order ends the pipeline after its layer; later layers do not run.
// - enrichment: a failed script contributes nothing; the other scripts' data is still merged and
//   later layers still run, because a missing claim is better than a failed sign-in.
// - async: every script runs; failures are recorded.
// In every mode a failed script's `results` entry is null, `result.ok` is false and `result.error`
// is the first failure (layer order, then layer position), even when onError allowed. A runner
// that rejects instead of answering counts as that script failing (its error code if it carries
// one of ours, e.g. QUEUE_FULL, else RUNTIME_ERROR).
//
// Spans and their attribute names (pipeline.*, script.*) are built and documented in otlp.ts.

interface Deny {
  scriptId: string;
  reason: string;
  code?: string;
}

export async function runPipeline(
  input: { plan: ExecutionPlan; event: JsonObject },
  deps: { runner: ScriptRunner; clock: EngineClock; ids: IdSource },
): Promise<{ result: PipelineResult; trace: Trace }> {
  const { plan, event } = input;
  const { clock, ids } = deps;
  const traceId = ids.traceId();
  const rootId = ids.spanId();
  const startedAt = clock.now();

  let data: JsonObject = {};
  const results: Record<string, JsonValue> = {};
  const outcomes: ScriptOutcome[] = [];
  const warnings: string[] = [];
  const rootEvents: SpanEvent[] = [];
  const childSpans: TraceSpan[] = [];
  let firstError: (ScriptError & { scriptId: string }) | undefined;
  let deny: Deny | undefined;
  let layersRun = 0;

  for (const [index, layer] of plan.layers.entries()) {
    const layerNumber = index + 1;
    layersRun = layerNumber;
    const layerId = ids.spanId();
    const layerStart = clock.now();
    const ctx: ScriptContext = { hook: plan.hook, data, results, env: plan.env };
    const ran = await Promise.all(layer.map((script) => runScript(deps, plan, script, event, ctx)));
    const layerEnd = clock.now();

    const contributions: EnrichmentContribution[] = [];
    const layerSpans: TraceSpan[] = [];
    let failed = 0;
    layer.forEach((script, position) => {
      const judged = judge(plan, script, ran[position] as ScriptOutcome);
      outcomes.push(judged.outcome);
      results[script.id] = judged.outcome.ok ? (judged.outcome.value ?? null) : null;
      if (judged.outcome.error) {
        failed += 1;
        firstError ??= { ...judged.outcome.error, scriptId: script.id };
      }
      if (judged.deny && !deny) deny = judged.deny;
      if (judged.merge) contributions.push({ scriptId: script.id, value: judged.merge });
      layerSpans.push(
        ...scriptSpans({
          traceId,
          parentSpanId: layerId,
          ids,
          script,
          outcome: judged.outcome,
          layerNumber,
          timeoutMs: effectiveTimeoutMs(plan, script),
          onError: plan.mode === 'blocking' ? (script.onError ?? 'deny') : undefined,
          decision: judged.decision,
        }),
      );
    });

    if (plan.mode === 'enrichment') {
      const merged = mergeLayer(data, contributions);
      data = merged.data;
      const time = unixNano(layerEnd);
      for (const conflict of merged.conflicts) {
        const message = describeConflict(conflict, layerNumber);
        warnings.push(message);
        rootEvents.push(
          warningEvent(time, 'merge_conflict', message, layerNumber, {
            'pipeline.merge.path': conflict.path,
            'pipeline.merge.winner': conflict.winner,
            'pipeline.merge.overridden': conflict.overridden,
          }),
        );
      }
      for (const dropped of merged.droppedKeys) {
        const message = `layer ${layerNumber}: key "${dropped.path}" from script "${dropped.scriptId}" was dropped (it could reach an object prototype)`;
        warnings.push(message);
        rootEvents.push(
          warningEvent(time, 'dropped_key', message, layerNumber, { 'pipeline.merge.path': dropped.path }),
        );
      }
    }

    childSpans.push(
      makeSpan({
        traceId,
        spanId: layerId,
        parentSpanId: rootId,
        name: `layer ${layerNumber}`,
        kind: 'layer',
        startMs: layerStart,
        endMs: layerEnd,
        error: failed === 0 ? undefined : `${failed} of ${layer.length} scripts failed`,
        attributes: {
          'pipeline.layer': layerNumber,
          'pipeline.layer.scripts': layer.length,
          'pipeline.layer.failed': failed,
        },
      }),
      ...layerSpans,
    );
    if (deny) break;
  }

  const endedAt = clock.now();
  const result: PipelineResult = {
    hook: plan.hook,
    mode: plan.mode,
    ok: firstError === undefined,
    results,
    warnings,
    durationMs: Math.max(0, endedAt - startedAt),
    traceId,
    scripts: outcomes,
  };
  if (plan.mode === 'blocking') {
    result.allow = deny === undefined;
    if (deny) result.reason = deny.reason;
    if (deny?.code !== undefined) result.code = deny.code;
  }
  if (plan.mode === 'enrichment') result.data = data;
  if (firstError) result.error = firstError;

  const rootAttributes: TraceSpan['attributes'] = {
    'pipeline.hook': plan.hook,
    'pipeline.mode': plan.mode,
    'pipeline.plan_key': plan.key,
    'pipeline.layers': plan.layers.length,
    'pipeline.layers_run': layersRun,
    'pipeline.ok': result.ok,
    'pipeline.warnings': warnings.length,
  };
  if (plan.mode === 'blocking') rootAttributes['pipeline.decision'] = deny ? 'deny' : 'allow';
  if (deny) {
    rootAttributes['pipeline.reason'] = deny.reason;
    rootAttributes['pipeline.denied_by'] = deny.scriptId;
    if (deny.code !== undefined) rootAttributes['pipeline.code'] = deny.code;
  }
  if (firstError) {
    rootAttributes['pipeline.error.code'] = firstError.code;
    rootAttributes['pipeline.error.script'] = firstError.scriptId;
  }
  const rootError = firstError ? `script "${firstError.scriptId}": ${errorText(firstError)}` : undefined;
  const root = makeSpan({
    traceId,
    spanId: rootId,
    name: `hook ${plan.hook}`,
    kind: 'hook',
    startMs: startedAt,
    endMs: endedAt,
    error: rootError,
    attributes: rootAttributes,
    events: rootEvents,
  });
  return { result, trace: { traceId, hook: plan.hook, spans: [root, ...childSpans] } };
}

/** Runs one script with its own copies of the event and ctx; a rejected run becomes a failed outcome. */
async function runScript(
  deps: { runner: ScriptRunner; clock: EngineClock },
  plan: ExecutionPlan,
  script: ScriptUnit,
  event: JsonObject,
  ctx: ScriptContext,
): Promise<ScriptOutcome> {
  const startedAt = deps.clock.now();
  try {
    const outcome = await deps.runner.run({
      script,
      hook: plan.hook,
      event: copyJson(event),
      ctx: { hook: ctx.hook, data: copyJson(ctx.data), results: copyJson(ctx.results), env: { ...ctx.env } },
      limits: { ...plan.limits, timeoutMs: effectiveTimeoutMs(plan, script) },
      secretNames: [...plan.secretNames],
    });
    return { ...outcome, scriptId: script.id, logs: outcome.logs ?? [], fetches: outcome.fetches ?? [] };
  } catch (thrown) {
    const code = errorCodeOf(thrown) ?? 'RUNTIME_ERROR';
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return {
      scriptId: script.id,
      ok: false,
      error: { code, message },
      logs: [],
      instructions: 0,
      memoryPeakBytes: 0,
      startedAt,
      durationMs: Math.max(0, deps.clock.now() - startedAt),
      fetches: [],
    };
  }
}

function errorCodeOf(thrown: unknown): EngineErrorCode | undefined {
  const code = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  return engineErrorCodes.find((known) => known === code);
}

interface Judged {
  outcome: ScriptOutcome;
  deny?: Deny;
  merge?: JsonObject;
  decision?: 'allow' | 'deny';
}

/** What one script's outcome means for the hook's mode (see the rules at the top of this file). */
function judge(plan: ExecutionPlan, script: ScriptUnit, outcome: ScriptOutcome): Judged {
  let failed = outcome;
  if (outcome.ok && plan.mode === 'blocking') {
    const verdict = interpretBlockingValue(outcome.value);
    if (verdict.kind === 'allow') return { outcome, decision: 'allow' };
    if (verdict.kind === 'deny') {
      const deny: Deny = { scriptId: script.id, reason: verdict.reason ?? `denied by script "${script.id}"` };
      if (verdict.code !== undefined) deny.code = verdict.code;
      return { outcome, deny, decision: 'deny' };
    }
    failed = invalid(outcome, verdict.message);
  } else if (outcome.ok && plan.mode === 'enrichment') {
    const value = interpretEnrichmentValue(outcome.value);
    if (value.kind === 'merge') return { outcome, merge: value.value };
    failed = invalid(outcome, value.message);
  } else if (outcome.ok) {
    return { outcome };
  }
  if (!failed.error)
    failed = { ...failed, ok: false, error: { code: 'RUNTIME_ERROR', message: 'the script failed without an error' } };
  if (plan.mode !== 'blocking') return { outcome: failed };
  if (script.onError === 'allow') return { outcome: failed, decision: 'allow' };
  const code = failed.error?.code ?? 'RUNTIME_ERROR';
  return {
    outcome: failed,
    decision: 'deny',
    deny: { scriptId: script.id, reason: `script "${script.id}" failed (${code})`, code },
  };
}

function invalid(outcome: ScriptOutcome, message: string): ScriptOutcome {
  return { ...outcome, ok: false, error: { code: 'INVALID_RESULT', message: `INVALID_RESULT: ${message}` } };
}
