import type { ExecutionPlan, PipelineResult, ScriptError, SecretProvider } from '../../shared/engine';
import { EngineError, type EnginePool } from '../../shared/engine/node';
import { generateEvents, type GeneratedEvent } from '../../shared/hooks/event-generator';
import { modeOf, type HookId } from '../../shared/hooks';
import { judgeScriptRun, runSingleScript } from '../authoring/run-script';
import {
  countRun,
  emptyReport,
  type GenerateFailure,
  type GenerateReport,
  type GeneratedDecision,
} from './generate-report';

// Runs a script, or a bundle's whole pipeline for one hook, on generated events in the engine pool
// and counts what happened (docs/hooks.md, "Generated events"). A lone script runs as the editor's
// Run runs it (a plan of one layer, judged by judgeScriptRun), so "Generate events" and Run never
// disagree about one event. Events are made one at a time and results are counted in the order of
// the events, so the same seed gives the same report and the same failures, in the same order.

export type GenerateTarget =
  | {
      kind: 'script';
      /** Shown in errors: the file name on the CLI, "draft" in the editor. */
      scriptId: string;
      source: string;
      env: Record<string, string>;
      secretNames: readonly string[];
      timeoutMs?: number;
    }
  | { kind: 'pipeline'; plan: ExecutionPlan };

export interface GenerateRun {
  pool: EnginePool;
  hook: HookId;
  target: GenerateTarget;
  count: number;
  seed: number;
  /** This run's helpers.secret values; the pool's own provider otherwise. */
  secrets?: SecretProvider;
  /** Events in flight at once (default 8: the pool runs at most 20, and others may share it). */
  concurrency?: number;
  /** Failures kept with their event in the report (default 100); every one goes to onFailure. */
  keepFailures?: number;
  onFailure?: (failure: GenerateFailure) => void;
}

interface Judged {
  decision: GeneratedDecision;
  error: (ScriptError & { scriptId?: string }) | null;
}

async function runScript(run: GenerateRun, target: Extract<GenerateTarget, { kind: 'script' }>, event: GeneratedEvent) {
  const { outcome } = await runSingleScript({
    pool: run.pool,
    scriptId: target.scriptId,
    source: target.source,
    hook: run.hook,
    event: event.event,
    env: target.env,
    secretNames: target.secretNames,
    ...(run.secrets ? { secrets: run.secrets } : {}),
    ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}),
  });
  const verdict = judgeScriptRun(run.hook, outcome);
  const judged: Judged = { decision: verdict.decision, error: null };
  if (!verdict.ok) judged.error = verdict.error ?? { code: 'RUNTIME_ERROR', message: 'the script failed' };
  return judged;
}

function pipelineDecision(hook: HookId, result: PipelineResult): GeneratedDecision {
  const mode = modeOf(hook);
  if (mode === 'blocking' && result.allow === false) {
    return {
      kind: 'deny',
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
      ...(result.code !== undefined ? { code: result.code } : {}),
    };
  }
  return { kind: mode === 'blocking' ? 'allow' : mode === 'enrichment' ? 'data' : 'recorded' };
}

async function runPlan(run: GenerateRun, plan: ExecutionPlan, event: GeneratedEvent): Promise<Judged> {
  try {
    const { result } = await run.pool.runPipeline(plan, event.event, run.secrets ? { secrets: run.secrets } : {});
    if (result.error) return { decision: { kind: 'error' }, error: result.error };
    return { decision: pipelineDecision(run.hook, result), error: null };
  } catch (error) {
    // A run lost after it started is that event's failure; a refused run stops the whole run.
    if (!(error instanceof EngineError) || error.refused) throw error;
    return { decision: { kind: 'error' }, error: { code: error.code, message: error.message } };
  }
}

/**
 * Rejects only when the pool refuses a run (saturated, closed, workers that cannot start): what
 * was counted until then would be a partial report that looks like a whole one.
 */
export async function runGenerated(run: GenerateRun): Promise<GenerateReport> {
  const report = emptyReport(run.hook, run.seed);
  const keep = run.keepFailures ?? 100;
  const concurrency = Math.max(1, run.concurrency ?? 8);
  const target = run.target;
  const runOne = (event: GeneratedEvent) =>
    target.kind === 'script' ? runScript(run, target, event) : runPlan(run, target.plan, event);
  const window: Array<{ event: GeneratedEvent; judged: Promise<Judged> }> = [];
  const settleFirst = async () => {
    const first = window.shift();
    if (!first) return;
    const { decision, error } = await first.judged;
    const failure = countRun(report, first.event, decision, error, keep);
    if (failure) run.onFailure?.(failure);
  };
  try {
    for (const event of generateEvents(run.hook, run.seed, run.count)) {
      const judged = runOne(event);
      // Seen as handled at once, so that a rejection while earlier runs are awaited is not reported
      // as unhandled; it is rethrown when its turn comes.
      judged.catch(() => {});
      window.push({ event, judged });
      if (window.length >= concurrency) await settleFirst();
    }
    while (window.length > 0) await settleFirst();
  } finally {
    // Runs still in flight after a refusal end on their own; nobody waits for their answers.
    window.length = 0;
  }
  return report;
}
