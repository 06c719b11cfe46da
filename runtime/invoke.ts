import {
  defaultLimits,
  runPipeline,
  type ExecutionPlan,
  type JsonObject,
  type JsonValue,
  type PipelineResult,
  type Trace,
} from '../shared/engine';
import type { EnginePool } from '../shared/engine/node';
import { modeOf, type HookId, type HookMode } from '../shared/hooks';
import { deadlineOf, type ActivePlanSet } from './active-set';
import type { CaptureItem } from './capture/capture-writer';
import type { RuntimeConfig } from './config';
import { newEventId, newTraceId } from './ids';
import { answerOf, fallbackAnswer, finishedInvocation, maskAnswer, outcomeOf, type HookAnswer } from './invoke-answers';
import { failureTrace, labelTrace, lateTrace, withTraceId, type RolloutRole } from './invoke-traces';
import type { SecretMasker } from './secrets/secret-masker';
import type { InvocationObserver } from './tail/tail-types';

// One invocation of a hook: the active pipeline in the engine pool, bounded by the hook's deadline.
// Decisions of this runtime, where the engine's pipeline semantics say nothing (docs/runtime.md,
// "Invocations"):
// - no active bundle, or no layers for the hook: allow (blocking), no data (enrichment), nothing
//   to run (async). A runtime without a pipeline must not lock users out;
// - the deadline passes (or the engine cannot take the run: QUEUE_FULL, a closed pool): a blocking
//   hook denies unless every script of the pipeline says onError = "allow" (any of them could be
//   the one still running, and "deny" is the default); an enrichment hook adds nothing. The answer
//   carries `error.code` (TIMEOUT, QUEUE_FULL…) and a generic reason; the run, which cannot be
//   recalled from its worker, still finishes and its trace is stored with `runtime.deadline_exceeded`;
// - async (`.after`) hooks answer at once with `accepted` and the trace id; the run goes on in the
//   background (each script capped to the async deadline) and is traced and captured like the others;
// - the trace id is chosen here, before the run, so that an answer given at the deadline or at
//   once (async) names the trace that will be stored; the engine's ids are rewritten to it;
// - every answer names the version that decided it, and the trace's root span says it too
//   (`runtime.bundle_version`, and during a rollout `runtime.rollout_id` and `runtime.rollout_role`,
//   docs/rollouts.md).

export interface InvokeDeps {
  pool: EnginePool;
  config: RuntimeConfig;
  masker(set: ActivePlanSet): SecretMasker;
  capture(item: CaptureItem): void;
  /** Background (async hook) runs, so that close() and flush() can wait for them. */
  track(run: Promise<unknown>): void;
  /** Told of every invocation once it has finished (the live tail, runtime/tail/tail-hub.ts). */
  observe?: InvocationObserver;
  random?: () => number;
}

/** What a finished run tells the rollout's counts and shadow comparison. */
export interface FinishedRun {
  /** From arrival to the answer (sync hooks) or to the end of the background run (async hooks). */
  durationMs: number;
  /** The answer carries `error` (a script failure or limit, the deadline, the engine). */
  error: boolean;
  /** The recorded outcome (docs/formats.md), as captured. */
  outcome: JsonObject;
  traceId: string;
}

export interface InvokeOptions {
  rollout?: RolloutRole;
  /** false: the trace is kept but the event is not captured (a shadow run: the active run's is). */
  captureEvent?: boolean;
  /**
   * Told once per invocation, when its answer is known: sync hooks as they answer (at the deadline
   * for a run that passes it), async hooks when their background run ends. Must not throw.
   */
  onFinished?(run: FinishedRun): void;
}

type Settled =
  { kind: 'done'; result: PipelineResult; trace: Trace } | { kind: 'failed'; code: string; message: string };

