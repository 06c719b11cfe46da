import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareOutcome,
  jsonEqual,
  type EngineErrorCode,
  type JsonObject,
  type PipelineResult,
  type ScriptOutcome,
} from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import { changedScripts, classifyChange, impactOutcome, recordedOutcome, swappedKind } from './impact-kinds';
import { impactChangeKinds } from './impact-types';

const hookOf = { blocking: 'signup.before', enrichment: 'token.enrich', async: 'signup.after' } as const;

function result(mode: PipelineResult['mode'], fields: Partial<PipelineResult> = {}): PipelineResult {
  return {
    hook: hookOf[mode] as HookId,
    mode,
    ok: fields.error === undefined,
    results: {},
    warnings: [],
    durationMs: 1,
    traceId: 't',
    scripts: [],
    ...fields,
  };
}

const allow = result('blocking', { allow: true });
const deny = (reason: string, code?: string) =>
  result('blocking', { allow: false, reason, ...(code !== undefined ? { code } : {}) });
const failed = (code: EngineErrorCode, fields: Partial<PipelineResult> = {}) =>
  result('blocking', { allow: false, reason: 'failed', error: { code, message: `${code} happened` }, ...fields });

describe('classifyChange', () => {
  it('names each kind of change', () => {
    expect(classifyChange(allow, deny('blocked'))).toEqual(['allow→deny']);
    expect(classifyChange(deny('blocked'), allow)).toEqual(['deny→allow']);
    expect(classifyChange(deny('old'), deny('new'))).toEqual(['reason']);
    expect(classifyChange(deny('same', 'A'), deny('same', 'B'))).toEqual(['reason']);
    const enrich = (data: JsonObject) => result('enrichment', { data });
    expect(classifyChange(enrich({ plan: 'free' }), enrich({ plan: 'pro' }))).toEqual(['data']);
    const after = (results: JsonObject) => result('async', { results });
    expect(classifyChange(after({ a: 1 }), after({ a: 2 }))).toEqual(['data']);
    expect(classifyChange(failed('TIMEOUT'), failed('MEMORY_LIMIT'))).toEqual(['error-changed']);
  });

  it('lists every kind that applies, errors first, and picks the first as the main one', () => {
    // A new failure whose onError denies: the error and the flip, in that order.
    expect(classifyChange(allow, failed('RUNTIME_ERROR'))).toEqual(['error-new', 'allow→deny']);
    expect(classifyChange(failed('RUNTIME_ERROR'), allow)).toEqual(['error-fixed', 'deny→allow']);
  });

  it('finds nothing when only what is not an outcome differs', () => {
    expect(classifyChange(allow, { ...allow, durationMs: 50, traceId: 'other', warnings: ['w'] })).toEqual([]);
    // The same failure with another message is the same failure, as in replay's mismatch.
    expect(classifyChange(failed('TIMEOUT'), failed('TIMEOUT', { error: { code: 'TIMEOUT', message: 'x' } }))).toEqual(
      [],
    );
    // An allow has no reason.
    expect(classifyChange(allow, { ...allow, reason: 'ignored' })).toEqual([]);
  });

  it('sees a reason that only one deny has, whichever side it is on', () => {
    const bare = result('blocking', { allow: false });
    expect(classifyChange(bare, deny('now explained'))).toEqual(['reason']);
    expect(classifyChange(deny('now explained'), bare)).toEqual(['reason']);
  });
});

// Results of every mode, drawn from small pools of values so that equal and different sides both
// come up often.
const errorArb = fc.option(
  fc.record({ code: fc.constantFrom<EngineErrorCode>('TIMEOUT', 'RUNTIME_ERROR'), message: fc.constantFrom('a', 'b') }),
  { nil: undefined },
);
const small = fc.constantFrom<JsonObject>({}, { plan: 'free' }, { plan: 'pro' }, { plan: 'pro', seats: 2 });
const resultArb: fc.Arbitrary<PipelineResult> = fc.oneof(
  fc
    .record({
      allow: fc.option(fc.boolean(), { nil: undefined }),
      reason: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
      code: fc.option(fc.constantFrom('C1', 'C2'), { nil: undefined }),
      error: errorArb,
    })
    .map((f) => result('blocking', withoutUndefined(f))),
  fc.record({ data: small, error: errorArb }).map((f) => result('enrichment', withoutUndefined(f))),
  fc.record({ results: small, error: errorArb }).map((f) => result('async', withoutUndefined(f))),
);
const pairArb = resultArb.chain((a) =>
  resultArb.filter((b) => b.mode === a.mode).map((b) => [a, { ...b, hook: a.hook }] as const),
);

