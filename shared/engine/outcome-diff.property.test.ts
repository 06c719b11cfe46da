import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareOutcome,
  type EngineErrorCode,
  type JsonObject,
  type JsonValue,
  type MismatchDifference,
  type PipelineResult,
} from '.';
import type { HookId } from '../hooks';
import { outcomeChangeKinds, outcomeDifferences, type OutcomeChangeKind } from './outcome-diff';

// outcomeDifferences is what both the studio's impact and a runtime's shadow rollout judge with;
// this checks its rules against a second, independent derivation: the replay's mismatch
// (compareOutcome) run both ways with each side's outcome as the recording, its differences named
// by field (`kindOf` below).
//
// The outcomes given to outcomeDifferences are built as runtime/invoke.ts records them (the
// answer's fields; `error` as `{ code }` only when there is one), and impact's recorded outcome
// (which says `error: null`) is what compareOutcome is given, so the two recorded forms are
// covered too. The kinds are compared as sets: impact lists errors first, a rollout the decision
// first (shared/engine/outcome-diff.ts).

const hookOf = { blocking: 'signup.before', enrichment: 'token.enrich', async: 'signup.after' } as const;

/** What the runtime records for a finished run (runtime/invoke.ts, answerOf and outcomeOf). */
function runtimeOutcome(result: PipelineResult): JsonObject {
  const outcome: JsonObject = {};
  if (result.mode === 'blocking') {
    outcome.allow = result.allow ?? true;
    if (result.reason !== undefined) outcome.reason = result.reason;
    if (result.code !== undefined) outcome.code = result.code;
  }
  if (result.mode === 'enrichment') outcome.data = result.data ?? {};
  if (result.mode === 'async') outcome.results = result.results;
  if (result.error) outcome.error = { code: result.error.code };
  return outcome;
}

/** What impact records for a run (core/impact/impact-kinds.ts, recordedOutcome). */
function impactRecorded(result: PipelineResult): JsonObject {
  const recorded: JsonObject = { ...runtimeOutcome(result) };
  recorded.error = result.error ? { code: result.error.code } : null;
  return recorded;
}

/** The kinds impact names (core/impact/impact-kinds.ts, classifyChange), as a set. */
function impactKinds(baseline: PipelineResult, candidate: PipelineResult): Set<OutcomeChangeKind> {
  const found = new Set<OutcomeChangeKind>();
  const kindOf = (difference: MismatchDifference, baselineRecorded: boolean): OutcomeChangeKind => {
    if ('paths' in difference) return 'data';
    if (difference.field === 'reason' || difference.field === 'code') return 'reason';
    const [before, after] = baselineRecorded
      ? [difference.recorded, difference.replayed]
      : [difference.replayed, difference.recorded];
    if (difference.field === 'allow') return before === false ? 'deny→allow' : 'allow→deny';
    if (before === null) return 'error-new';
    if (after === null) return 'error-fixed';
    return 'error-changed';
  };
  for (const d of compareOutcome(candidate, impactRecorded(baseline))?.differences ?? []) found.add(kindOf(d, true));
  for (const d of compareOutcome(baseline, impactRecorded(candidate))?.differences ?? []) found.add(kindOf(d, false));
  return found;
}

// Small domains, so that equal and different values both come up often.
const word = fc.constantFrom('a', 'b', 'blocked', '');
const scalar: fc.Arbitrary<JsonValue> = fc.constantFrom(0, 1, -1, 'x', 'y', true, false, null);
const jsonData: fc.Arbitrary<JsonObject> = fc.letrec<{ value: JsonValue; object: JsonObject }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    tie('object'),
    fc.array(scalar, { maxLength: 2 }),
  ),
  object: fc.dictionary(fc.constantFrom('plan', 'tier', 'n'), tie('value'), { maxKeys: 3 }),
})).object;
const error = fc.option(
  fc.record({
    code: fc.constantFrom<EngineErrorCode>('TIMEOUT', 'RUNTIME_ERROR', 'MEMORY_LIMIT'),
    message: fc.constantFrom('one', 'two'),
  }),
  { nil: undefined },
);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const resultOf = (mode: PipelineResult['mode']): fc.Arbitrary<PipelineResult> =>
  fc
    .record({
      allow: optional(fc.boolean()),
      reason: optional(word),
      code: optional(fc.constantFrom('A', 'B')),
      data: optional(jsonData),
      results: jsonData,
      error,
    })
    .map((fields) => {
      const result: PipelineResult = {
        hook: hookOf[mode] as HookId,
        mode,
        ok: fields.error === undefined,
        results: fields.results,
        warnings: [],
        durationMs: 1,
        traceId: 't',
        scripts: [],
      };
      if (mode === 'blocking') {
        if (fields.allow !== undefined) result.allow = fields.allow;
        if (fields.reason !== undefined) result.reason = fields.reason;
        if (fields.code !== undefined) result.code = fields.code;
      }
      if (mode === 'enrichment' && fields.data !== undefined) result.data = fields.data;
      if (fields.error) result.error = fields.error;
      return result;
    });

const pair = fc
  .constantFrom<PipelineResult['mode']>('blocking', 'enrichment', 'async')
  .chain((mode) => fc.tuple(resultOf(mode), resultOf(mode)));

describe('outcomeDifferences', () => {
  it('names the same kinds as impact for the same two runs', () => {
    fc.assert(
      fc.property(pair, ([active, candidate]) => {
        const kinds = outcomeDifferences(runtimeOutcome(active), runtimeOutcome(candidate));
        expect(new Set(kinds)).toEqual(impactKinds(active, candidate));
        // The same on impact's own recorded form.
        expect(outcomeDifferences(impactRecorded(active), impactRecorded(candidate))).toEqual(kinds);
      }),
      { numRuns: 1000 },
    );
  });

  it('lists each kind once, in the order of outcomeChangeKinds', () => {
    fc.assert(
      fc.property(pair, ([active, candidate]) => {
        const kinds = outcomeDifferences(runtimeOutcome(active), runtimeOutcome(candidate));
        expect(kinds).toEqual(outcomeChangeKinds.filter((kind) => kinds.includes(kind)));
      }),
      { numRuns: 300 },
    );
  });

  it('is empty for an outcome and itself, and mirrored when the sides swap', () => {
    const mirror: Partial<Record<OutcomeChangeKind, OutcomeChangeKind>> = {
      'allow→deny': 'deny→allow',
      'deny→allow': 'allow→deny',
      'error-new': 'error-fixed',
      'error-fixed': 'error-new',
    };
    fc.assert(
      fc.property(pair, ([active, candidate]) => {
        const a = runtimeOutcome(active);
        const b = runtimeOutcome(candidate);
        expect(outcomeDifferences(a, structuredClone(a))).toEqual([]);
        const swapped = outcomeDifferences(b, a).map((kind) => mirror[kind] ?? kind);
        expect(new Set(swapped)).toEqual(new Set(outcomeDifferences(a, b)));
      }),
      { numRuns: 300 },
    );
  });
});
