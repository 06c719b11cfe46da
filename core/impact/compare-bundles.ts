import { ContractError } from '../../shared/contract';
import {
  BundleInvalidError,
  engineErrorCodes,
  planHook,
  type EngineErrorCode,
  type ExecutionPlan,
  type PipelineResult,
  type RecordedEvent,
  type Trace,
} from '../../shared/engine';
import { maxConcurrentRuns } from '../../shared/engine/limits';
import { scriptHash } from '../../shared/engine/node/bundle-files';
import type { HookId } from '../../shared/hooks';
import type { PipelineRunOptions } from '../replay/replay-runner';
import { changedScripts, classifyChange, impactOutcome } from './impact-kinds';
import type { CompareBundlesOptions, ImpactChange, ImpactChangeKind, ImpactSide, ImpactSummary } from './impact-types';
import { latencyPercentiles } from './latency';

// Every event through the baseline and the candidate bundle, in one engine pool (docs/replay.md,
// "Impact"). Decided here:
// - both bundles are planned for every hook among the events before any event runs, so an invalid
//   side is refused (PIPELINE_INVALID, naming the side) before any work;
// - each event submits its two runs at once and up to `concurrency` events are in flight, so both
//   plans are in the pool together and the pool's workers stay busy with either;
// - events are reported in input order (onChange, onProgress) while the pool finishes them in any
//   order, as replay does (core/replay/replay-runner.ts);
// - an event id seen before is skipped (the first one wins) and counted in `duplicates`;
// - a run the pool refused (it threw instead of answering a failed result) counts as that side's
//   failure with the thrown code, and an empty trace;
// - cancel (the signal) stops starting events; the events in flight finish and are reported.

interface SideRun {
  result: PipelineResult;
  trace: Trace;
}

interface Compared {
  event: RecordedEvent;
  baseline: SideRun;
  candidate: SideRun;
}

export async function compareBundles(options: CompareBundlesOptions): Promise<ImpactSummary> {
  const started = performance.now();
  const { events, duplicates } = uniqueById(options.events);
  const hooks = new Set(events.map((event) => event.hook));
  const baselinePlans = planAll('baseline', options.baseline, hooks);
  const candidatePlans = planAll('candidate', options.candidate, hooks);
  const runOptions: PipelineRunOptions = options.secrets ? { secrets: options.secrets } : {};

  const summary = emptySummary(events.length, duplicates);
  const durations = { baseline: [] as number[], candidate: [] as number[] };
  const finished: (Compared | undefined)[] = new Array(events.length);
  let reported = 0;
  let next = 0;

  const report = (compared: Compared) => {
    const { event, baseline, candidate } = compared;
    durations.baseline.push(baseline.result.durationMs);
    durations.candidate.push(candidate.result.durationMs);
    const changes = classifyChange(baseline.result, candidate.result);
    const change = changes[0];
    if (change === undefined) summary.unchanged += 1;
    else {
      summary[counterOf[change]] += 1;
      const line: ImpactChange = {
        id: event.id,
        hook: event.hook,
        change,
        changes,
        baseline: impactOutcome(baseline.result),
        candidate: impactOutcome(candidate.result),
        scripts: changedScripts(baseline.result, candidate.result),
        baselineTraceId: baseline.trace.traceId,
        candidateTraceId: candidate.trace.traceId,
      };
      options.onChange?.(line, { baseline: baseline.trace, candidate: candidate.trace });
    }
    summary.events += 1;
    options.onProgress?.(summary.events, events.length);
  };
  const reportReady = () => {
    while (reported < events.length && finished[reported]) {
      const compared = finished[reported]!;
      finished[reported] = undefined;
      reported += 1;
      report(compared);
    }
  };

  const run = async (plan: ExecutionPlan, event: RecordedEvent): Promise<SideRun> => {
    try {
      return await options.executor.runPipeline(plan, event.event, runOptions);
    } catch (error) {
      return refusedRun(plan, error);
    }
  };
  const compareOne = async (index: number) => {
    const event = events[index]!;
    const [baseline, candidate] = await Promise.all([
      run(baselinePlans.get(event.hook)!, event),
      run(candidatePlans.get(event.hook)!, event),
    ]);
    finished[index] = { event, baseline, candidate };
    reportReady();
  };

  const concurrency = Math.max(1, options.concurrency ?? maxConcurrentRuns);
  const lanes = Array.from({ length: Math.min(concurrency, events.length) }, async () => {
    while (next < events.length && !options.signal?.aborted) await compareOne(next++);
  });
  await Promise.all(lanes);

  summary.latencyMs = {
    baseline: latencyPercentiles(durations.baseline),
    candidate: latencyPercentiles(durations.candidate),
  };
  summary.cancelled = summary.events < events.length;
  summary.elapsedMs = performance.now() - started;
  return summary;
}

type Counter =
  'allowToDeny' | 'denyToAllow' | 'reasonChanged' | 'dataChanged' | 'newErrors' | 'fixedErrors' | 'changedErrors';

const counterOf: Record<ImpactChangeKind, Counter> = {
  'allow→deny': 'allowToDeny',
  'deny→allow': 'denyToAllow',
  reason: 'reasonChanged',
  data: 'dataChanged',
  'error-new': 'newErrors',
  'error-fixed': 'fixedErrors',
  'error-changed': 'changedErrors',
};

function emptySummary(total: number, duplicates: number): ImpactSummary {
  const none = { p50: 0, p95: 0, p99: 0 };
  return {
    events: 0,
    unchanged: 0,
    allowToDeny: 0,
    denyToAllow: 0,
    reasonChanged: 0,
    dataChanged: 0,
    newErrors: 0,
    fixedErrors: 0,
    changedErrors: 0,
    latencyMs: { baseline: none, candidate: none },
    duplicates,
    total,
    cancelled: false,
    elapsedMs: 0,
  };
}

/** The events with the first of each id, in input order, and how many were left out. */
export function uniqueById(events: readonly RecordedEvent[]): { events: RecordedEvent[]; duplicates: number } {
  const seen = new Set<string>();
  const unique: RecordedEvent[] = [];
  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    unique.push(event);
  }
  return { events: unique, duplicates: events.length - unique.length };
}

function planAll(side: 'baseline' | 'candidate', { bundle, hash }: ImpactSide, hooks: Set<HookId>) {
  const plans = new Map<HookId, ExecutionPlan>();
  try {
    for (const hook of hooks) plans.set(hook, planHook(bundle, hook, { bundleHash: hash, scriptHashes: scriptHash }));
  } catch (error) {
    if (error instanceof BundleInvalidError) throw new ContractError('PIPELINE_INVALID', `${side}: ${error.message}`);
    throw error;
  }
  return plans;
}

function refusedRun(plan: ExecutionPlan, error: unknown): SideRun {
  const raw = (error as { code?: unknown } | null)?.code;
  const code: EngineErrorCode = engineErrorCodes.includes(raw as EngineErrorCode)
    ? (raw as EngineErrorCode)
    : 'RUNTIME_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const result: PipelineResult = {
    hook: plan.hook,
    mode: plan.mode,
    ok: false,
    results: {},
    error: { code, message },
    warnings: [],
    durationMs: 0,
    traceId: '',
    scripts: [],
  };
  if (plan.mode === 'blocking') {
    // As a failed script with onError deny: nothing the pool refused may look like an allow.
    result.allow = false;
    result.reason = `the engine refused the run (${code})`;
  }
  return { result, trace: { traceId: '', hook: plan.hook, spans: [] } };
}
