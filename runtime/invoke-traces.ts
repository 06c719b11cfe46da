import type { ExecutionPlan, Trace } from '../shared/engine';
import { makeSpan } from '../shared/engine/otlp';
import type { HookAnswer } from './invoke-answers';
import { newTraceId } from './ids';

// The traces of an invocation (runtime/invoke.ts): the engine's, re-identified with the trace id
// the answer named and labelled with the version and rollout role, or one made here for a run the
// engine gave nothing back for.

/** A rollout's part in an invocation (docs/rollouts.md): who decided, or `shadow` for a run beside the answer. */
export interface RolloutRole {
  id: string;
  role: 'active' | 'candidate' | 'shadow';
}

export function withTraceId(trace: Trace, traceId: string): Trace {
  trace.traceId = traceId;
  for (const span of trace.spans) span.traceId = traceId;
  return trace;
}

/** The root span names the version that ran and, during a rollout, the run's part in it. */
export function labelTrace(trace: Trace, version: number | null, rollout: RolloutRole | undefined): void {
  const root = trace.spans[0];
  if (!root) return;
  if (version !== null) root.attributes['runtime.bundle_version'] = version;
  if (rollout) {
    root.attributes['runtime.rollout_id'] = rollout.id;
    root.attributes['runtime.rollout_role'] = rollout.role;
  }
}

export function lateTrace(trace: Trace, answer?: HookAnswer): Trace {
  const root = trace.spans[0];
  if (root) {
    root.attributes['runtime.deadline_exceeded'] = true;
    if (answer?.allow !== undefined) root.attributes['runtime.answer'] = answer.allow ? 'allow' : 'deny';
  }
  return trace;
}

/** A trace for a run the engine gave nothing back for (refused, or failed outside the scripts). */
export function failureTrace(
  traceId: string,
  plan: ExecutionPlan,
  startedAt: number,
  code: string,
  message: string,
  answer?: HookAnswer,
): Trace {
  const attributes: Record<string, string | number | boolean> = {
    'pipeline.hook': plan.hook,
    'pipeline.mode': plan.mode,
    'pipeline.plan_key': plan.key,
    'pipeline.layers': plan.layers.length,
    'pipeline.ok': false,
    'pipeline.error.code': code,
  };
  if (code === 'TIMEOUT') attributes['runtime.deadline_exceeded'] = true;
  if (answer?.allow !== undefined) attributes['runtime.answer'] = answer.allow ? 'allow' : 'deny';
  const root = makeSpan({
    traceId,
    spanId: newTraceId().slice(0, 16),
    name: `hook ${plan.hook}`,
    kind: 'hook',
    startMs: startedAt,
    endMs: Date.now(),
    error: `${code}: ${message}`,
    attributes,
  });
  return { traceId, hook: plan.hook, spans: [root] };
}