function withoutUndefined<T extends object>(value: T): Partial<PipelineResult> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<PipelineResult>;
}

/** What "the same outcome" means, written out independently of compareOutcome. */
function sameOutcome(a: PipelineResult, b: PipelineResult): boolean {
  if ((a.error?.code ?? null) !== (b.error?.code ?? null)) return false;
  if (a.mode === 'blocking') {
    if ((a.allow ?? true) !== (b.allow ?? true)) return false;
    if (a.allow === false && b.allow === false && (a.reason !== b.reason || a.code !== b.code)) return false;
  }
  if (a.mode === 'enrichment' && !jsonEqual(a.data ?? {}, b.data ?? {})) return false;
  if (a.mode === 'async' && !jsonEqual(a.results, b.results)) return false;
  return true;
}

describe('classifyChange, for any pair of results', () => {
  it('is symmetric: swapping the sides swaps allow→deny/deny→allow and error-new/error-fixed only', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const swapped = classifyChange(b, a);
        const expected = impactChangeKinds.filter((kind) => classifyChange(a, b).map(swappedKind).includes(kind));
        expect(swapped).toEqual(expected);
      }),
    );
  });

  it('is unchanged exactly when compareOutcome finds no mismatch either way, and when the outcomes agree', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const unchanged = classifyChange(a, b).length === 0;
        const noMismatch =
          compareOutcome(b, recordedOutcome(a)) === null && compareOutcome(a, recordedOutcome(b)) === null;
        expect(unchanged).toBe(noMismatch);
        expect(unchanged).toBe(sameOutcome(a, b));
      }),
    );
  });

  it('finds nothing between a result and itself, and lists kinds once, in order', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(classifyChange(a, a)).toEqual([]);
        const kinds = classifyChange(a, b);
        expect(kinds).toEqual(impactChangeKinds.filter((kind) => kinds.includes(kind)));
      }),
    );
  });
});

describe('impactOutcome', () => {
  it('keeps the decision fields of each mode and the error', () => {
    expect(impactOutcome(deny('blocked', 'B'))).toEqual({ allow: false, reason: 'blocked', code: 'B' });
    expect(impactOutcome(result('blocking'))).toEqual({ allow: true });
    expect(impactOutcome(result('enrichment', { data: { a: 1 } }))).toEqual({ data: { a: 1 } });
    expect(
      impactOutcome(
        result('async', { results: { s: null }, error: { code: 'TIMEOUT', message: 'slow', scriptId: 's' } }),
      ),
    ).toEqual({ results: { s: null }, error: { code: 'TIMEOUT', message: 'slow', scriptId: 's' } });
  });
});

describe('changedScripts', () => {
  const script = (scriptId: string, fields: Partial<ScriptOutcome> = {}): ScriptOutcome => ({
    scriptId,
    ok: true,
    logs: [],
    instructions: 1,
    memoryPeakBytes: 1,
    startedAt: 0,
    durationMs: 1,
    fetches: [],
    ...fields,
  });

  it("lists the candidate's scripts whose result differs or that are new, in run order", () => {
    const baseline = result('blocking', {
      scripts: [script('same', { value: true }), script('flips', { value: true }), script('fails')],
    });
    const candidate = result('blocking', {
      scripts: [
        script('same', { value: true, durationMs: 9, logs: [{ level: 'info', message: 'new log', t: 0 }] }),
        script('flips', { value: { allow: false } }),
        script('fails', { ok: false, error: { code: 'TIMEOUT', message: 'slow' } }),
        script('added'),
      ],
    });
    expect(changedScripts(baseline, candidate)).toEqual(['flips', 'fails', 'added']);
  });

  it('leaves out the scripts the candidate no longer ran', () => {
    const baseline = result('blocking', { scripts: [script('first'), script('later')] });
    const candidate = result('blocking', { scripts: [script('first', { value: { allow: false } })] });
    expect(changedScripts(baseline, candidate)).toEqual(['first']);
  });

  it('compares error codes, not messages', () => {
    const a = result('blocking', { scripts: [script('s', { ok: false, error: { code: 'TIMEOUT', message: 'a' } })] });
    const b = result('blocking', { scripts: [script('s', { ok: false, error: { code: 'TIMEOUT', message: 'b' } })] });
    expect(changedScripts(a, b)).toEqual([]);
  });
});
