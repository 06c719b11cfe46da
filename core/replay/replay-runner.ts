import type { Faults } from '../../shared/engine/faults';
import type { HookId } from '../../shared/hooks';
import {
  compareOutcome,
  engineErrorCodes,
  type EngineErrorCode,
  planHook,
  toReplayLine,
  type Bundle,
  type ExecutionPlan,
  type JsonObject,
  type PipelineResult,
  type RecordedEvent,
  type ReplayLine,
  type ScriptLimits,
  type SecretProvider,
  type Trace,
} from '../../shared/engine';

/** Per run: where this run's helpers.secret reads go (the pool's own provider otherwise). */
export interface PipelineRunOptions {
  secrets?: SecretProvider;
  /** Injected faults (docs/engine.md, "Fault injection"). */
  faults?: Faults;
}

/** What replay needs of the engine: the pool (shared/engine/node) satisfies it. */
export interface PipelineExecutor {
  runPipeline(
    plan: ExecutionPlan,
    event: JsonObject,
    options?: PipelineRunOptions,
  ): Promise<{ result: PipelineResult; trace: Trace }>;
}

export interface ReplayOptions {
  executor: PipelineExecutor;
  bundle: Bundle;
  bundleHash: string;
  scriptHash: (source: string) => string;
  events: readonly RecordedEvent[];
  /** Events in flight at once; the pool queues beyond its own limit. */
  concurrency?: number;
  limits?: Partial<ScriptLimits>;
  /**
   * The secrets of this replay's environment, passed with every event, so that a pool shared with
   * runs of other environments never reads another environment's value for it.
   */
  secrets?: SecretProvider;
  /** Faults injected into every event's run: a what-if replay (docs/replay.md, "What-if"). */
  faults?: Faults | undefined;
  /** Called in input order, once per replayed event. */
  onLine: (line: ReplayLine, trace: Trace | null) => void;
  signal?: AbortSignal;
}

export interface ReplayOutcome {
  /** Lines reported through onLine. */
  replayed: number;
  elapsedMs: number;
  cancelled: boolean;
}

/**
 * Replays recorded events through a bundle's pipelines: one plan per hook, events in flight up to
 * `concurrency`, results reported in input order (so output is stable from run to run) while the
 * engine finishes them in any order. Nothing is kept here: each line goes to `onLine`. Every
 * replay goes through this, inside a replay job (replay-job.ts).
 */
export async function replayEvents(options: ReplayOptions): Promise<ReplayOutcome> {
  const started = performance.now();
  const { events } = options;
  const plans = new Map<HookId, ExecutionPlan>();
  const planFor = (hook: HookId): ExecutionPlan => {
    let plan = plans.get(hook);
    if (!plan) {
      plan = planHook(options.bundle, hook, {
        bundleHash: options.bundleHash,
        scriptHashes: (source) => options.scriptHash(source),
        ...(options.limits ? { limits: options.limits } : {}),
      });
      plans.set(hook, plan);
    }
    return plan;
  };

  const runOptions: PipelineRunOptions = {
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
  };
  const finished: ({ line: ReplayLine; trace: Trace | null } | undefined)[] = new Array(events.length);
  let emitted = 0;
  let next = 0;
  const emitReady = () => {
    while (emitted < events.length && finished[emitted]) {
      const entry = finished[emitted]!;
      finished[emitted] = undefined;
      options.onLine(entry.line, entry.trace);
      emitted += 1;
    }
  };

  const replayOne = async (index: number) => {
    const recorded = events[index]!;
    let entry: { line: ReplayLine; trace: Trace | null };
    try {
      const { result, trace } = await options.executor.runPipeline(planFor(recorded.hook), recorded.event, runOptions);
      const mismatch = recorded.outcome === undefined ? null : compareOutcome(result, recorded.outcome);
      entry = { line: toReplayLine(recorded.id, result, mismatch), trace };
    } catch (error) {
      entry = { line: failedLine(recorded, error), trace: null };
    }
    finished[index] = entry;
    emitReady();
  };

  const concurrency = Math.max(1, options.concurrency ?? 20);
  const lanes = Array.from({ length: Math.min(concurrency, events.length) }, async () => {
    while (next < events.length && !options.signal?.aborted) await replayOne(next++);
  });
  await Promise.all(lanes);
  return {
    replayed: emitted,
    elapsedMs: performance.now() - started,
    cancelled: options.signal?.aborted === true,
  };
}

function failedLine(recorded: RecordedEvent, error: unknown): ReplayLine {
  const raw = (error as { code?: unknown } | null)?.code;
  const code: EngineErrorCode = engineErrorCodes.includes(raw as EngineErrorCode)
    ? (raw as EngineErrorCode)
    : 'RUNTIME_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return {
    id: recorded.id,
    hook: recorded.hook,
    ok: false,
    error: { code, message },
    durationMs: 0,
    traceId: '',
    mismatch: null,
  };
}