export async function invokeHook(
  deps: InvokeDeps,
  set: ActivePlanSet,
  hook: HookId,
  event: JsonObject,
  options: InvokeOptions = {},
): Promise<HookAnswer> {
  const traceId = newTraceId();
  const startedAt = Date.now();
  const sampled = options.captureEvent !== false && (deps.random ?? Math.random)() < deps.config.capture.sampleRate;
  const masker = deps.masker(set);
  const plan = set.plans.get(hook);
  const mode = modeOf(hook);
  const version = set.version?.version ?? null;

  const finished = (outcome: JsonObject) => {
    options.onFinished?.({
      durationMs: Math.max(0, Date.now() - startedAt),
      error: outcome.error !== undefined && outcome.error !== null,
      outcome,
      traceId,
    });
  };

  /** `errorScript`: the failing script the answer names (the recorded outcome keeps the code only). */
  const record = (trace: Trace, outcome: JsonValue, errorScript?: string) => {
    labelTrace(trace, version, options.rollout);
    if (deps.observe) {
      const invocation = finishedInvocation(hook, mode, set, startedAt, traceId, outcome);
      if (invocation.error && errorScript !== undefined) invocation.error.script = errorScript;
      if (options.rollout) invocation.rollout = { ...options.rollout };
      deps.observe(invocation);
    }
    deps.capture({
      hook,
      trace,
      masker,
      // The event names the version that decided it, like the answer (a shadow run captures none).
      ...(sampled ? { event: { id: newEventId(startedAt), at: startedAt, payload: event, outcome, version } } : {}),
    });
  };

  if (!plan) {
    const { result, trace } = await runPipeline(
      { plan: emptyPlan(hook, mode), event },
      { runner: { run: () => Promise.reject(new Error('no scripts')) }, clock: wallClock, ids: fixedTraceId(traceId) },
    );
    const answer = answerOf(result, traceId, version);
    const outcome = outcomeOf(answer, result);
    record(trace, outcome);
    finished(outcome);
    return mode === 'async' ? { hook, mode, accepted: true, traceId, version } : answer;
  }

  const deadlineMs = deadlineOf(deps.config, plan);
  const run: Promise<Settled> = deps.pool.runPipeline(plan, event).then(
    ({ result, trace }) => ({ kind: 'done', result, trace: withTraceId(trace, traceId) }),
    (error: unknown) => ({
      kind: 'failed',
      code: typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'RUNTIME_ERROR',
      message: error instanceof Error ? error.message : String(error),
    }),
  );

  if (mode === 'async') {
    // Nobody waits for the answer, so there is no race: each script's limit is already capped to
    // the async deadline (active-set.ts), which bounds the run.
    const background = run.then((settled) => {
      if (settled.kind === 'done') {
        const answer = answerOf(settled.result, traceId, version);
        const outcome = outcomeOf(answer, settled.result);
        record(settled.trace, outcome, answer.error?.script);
        finished(outcome);
      } else {
        const outcome = { results: {}, error: { code: settled.code } };
        record(failureTrace(traceId, plan, startedAt, settled.code, settled.message), outcome);
        finished(outcome);
      }
    });
    deps.track(background);
    return { hook, mode, accepted: true, traceId, version };
  }

  const settled = await race(run, deadlineMs);
  if (settled.kind === 'done') {
    const answer = maskAnswer(masker, answerOf(settled.result, traceId, version));
    const outcome = outcomeOf(answer, settled.result);
    record(settled.trace, outcome, answer.error?.script);
    finished(outcome);
    return answer;
  }
  const code = settled.kind === 'deadline' ? 'TIMEOUT' : settled.code;
  const answer = fallbackAnswer(plan, traceId, code, deadlineMs, version);
  finished(outcomeOf(answer));
  if (settled.kind === 'deadline') {
    // The run finishes in its worker anyway: its trace is kept, marked, with what was answered.
    const late = run.then((late) => {
      const trace =
        late.kind === 'done'
          ? lateTrace(late.trace, answer)
          : failureTrace(traceId, plan, startedAt, late.code, late.message, answer);
      record(trace, outcomeOf(answer));
    });
    deps.track(late);
  } else {
    record(failureTrace(traceId, plan, startedAt, code, settled.message, answer), outcomeOf(answer));
  }
  return answer;
}

const wallClock = { now: () => performance.timeOrigin + performance.now() };

function fixedTraceId(traceId: string) {
  return { traceId: () => traceId, spanId: () => newTraceId().slice(0, 16) };
}

function emptyPlan(hook: HookId, mode: HookMode): ExecutionPlan {
  return { key: `none:${hook}`, hook, mode, layers: [], env: {}, secretNames: [], limits: defaultLimits };
}

function race(run: Promise<Settled>, deadlineMs: number): Promise<Settled | { kind: 'deadline' }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ kind: 'deadline' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'deadline' }), deadlineMs);
  });
  return Promise.race([run, deadline]).finally(() => clearTimeout(timer));
}
