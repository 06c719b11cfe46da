import type { ScriptError } from '../../shared/engine';
import type { RecordedEvent } from '../../shared/engine/recorded-events';
import { edgeCaseTags, type EdgeCase, type GeneratedEvent } from '../../shared/hooks/event-generator';
import type { HookId } from '../../shared/hooks';
import type { ScriptRunVerdict } from '../authoring/run-script';

// What a run over generated events found, counted as the runs end. Only failures carry their
// event, and only the first `keep` of them: a script that fails on every one of 10,000 events must
// not hold them all in memory (the CLI streams each failure as it comes instead).

/** What a run decided, as the editor's Run names it; `error` for a run that failed. */
export type GeneratedDecision = ScriptRunVerdict['decision'];

/** A crash is a script error, a limit is one of the sandbox's limits; anything else is `other`. */
export type FailureKind = 'crash' | 'invalid-result' | 'limit' | 'other';

export const limitCodes: readonly string[] = ['TIMEOUT', 'INSTRUCTION_LIMIT', 'MEMORY_LIMIT', 'SCRIPT_TOO_LARGE'];

export interface GenerateFailure {
  index: number;
  kind: FailureKind;
  error: ScriptError & { scriptId?: string };
  edgeCases: EdgeCase[];
  /** The event as docs/formats.md records it, ready for the library (`events import`, `events.save`). */
  recorded: RecordedEvent;
}

export interface GenerateReport {
  hook: HookId;
  seed: number;
  /** Events run. */
  events: number;
  failures: number;
  crashes: number;
  invalidResults: number;
  /** Failures by limit code (TIMEOUT, INSTRUCTION_LIMIT, MEMORY_LIMIT, SCRIPT_TOO_LARGE). */
  limits: Record<string, number>;
  /** Every failure by its error code. */
  errors: Record<string, number>;
  decisions: { allow: number; deny: number; data: number; recorded: number; error: number };
  /** Denies by reason; `(no reason)` when the script gave none. */
  denyReasons: Record<string, number>;
  /** How many events exercised each edge case, and how many of those failed. */
  edgeCases: Record<EdgeCase, { events: number; failures: number }>;
  /** The first failures, each with its event. */
  failed: GenerateFailure[];
  /** Failures found beyond those kept in `failed`. */
  failedOmitted: number;
}

export function failureKind(code: string): FailureKind {
  if (code === 'RUNTIME_ERROR') return 'crash';
  if (code === 'INVALID_RESULT') return 'invalid-result';
  return limitCodes.includes(code) ? 'limit' : 'other';
}

/** A stable id per hook, seed and index: saving the same failure twice is a conflict, not a copy. */
export function generatedEventId(hook: HookId, seed: number, index: number): string {
  return `generated-${hook}-${seed}-${index}`;
}

export function emptyReport(hook: HookId, seed: number): GenerateReport {
  const edgeCases = Object.fromEntries(edgeCaseTags.map((tag) => [tag, { events: 0, failures: 0 }]));
  return {
    hook,
    seed,
    events: 0,
    failures: 0,
    crashes: 0,
    invalidResults: 0,
    limits: {},
    errors: {},
    decisions: { allow: 0, deny: 0, data: 0, recorded: 0, error: 0 },
    denyReasons: {},
    edgeCases: edgeCases as GenerateReport['edgeCases'],
    failed: [],
    failedOmitted: 0,
  };
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Counts one run; answers the failure when it failed. */
export function countRun(
  report: GenerateReport,
  generated: GeneratedEvent,
  decision: GeneratedDecision,
  error: (ScriptError & { scriptId?: string }) | null,
  keep: number,
): GenerateFailure | null {
  report.events += 1;
  report.decisions[decision.kind] += 1;
  if (decision.kind === 'deny') bump(report.denyReasons, decision.reason ?? '(no reason)');
  for (const tag of generated.edgeCases) report.edgeCases[tag].events += 1;
  if (!error) return null;
  const kind = failureKind(error.code);
  report.failures += 1;
  bump(report.errors, error.code);
  if (kind === 'crash') report.crashes += 1;
  if (kind === 'invalid-result') report.invalidResults += 1;
  if (kind === 'limit') bump(report.limits, error.code);
  for (const tag of generated.edgeCases) report.edgeCases[tag].failures += 1;
  const failure: GenerateFailure = {
    index: generated.index,
    kind,
    error,
    edgeCases: generated.edgeCases,
    recorded: {
      id: generatedEventId(report.hook, report.seed, generated.index),
      hook: report.hook,
      event: generated.event,
    },
  };
  if (report.failed.length < keep) report.failed.push(failure);
  else report.failedOmitted += 1;
  return failure;
}
