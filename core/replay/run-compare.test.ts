import { describe, expect, it } from 'vitest';
import type { ReplayLine } from '../../shared/engine';
import { compareRuns, latencyOf } from './run-compare';

const line = (id: string, extra: Partial<ReplayLine> = {}): ReplayLine => ({
  id,
  hook: 'signup.before',
  ok: true,
  allow: true,
  durationMs: 1,
  traceId: 'a'.repeat(32),
  mismatch: null,
  ...extra,
});

describe('compareRuns', () => {
  it('classifies each change, error first, then decision, then data', () => {
    const error = { code: 'RUNTIME_ERROR' as const, message: 'boom' };
    const { rows, counts } = compareRuns(
      [
        line('a', { ok: false, error }),
        line('b', { ok: false, error }),
        line('c', { allow: false, reason: 'x' }),
        line('d', { allow: false, reason: 'x', code: 'A' }),
        line('e', { hook: 'token.enrich', allow: undefined, data: { a: { b: 1 }, keep: true } }),
        line('f', { hook: 'signup.after', allow: undefined, results: { s: { sent: true } } }),
        line('g', { durationMs: 3 }),
      ],
      [
        line('a', { ok: false, error: { code: 'TIMEOUT', message: 'slow' } }),
        line('b', { ok: false, error: { code: 'RUNTIME_ERROR', message: 'another message' } }),
        line('c', { allow: false, reason: 'y' }),
        line('d', { allow: false, reason: 'x', code: 'B' }),
        line('e', { hook: 'token.enrich', allow: undefined, data: { a: { b: 2 }, keep: true, added: 1 } }),
        line('f', { hook: 'signup.after', allow: undefined, results: { s: { sent: false } } }),
        line('g', { durationMs: 1.5 }),
      ],
    );
    expect(rows.map((row) => [row.eventId, row.change, row.summary])).toEqual([
      ['a', 'error', 'error RUNTIME_ERROR → error TIMEOUT'],
      ['b', 'same', 'same outcome'],
      ['c', 'decision', 'reason: "x" → "y"'],
      ['d', 'decision', 'code: "A" → "B"'],
      ['e', 'data', 'data differs at a.b, added'],
      ['f', 'data', 'results differ at s.sent'],
      ['g', 'same', 'same outcome'],
    ]);
    expect(rows[6]!.durationDeltaMs).toBe(-1.5);
    expect(counts).toEqual({ compared: 7, decision: 2, data: 2, error: 1, same: 2, added: 0, removed: 0 });
  });

  it('counts a repeated id once and compares two empty runs', () => {
    const { rows } = compareRuns([line('a'), line('a', { allow: false })], [line('a')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.change).toBe('same');
    expect(compareRuns([], [])).toEqual({
      counts: { compared: 0, decision: 0, data: 0, error: 0, same: 0, added: 0, removed: 0 },
      latency: { before: { p50: 0, p95: 0, p99: 0, mean: 0 }, after: { p50: 0, p95: 0, p99: 0, mean: 0 } },
      rows: [],
    });
  });

  it('takes nearest-rank percentiles', () => {
    const lines = Array.from({ length: 100 }, (_, i) => line(`e${i}`, { durationMs: i + 1 }));
    expect(latencyOf(lines)).toEqual({ p50: 50, p95: 95, p99: 99, mean: 50.5 });
    expect(latencyOf([line('x', { durationMs: 7 })])).toEqual({ p50: 7, p95: 7, p99: 7, mean: 7 });
  });

  it('joins two 10,000-event runs by event id (speed: bench/replay-ui)', () => {
    const make = (shift: number) =>
      Array.from({ length: 10_000 }, (_, i) =>
        line(`evt-${i + shift}`, {
          hook: 'token.enrich',
          allow: undefined,
          data: { roles: ['a', 'b'], tier: i % 7 === 0 && shift > 0 ? 'pro' : 'free', n: { m: i } },
          durationMs: (i % 13) + 0.5,
        }),
      );
    const before = make(0);
    const after = make(100);
    const { counts } = compareRuns(before, after);
    expect(counts.added).toBe(100);
    expect(counts.removed).toBe(100);
    expect(counts.compared).toBe(9_900);
    expect(counts.data + counts.same).toBe(9_900);
    expect(counts.data).toBeGreaterThan(1000);
  });
});
