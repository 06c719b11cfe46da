import { describe, expect, it } from 'vitest';
import {
  emptyTailRows,
  keepRows,
  newRowsText,
  pauseRows,
  receiveBatch,
  resumeRows,
  samplingText,
  type TailItem,
} from './tail-rows';

function item(n: number, outcome: TailItem['outcome'] = 'allow'): TailItem {
  return {
    at: `2026-12-03T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    hook: 'signup.before',
    mode: 'blocking',
    outcome,
    version: 1,
    durationMs: n,
    traceId: n.toString(16).padStart(32, '0'),
  };
}
const batch = (items: TailItem[], sampleRate = 1, dropped = 0) => ({ items, sampleRate, dropped });

describe('tail rows', () => {
  it('shows the newest first and keeps at most the limit', () => {
    let state = receiveBatch(emptyTailRows, batch([item(1), item(2)]), 3);
    expect(state.rows.map((row) => row.durationMs)).toEqual([2, 1]);
    state = receiveBatch(state, batch([item(3), item(4)]), 3);
    expect(state.rows.map((row) => row.durationMs)).toEqual([4, 3, 2]);
    expect(new Set(state.rows.map((row) => row.key)).size).toBe(3);
  });

  it('keeps only the newest of a batch larger than the limit, with keys that stay unique', () => {
    const state = receiveBatch(emptyTailRows, batch([1, 2, 3, 4, 5].map((n) => item(n))), 2);
    expect(state.rows.map((row) => row.durationMs)).toEqual([5, 4]);
    const next = receiveBatch(state, batch([item(6)]), 2);
    expect(next.rows.map((row) => row.key)).toEqual([5, 4]);
  });

  it('buffers while paused, counts every arrival, and shows the buffer on resume', () => {
    let state = receiveBatch(emptyTailRows, batch([item(1)]), 3);
    state = pauseRows(state);
    state = receiveBatch(state, batch([item(2), item(3)]), 3);
    state = receiveBatch(state, batch([item(4), item(5)]), 3);
    expect(state.rows.map((row) => row.durationMs)).toEqual([1]);
    expect(state.pending.map((row) => row.durationMs)).toEqual([5, 4, 3]);
    expect(newRowsText(state, 3)).toBe('4 new (the newest 3 are kept)');
    state = resumeRows(state, 3);
    expect(state.paused).toBe(false);
    expect(state.rows.map((row) => row.durationMs)).toEqual([5, 4, 3]);
    expect(state.arrivedWhilePaused).toBe(0);
    expect(newRowsText(pauseRows(state))).toBe('0 new');
  });

  it('takes the sampling rate and the dropped count from the latest batch, empty ones included', () => {
    const state = receiveBatch(receiveBatch(emptyTailRows, batch([item(1)], 0.5, 3)), batch([], 0.25, 9));
    expect(state.sampleRate).toBe(0.25);
    expect(state.dropped).toBe(9);
    expect(state.rows).toHaveLength(1);
  });

  it('applies a new filter to what is shown and buffered', () => {
    let state = receiveBatch(emptyTailRows, batch([item(1, 'deny'), item(2)]));
    state = receiveBatch(pauseRows(state), batch([item(3, 'deny'), item(4)]));
    state = keepRows(state, (row) => row.outcome === 'deny');
    expect(state.rows.map((row) => row.durationMs)).toEqual([1]);
    expect(state.pending.map((row) => row.durationMs)).toEqual([3]);
    expect(state.arrivedWhilePaused).toBe(1);
  });

  it('says when the runtime samples', () => {
    expect(samplingText(1)).toBeNull();
    expect(samplingText(0.25)).toBe('showing 1 in 4 — the runtime is sampling');
    expect(samplingText(0.3)).toBe('showing 1 in 3 — the runtime is sampling');
    expect(samplingText(0)).toBe('showing none right now — the runtime is sampling');
  });
});
