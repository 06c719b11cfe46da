import { describe, expect, it } from 'vitest';
import type { JsonObject } from '.';
import { outcomeDifferences } from './outcome-diff';

const allow: JsonObject = { allow: true };
const deny = (reason?: string, code?: string): JsonObject => ({
  allow: false,
  ...(reason !== undefined ? { reason } : {}),
  ...(code !== undefined ? { code } : {}),
});

describe('outcomeDifferences', () => {
  it('finds nothing when the outcomes agree', () => {
    expect(outcomeDifferences(allow, { allow: true })).toEqual([]);
    expect(outcomeDifferences(deny('no', 'X'), deny('no', 'X'))).toEqual([]);
    expect(outcomeDifferences({ data: { a: 1, b: [1, 2] } }, { data: { b: [1, 2], a: 1 } })).toEqual([]);
    expect(outcomeDifferences({ results: {} }, { results: {} })).toEqual([]);
    const failed = { allow: false, reason: 'failed', error: { code: 'TIMEOUT' } };
    expect(outcomeDifferences(failed, { ...failed, error: { code: 'TIMEOUT' } })).toEqual([]);
  });

  it('names a flipped decision', () => {
    expect(outcomeDifferences(allow, deny('blocked'))).toEqual(['allow→deny']);
    expect(outcomeDifferences(deny('blocked'), allow)).toEqual(['deny→allow']);
    // A blocking outcome without `allow` is an allow, as in the answer.
    expect(outcomeDifferences({}, deny())).toEqual(['allow→deny']);
  });

  it('names a changed reason or code only when both deny', () => {
    expect(outcomeDifferences(deny('old'), deny('new'))).toEqual(['reason']);
    expect(outcomeDifferences(deny('same', 'A'), deny('same', 'B'))).toEqual(['reason']);
    expect(outcomeDifferences(deny('same'), deny('same', 'B'))).toEqual(['reason']);
    expect(outcomeDifferences(deny(), deny('now with a reason'))).toEqual(['reason']);
    expect(outcomeDifferences({ allow: true, reason: 'x' }, { allow: true, reason: 'y' })).toEqual([]);
  });

  it('names changed enrichment data or async results', () => {
    expect(outcomeDifferences({ data: { plan: 'free' } }, { data: { plan: 'pro' } })).toEqual(['data']);
    expect(outcomeDifferences({ data: { plan: 'free' } }, { data: { plan: 'free', extra: null } })).toEqual(['data']);
    expect(outcomeDifferences({ data: {} }, {})).toEqual([]);
    expect(outcomeDifferences({ results: { a: 1 } }, { results: { a: 2 } })).toEqual(['data']);
    expect(outcomeDifferences({ results: { a: [1, 2] } }, { results: { a: [2, 1] } })).toEqual(['data']);
  });

  it('names new, fixed and changed errors by their code', () => {
    const failed = (code: string, message = 'm'): JsonObject => ({ results: {}, error: { code, message } });
    expect(outcomeDifferences({ results: {} }, failed('RUNTIME_ERROR'))).toEqual(['error-new']);
    expect(outcomeDifferences(failed('RUNTIME_ERROR'), { results: {} })).toEqual(['error-fixed']);
    expect(outcomeDifferences(failed('TIMEOUT'), failed('MEMORY_LIMIT'))).toEqual(['error-changed']);
    expect(outcomeDifferences(failed('TIMEOUT', 'one'), failed('TIMEOUT', 'two'))).toEqual([]);
    // The impact side of the studio records "no error" as null, and older recordings a bare code.
    expect(outcomeDifferences({ results: {}, error: null }, { results: {}, error: 'TIMEOUT' })).toEqual(['error-new']);
  });

  it('lists every kind that applies, the decision first', () => {
    const failedDeny = { allow: false, reason: 'failed', error: { code: 'RUNTIME_ERROR' } };
    expect(outcomeDifferences(allow, failedDeny)).toEqual(['allow→deny', 'error-new']);
    expect(outcomeDifferences(failedDeny, allow)).toEqual(['deny→allow', 'error-fixed']);
    expect(outcomeDifferences(deny('a'), { ...deny('b'), error: { code: 'TIMEOUT' } })).toEqual([
      'reason',
      'error-new',
    ]);
  });

  it('reads only own fields of a hostile outcome', () => {
    const parsed = JSON.parse('{"__proto__":{"allow":false},"results":{}}') as JsonObject;
    expect(outcomeDifferences(parsed, { results: {} })).toEqual([]);
  });
});
